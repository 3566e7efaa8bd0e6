package io.signalfold.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.schema.AlertState;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloState;
import io.signalfold.schema.SloStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SloEvaluatorTest {

  private static final long MIN = 60_000L;
  private static final long T0 = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();

  private static SloDefinition availability(double objective, String window) {
    return SloDefinition.builder("checkout-availability")
        .service("checkout")
        .sli(new Sli.Availability(null))
        .objective(objective)
        .window(SloWindow.parse(window))
        .build();
  }

  /** Feeds one row per minute: minute m (1-based) has {@code total} requests, bad(m) failing. */
  private static void feed(
      SloEvaluator ev,
      CollectingOutput out,
      int fromMinute,
      int toMinute,
      double total,
      java.util.function.IntToDoubleFunction bad) {
    for (int m = fromMinute; m <= toMinute; m++) {
      long t = T0 + m * MIN;
      double b = bad.applyAsDouble(m);
      ev.record(t, total - b, total, out);
      ev.evaluate(t, out);
    }
  }

  @Test
  void budgetRemainingMatchesTheWorkedExample() {
    // objective 0.999 over 1,000,000 requests with 800 bad -> 20% of the budget remaining.
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    ev.record(T0 + MIN, 1_000_000 - 800, 1_000_000, out);
    SloStatus status = ev.statusAt(T0 + MIN);

    assertThat(status.getTotalEvents()).isEqualTo(1_000_000.0);
    assertThat(status.getGoodEvents()).isEqualTo(999_200.0);
    assertThat(status.getSliAttained()).isCloseTo(0.9992, within(1e-12));
    assertThat(status.getBudgetRemainingFraction()).isCloseTo(0.20, within(1e-9));
    assertThat(status.getBudgetRemainingEvents()).isCloseTo(200.0, within(1e-6));
    assertThat(status.getStatus()).isEqualTo(SloState.WARNING); // below the 25% warning line
  }

  @Test
  void statusIsOkBreachedAndNullSliWithoutEvents() {
    SloEvaluator ev = SloEvaluator.create(availability(0.99, "30d"), SloConfig.defaults());
    assertThat(ev.statusAt(T0).getSliAttained()).isNull();
    assertThat(ev.statusAt(T0).getBudgetRemainingFraction()).isEqualTo(1.0);
    assertThat(ev.statusAt(T0).getStatus()).isEqualTo(SloState.OK);

    CollectingOutput out = new CollectingOutput();
    ev.record(T0 + MIN, 995, 1000, out); // 5 bad of 10 allowed: 50% left
    assertThat(ev.statusAt(T0 + MIN).getStatus()).isEqualTo(SloState.OK);
    ev.record(T0 + 2 * MIN, 980, 1000, out); // 25 bad of 20 allowed
    SloStatus s = ev.statusAt(T0 + 2 * MIN);
    assertThat(s.getStatus()).isEqualTo(SloState.BREACHED);
    assertThat(s.getBudgetRemainingFraction()).isCloseTo(-0.25, within(1e-9));
    assertThat(s.getBudgetRemainingEvents()).isCloseTo(-5.0, within(1e-9));
  }

  @Test
  void fastBurnPagesWhenTheLongWindowConfirmsAndResolvesWhenTheShortWindowClears() {
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    // 1000 req/min; 5% errors from minute 121 to 150 (30 minutes), none otherwise.
    feed(ev, out, 1, 200, 1000, m -> m > 120 && m <= 150 ? 50 : 0);

    // Only m = 120 + n minutes of data exist, so every window's total is at most that much.
    // ticket 3d/6h (1x): 50n / ((120+n)*1000) > 0.001 first for n = 3 -> minute 123.
    // page 6h/30m (6x): 50n / ((120+n)*1000) > 0.006 -> n = 17 -> minute 137.
    // page 1h/5m (14.4x): 50n / 60000 > 0.0144 -> n = 18 -> minute 138; the 5m window is at 50x.
    // After the burn stops at minute 150 the 5m window holds 4, 3, 2, 1 minutes of 5%: 4% 3% 2%
    // 1%; the hold threshold is 0.9 * 1.44% = 1.296%: resolved at minute 154. The 30m window
    // holds 30 - j minutes: 50(30-j)/30000 > 0.9 * 0.6% while j < 26.76: resolved at 177.
    assertThat(burnTransitions(out))
        .containsExactly(
            "ticket-3d-6h FIRING @ 123",
            "page-6h-30m FIRING @ 137",
            "page-1h-5m FIRING @ 138",
            "page-1h-5m RESOLVED @ 154",
            "page-6h-30m RESOLVED @ 177");
    SloBurnAlert page = out.burnAlerts().get(2);
    assertThat(page.getSeverity()).isEqualTo(SloAlertSeverity.PAGE);
    assertThat(page.getBurnLong()).isCloseTo(15.0, within(1e-9));
    assertThat(page.getBurnShort()).isCloseTo(50.0, within(1e-9));
    assertThat(page.getLongWindowMs()).isEqualTo(Duration.ofHours(1).toMillis());
    assertThat(page.getShortWindowMs()).isEqualTo(Duration.ofMinutes(5).toMillis());
    assertThat(page.getBurnRateThreshold()).isEqualTo(14.4);
    SloBurnAlert resolved = out.burnAlerts().get(3);
    assertThat(resolved.getId()).isEqualTo(page.getId());
    assertThat(resolved.getFiringSinceMs()).isEqualTo(T0 + 138 * MIN);
    assertThat(resolved.getBurnShort()).isCloseTo(10.0, within(1e-9));
  }

  private static List<String> burnTransitions(CollectingOutput out) {
    return out.transitions(T0).stream()
        .filter(t -> !t.startsWith("budget-"))
        .collect(java.util.stream.Collectors.toList());
  }

  @Test
  void noFlappingWhenTheBurnRateWobblesAroundTheThreshold() {
    // After an hour of clean traffic, minutes alternate 1.30% and 1.60% errors (1.45% average):
    // the 5m window alternates 1.42% / 1.48% around the 1.44% threshold. Without hysteresis the
    // rule fires and resolves every other minute once the 1h window fills up.
    BurnRatePolicy policy =
        BurnRatePolicy.sreWorkbook()
            .withRules(
                List.of(
                    BurnRateRule.of(
                        SloAlertSeverity.PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 14.4)),
                BurnRatePolicy.WindowScaling.THRESHOLDS)
            .withBudgetAlerts(List.of());
    SloDefinition slo = availability(0.999, "30d").toBuilder().policy(policy).build();

    CollectingOutput damped = new CollectingOutput();
    SloEvaluator ev = SloEvaluator.create(slo, SloConfig.defaults());
    feed(ev, damped, 1, 240, 10_000, m -> m <= 60 ? 0 : (m % 2 == 0 ? 130 : 160));

    SloDefinition noHysteresis = slo.toBuilder().policy(policy.withResolveRatio(1.0)).build();
    CollectingOutput raw = new CollectingOutput();
    SloEvaluator plain = SloEvaluator.create(noHysteresis, SloConfig.defaults());
    feed(plain, raw, 1, 240, 10_000, m -> m <= 60 ? 0 : (m % 2 == 0 ? 130 : 160));

    assertThat(raw.firingCount())
        .as("the wobble crosses the threshold repeatedly")
        .isGreaterThan(5);
    // Minute 121: the 1h window holds 30 + 30 wobble minutes (1.45%), the 5m window 1.48%.
    assertThat(damped.transitions(T0)).containsExactly("page-1h-5m FIRING @ 121");
  }

  @Test
  void keepFiringForBridgesShortGapsInTheBurn() {
    BurnRatePolicy policy =
        BurnRatePolicy.sreWorkbook()
            .withRules(
                List.of(
                    BurnRateRule.of(
                        SloAlertSeverity.PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 14.4)),
                BurnRatePolicy.WindowScaling.THRESHOLDS)
            .withBudgetAlerts(List.of())
            .withResolveRatio(1.0)
            .withKeepFiringFor(Duration.ofMinutes(10));
    SloDefinition slo = availability(0.999, "30d").toBuilder().policy(policy).build();
    SloEvaluator ev = SloEvaluator.create(slo, SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    // 10% errors for 30 minutes, a 6-minute pause, 10% again for 10 minutes, then nothing.
    feed(ev, out, 1, 120, 1000, m -> (m > 10 && m <= 40) || (m > 46 && m <= 56) ? 100 : 0);
    // Fires when 100n / ((10+n)*1000) > 0.0144: n = 2 -> minute 12. The pause empties the 5m
    // window at minute 45 (false from 45), the burn is back at 47: kept firing. After minute 56
    // the 5m window holds 8% 6% 4% 2% at 57..60 and 0% at 61: false from 61, resolved 10 minutes
    // later.
    assertThat(out.transitions(T0))
        .containsExactly("page-1h-5m FIRING @ 12", "page-1h-5m RESOLVED @ 71");
  }

  @Test
  void forDurationDelaysFiringLikePrometheusFor() {
    BurnRatePolicy policy =
        BurnRatePolicy.sreWorkbook()
            .withRules(
                List.of(
                    new BurnRateRule(
                        "slow-page",
                        SloAlertSeverity.PAGE,
                        Duration.ofHours(1),
                        Duration.ofMinutes(5),
                        14.4,
                        Duration.ofMinutes(3))),
                BurnRatePolicy.WindowScaling.NONE)
            .withBudgetAlerts(List.of());
    SloDefinition slo = availability(0.999, "30d").toBuilder().policy(policy).build();
    SloEvaluator ev = SloEvaluator.create(slo, SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    feed(ev, out, 1, 60, 1000, m -> m > 10 ? 100 : 0);
    // Condition true from minute 12; pending 12, 13, 14; firing at 15 (15 - 12 >= 3 minutes).
    assertThat(out.transitions(T0)).containsExactly("slow-page FIRING @ 15");
  }

  @Test
  void budgetConsumedAlertsFireAtConfiguredFractionsWithHysteresis() {
    SloDefinition slo =
        availability(0.99, "1d").toBuilder()
            .policy(
                BurnRatePolicy.sreWorkbook()
                    .withRules(List.of(), BurnRatePolicy.WindowScaling.NONE)
                    .withBudgetAlerts(
                        List.of(
                            new BudgetAlertRule(0.5, SloAlertSeverity.TICKET),
                            new BudgetAlertRule(1.0, SloAlertSeverity.PAGE))))
            .build();
    // 1000/min with 1 bad: 1440 of the 14400 bad events a day allows, 10% of the budget. Minute
    // 1500 fails 6000 of 6000: window (60, 1500] holds 7439 bad of 1,445,000 -> 51.5% spent.
    // With coarse buckets as fine as the fine ones the window is exact: the burst leaves it at
    // minute 2940 and consumption drops to 10%, below the 0.9 * 50% hold line.
    CollectingOutput exact =
        runBudgetScenario(slo, SloConfig.defaults().withCoarseResolution(Duration.ofMinutes(1)));
    assertThat(exact.alerts)
        .allSatisfy(a -> assertThat(a.getAlertKind()).isEqualTo(SloAlertKind.BUDGET_CONSUMED));
    assertThat(exact.transitions(T0))
        .containsExactly("budget-50pct FIRING @ 1500", "budget-50pct RESOLVED @ 2940");
    SloBurnAlert a = exact.alerts.get(0);
    assertThat(a.getBudgetConsumedThreshold()).isEqualTo(0.5);
    assertThat(a.getSeverity()).isEqualTo(SloAlertSeverity.TICKET);
    assertThat(a.getBudgetRemainingFraction()).isCloseTo(1 - 7439 / 14450.0, within(1e-9));

    // With the default 1h coarse buckets the window's far edge is counted pro rata: the burst sits
    // at the end of the coarse bucket (1440, 1500], which leaves the window linearly over
    // (2880, 2940]. Consumption crosses 45% when 9/60 of that bucket is gone... at 2890 (44.6%;
    // 45.2% at 2889). The error is bounded by one coarse bucket, as documented.
    CollectingOutput coarse = runBudgetScenario(slo, SloConfig.defaults());
    assertThat(coarse.transitions(T0))
        .containsExactly("budget-50pct FIRING @ 1500", "budget-50pct RESOLVED @ 2890");
  }

  private static CollectingOutput runBudgetScenario(SloDefinition slo, SloConfig config) {
    SloEvaluator ev = SloEvaluator.create(slo, config);
    CollectingOutput out = new CollectingOutput();
    for (int m = 1; m <= 3000; m++) {
      long t = T0 + m * MIN;
      if (m == 1500) {
        ev.record(t, 0, 6000, out);
      } else {
        ev.record(t, 999, 1000, out);
      }
      ev.evaluate(t, out);
    }
    return out;
  }

  @Test
  void lateDataBeyondTheAllowedLatenessIsCountedNotAdded() {
    SloConfig config = SloConfig.defaults().withAllowedLateness(Duration.ofMinutes(5));
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), config);
    CollectingOutput out = new CollectingOutput();
    feed(ev, out, 1, 60, 100, m -> 0);
    // 3 minutes late: still counted.
    assertThat(ev.record(T0 + 57 * MIN, 0, 10, out)).isEqualTo(SloEvaluator.Recorded.ACCEPTED);
    // 10 minutes late: ignored and counted.
    assertThat(ev.record(T0 + 50 * MIN, 0, 10, out)).isEqualTo(SloEvaluator.Recorded.LATE);
    ev.evaluate(T0 + 61 * MIN, out);
    SloStatus last = out.statuses.get(out.statuses.size() - 1);
    assertThat(last.getLateEventsIgnored()).isEqualTo(1);
    assertThat(last.getTotalEvents()).isEqualTo(6010.0);
    assertThat(last.getGoodEvents()).isEqualTo(6000.0);
    assertThat(ev.record(T0, Double.NaN, 1, out)).isEqualTo(SloEvaluator.Recorded.INVALID);
    assertThat(ev.record(T0 + 61 * MIN, -1, 1, out)).isEqualTo(SloEvaluator.Recorded.INVALID);
  }

  @Test
  void outOfOrderRowsWithinLatenessLandInTheirBuckets() {
    SloEvaluator inOrder = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    SloEvaluator shuffled = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    CollectingOutput a = new CollectingOutput();
    CollectingOutput b = new CollectingOutput();
    for (int m = 1; m <= 10; m++) {
      inOrder.record(T0 + m * MIN, 90 + m, 100, a);
    }
    for (int m = 10; m >= 1; m--) {
      shuffled.record(T0 + m * MIN, 90 + m, 100, b);
    }
    inOrder.evaluate(T0 + 10 * MIN, a);
    shuffled.evaluate(T0 + 10 * MIN, b);
    assertThat(b.statuses.get(0).getBurnRates()).isEqualTo(a.statuses.get(0).getBurnRates());
    assertThat(b.statuses.get(0).getGoodEvents()).isEqualTo(a.statuses.get(0).getGoodEvents());
  }

  @Test
  void dataFarAheadOfTheLastEvaluationIsHeldAndGivesTheSameAlertsWhenEvaluated() {
    // A replay delivers a whole day before the watermark lets the evaluations run (the stage has
    // one timer per bucket). The rings grow to hold it, the alerts come out as if evaluated
    // minute by minute, and the rings shrink back afterwards.
    java.util.function.IntToDoubleFunction bad = m -> m > 300 && m <= 340 ? 80 : 0;
    CollectingOutput stepwise = new CollectingOutput();
    SloEvaluator a = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    feed(a, stepwise, 1, 1440, 1000, bad);

    CollectingOutput held = new CollectingOutput();
    SloEvaluator b = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    long base = b.retainedBytes();
    for (int m = 1; m <= 1440; m++) {
      assertThat(b.record(T0 + m * MIN, 1000 - bad.applyAsDouble(m), 1000, held))
          .isEqualTo(SloEvaluator.Recorded.ACCEPTED);
    }
    assertThat(held.statuses).as("nothing evaluated before the watermark").isEmpty();
    assertThat(b.retainedBytes()).isGreaterThan(base);
    for (int m = 1; m <= 1440; m++) {
      b.evaluate(T0 + m * MIN, held);
    }
    assertThat(stepwise.alerts).isNotEmpty();
    assertThat(held.transitions(T0)).isEqualTo(stepwise.transitions(T0));
    assertThat(b.retainedBytes()).isEqualTo(base);
  }

  @Test
  void recordsOfOneGroupSkewedAcrossChannelsAreAllCounted() {
    // Two channels: the even minutes of 10 hours arrive before the odd ones. Nothing is late.
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    ev.record(T0 + MIN, 100, 100, out);
    ev.evaluate(T0 + MIN, out);
    for (int parity = 0; parity <= 1; parity++) {
      for (int m = 2; m <= 600; m++) {
        if (m % 2 == parity) {
          assertThat(ev.record(T0 + m * MIN, 99, 100, out))
              .isEqualTo(SloEvaluator.Recorded.ACCEPTED);
        }
      }
    }
    ev.evaluate(T0 + 600 * MIN, out);
    SloStatus s = out.statuses.get(out.statuses.size() - 1);
    assertThat(s.getTotalEvents()).isEqualTo(60_000.0);
    assertThat(s.getGoodEvents()).isEqualTo(100 + 599 * 99.0);
    assertThat(s.getLateEventsIgnored()).isZero();
  }

  @Test
  void beyondMaxLeadTheInstantsInBetweenAreEvaluatedFirst() {
    SloConfig config = SloConfig.defaults().withMaxLead(Duration.ofHours(2));
    java.util.function.IntToDoubleFunction bad = m -> m > 300 && m <= 340 ? 80 : 0;
    CollectingOutput stepwise = new CollectingOutput();
    SloEvaluator a = SloEvaluator.create(availability(0.999, "30d"), config);
    feed(a, stepwise, 1, 1440, 1000, bad);

    CollectingOutput burst = new CollectingOutput();
    SloEvaluator b = SloEvaluator.create(availability(0.999, "30d"), config);
    for (int m = 1; m <= 1440; m++) {
      b.record(T0 + m * MIN, 1000 - bad.applyAsDouble(m), 1000, burst);
    }
    assertThat(burst.statuses).as("evaluated on its own beyond 2 hours").isNotEmpty();
    for (int m = 1; m <= 1440; m++) {
      b.evaluate(T0 + m * MIN, burst);
    }
    assertThat(burst.transitions(T0)).isEqualTo(stepwise.transitions(T0));
  }

  @Test
  void thirtyDayStatusUsesCoarseBucketsAndStaysExactForUniformTraffic() {
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    // 40 days of 10 requests per minute, 1 bad every 100th minute; window at the end holds exactly
    // the last 30 days: 432000 requests, 432 bad.
    int minutes = 40 * 1440;
    for (int m = 1; m <= minutes; m++) {
      ev.record(T0 + m * MIN, m % 100 == 0 ? 9 : 10, 10, out);
    }
    SloStatus s = ev.statusAt(T0 + (long) minutes * MIN);
    assertThat(s.getTotalEvents()).isCloseTo(432_000.0, within(1e-6));
    assertThat(s.getTotalEvents() - s.getGoodEvents()).isCloseTo(432.0, within(1.0));

    // Half an hour later, the far edge sits in the middle of a coarse bucket, counted pro rata.
    SloStatus mid = ev.statusAt(T0 + (long) minutes * MIN + 30 * MIN);
    assertThat(mid.getTotalEvents()).isCloseTo(432_000.0 - 300, within(1e-6));
  }

  @Test
  void everyWindowSumEqualsTheDirectSumOfItsMinutes() {
    // Long windows are summed from whole coarse (hour) buckets plus fine edges; check every
    // window against the plain sum of the input at many alignments, with integer counts so the
    // comparison is exact.
    java.util.Random random = new java.util.Random(42);
    int minutes = 5 * 1440;
    long[] bad = new long[minutes + 1];
    long[] total = new long[minutes + 1];
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    for (int m = 1; m <= minutes; m++) {
      total[m] = 500 + random.nextInt(1000);
      bad[m] = random.nextInt(20) == 0 ? random.nextInt(200) : random.nextInt(3);
      ev.record(T0 + m * MIN, total[m] - bad[m], total[m], out);
      ev.evaluate(T0 + m * MIN, out);
    }
    Map<String, Integer> windows = Map.of("5m", 5, "30m", 30, "1h", 60, "6h", 360, "3d", 4320);
    int checked = 0;
    for (SloStatus st : out.statuses) {
      int m = (int) ((st.getTimestampMs() - T0) / MIN);
      if (m % 7 != 0) {
        continue;
      }
      for (Map.Entry<String, Integer> w : windows.entrySet()) {
        long b = 0;
        long t = 0;
        for (int k = Math.max(1, m - w.getValue() + 1); k <= m; k++) {
          b += bad[k];
          t += total[k];
        }
        assertThat(st.getBurnRates().get(w.getKey()))
            .as("%s window at minute %d", w.getKey(), m)
            .isEqualTo((double) b / t / (1.0 - 0.999));
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(1000);
  }

  @Test
  void memoryPerSloIsBoundedAndIndependentOfTraffic() {
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), SloConfig.defaults());
    long before = ev.state().retainedBytes();
    CollectingOutput out = new CollectingOutput();
    for (int m = 1; m <= 45 * 1440; m += 7) {
      ev.record(T0 + m * MIN, 1000, 1000, out);
      ev.evaluate(T0 + m * MIN, out);
    }
    assertThat(ev.state().retainedBytes()).isEqualTo(before);
    // 3 days + 1h ahead + lateness of 1-minute float pairs, 30 days of 1-hour double pairs.
    assertThat(before).isBetween(40_000L, 60_000L);
  }

  @Test
  void calendarMonthWindowStartsOverAtTheMonthBoundary() {
    SloDefinition slo =
        availability(0.99, "30d").toBuilder()
            .window(
                SloWindow.calendar(
                    1,
                    SloWindow.CalendarUnit.MONTH,
                    LocalDateTime.of(2026, 1, 1, 0, 0),
                    ZoneOffset.UTC))
            .build();
    SloEvaluator ev = SloEvaluator.create(slo, SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    long feb27 = Instant.parse("2026-02-27T00:00:00Z").toEpochMilli();
    for (int m = 1; m <= 5 * 1440; m++) { // Feb 27 .. Mar 3
      ev.record(feb27 + m * MIN, 99, 100, out);
    }
    long mar1 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    // At exactly midnight the window is still February (Feb 1 .. Mar 1]: 2 days of data.
    assertThat(ev.statusAt(mar1).getTotalEvents()).isEqualTo(2 * 1440 * 100.0);
    // One minute into March it holds just that minute.
    assertThat(ev.statusAt(mar1 + MIN).getTotalEvents()).isEqualTo(100.0);
    SloStatus s = ev.statusAt(mar1 + 1440 * MIN);
    assertThat(s.getTotalEvents()).isEqualTo(1440 * 100.0);
    assertThat(s.getCalendarAligned()).isTrue();
    assertThat(s.getWindowMs()).isEqualTo(Duration.ofDays(30).toMillis());
  }

  @Test
  void groupLabelsAppearOnStatusesAndAlertsAndInTheAlertId() {
    SloDefinition slo =
        availability(0.999, "30d").toBuilder().labels(Map.of("team", "payments")).build();
    SloEvaluator ev = SloEvaluator.create(slo, Map.of("zone", "az-1"), SloConfig.defaults(), 0L);
    CollectingOutput out = new CollectingOutput();
    feed(ev, out, 1, 30, 1000, m -> 200);
    SloBurnAlert a = out.burnAlerts().get(0);
    assertThat(a.getLabels()).containsEntry("zone", "az-1").containsEntry("team", "payments");
    assertThat(a.getId()).startsWith("checkout-availability{zone=az-1}/");
    assertThat(a.getState()).isEqualTo(AlertState.FIRING);
    assertThat(out.statuses.get(0).getLabels()).containsEntry("zone", "az-1");
  }

  @Test
  void statusIsEmittedAtTheCadenceAndOnChange() {
    SloConfig config = SloConfig.defaults().withStatusInterval(Duration.ofMinutes(10));
    SloEvaluator ev = SloEvaluator.create(availability(0.999, "30d"), config);
    CollectingOutput out = new CollectingOutput();
    feed(ev, out, 1, 35, 1000, m -> 0);
    assertThat(out.statuses)
        .extracting(st -> (st.getTimestampMs() - T0) / MIN)
        .containsExactly(1L, 10L, 20L, 30L);
    feed(ev, out, 36, 36, 1000, m -> 1000); // burns the whole budget: BREACHED now
    assertThat(out.statuses.get(out.statuses.size() - 1).getStatus()).isEqualTo(SloState.BREACHED);
    assertThat((out.statuses.get(out.statuses.size() - 1).getTimestampMs() - T0) / MIN)
        .isEqualTo(36L);
  }

  @Test
  void idleAfterTheWindowEmptiesAndNoAlertIsActive() {
    SloDefinition slo = availability(0.999, "1d");
    SloEvaluator ev = SloEvaluator.create(slo, SloConfig.defaults());
    CollectingOutput out = new CollectingOutput();
    feed(ev, out, 1, 10, 100, m -> 50);
    assertThat(ev.isIdle(T0 + 11 * MIN)).isFalse();
    ev.evaluate(T0 + 4 * 1440 * MIN, out);
    assertThat(out.burnAlerts()).extracting(SloBurnAlert::getState).contains(AlertState.RESOLVED);
    assertThat(ev.isIdle(T0 + 4 * 1440 * MIN)).isTrue();
  }
}
