package io.signalfold.slo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.slo.BurnRatePolicy;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloEvaluator;
import io.signalfold.slo.SloWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class SloEvaluationFunctionTest {

  private static final long MIN = 60_000L;
  private static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00:00Z

  private static final SloDefinition SLO =
      SloDefinition.builder("checkout-availability")
          .service("checkout")
          .sli(new Sli.Availability(null))
          .objective(0.999)
          .window(SloWindow.parse("1d"))
          .build();

  private static final SloConfig CONFIG = SloConfig.defaults();

  /** 1000 requests a minute in two halves (two instances), 5% errors from minute 61 to 90. */
  private static final IntToDoubleFunction BAD = m -> m > 60 && m <= 90 ? 25 : 0;

  private static KeyedOneInputStreamOperatorTestHarness<String, SliSample, SloStatus> harness()
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, SliSample, SloStatus> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new SloEvaluationFunction(List.of(SLO), CONFIG)),
            SliSample::key,
            Types.STRING);
    h.open();
    return h;
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, SliSample, SloStatus> h, int from, int to)
      throws Exception {
    String key = SliKeys.key(SLO.name(), "");
    for (int m = from; m <= to; m++) {
      long t = T0 + m * MIN;
      // Two instances report the same interval; the second one arrives a little later.
      h.processElement(new StreamRecord<>(new SliSample(key, t, BAD.applyAsDouble(m), 500), t));
      h.processElement(new StreamRecord<>(new SliSample(key, t, BAD.applyAsDouble(m), 500), t));
      h.processWatermark(t);
    }
  }

  private static List<String> alerts(
      KeyedOneInputStreamOperatorTestHarness<String, SliSample, SloStatus> h) {
    List<String> out = new ArrayList<>();
    var side = h.getSideOutput(SloEvaluationFunction.ALERTS);
    if (side != null) {
      for (StreamRecord<SloBurnAlert> r : side) {
        out.add(describe(r.getValue()));
      }
    }
    return out;
  }

  private static String describe(SloBurnAlert a) {
    return a.getId() + " " + a.getState() + " @ " + (a.getTimestampMs() - T0) / MIN;
  }

  /** The same data through the plain evaluator, one evaluation per minute. */
  private static List<String> expected(int minutes) {
    SloEvaluator ev = SloEvaluator.create(SLO, CONFIG);
    List<String> out = new ArrayList<>();
    SloEvaluator.Output o =
        new SloEvaluator.Output() {
          @Override
          public void status(SloStatus status) {}

          @Override
          public void alert(SloBurnAlert alert) {
            out.add(describe(alert));
          }
        };
    for (int m = 1; m <= minutes; m++) {
      long t = T0 + m * MIN;
      ev.record(t, 1000 - 2 * BAD.applyAsDouble(m), 1000, o);
      ev.evaluate(t, o);
    }
    return out;
  }

  @Test
  void alertsComeOutAtTheSameEventTimesAsFromThePlainEvaluator() throws Exception {
    var h = harness();
    try {
      feed(h, 1, 180);
      List<String> got = alerts(h);
      assertThat(got).isNotEmpty().isEqualTo(expected(180));
      assertThat(got.stream().filter(s -> s.contains("page-1h-5m")).collect(Collectors.toList()))
          .hasSize(2);
      // Alert records carry the event time of their transition; as Flink stream records they are
      // stamped 1 ms earlier, like window results (the timer that evaluates runs then).
      for (StreamRecord<SloBurnAlert> r : h.getSideOutput(SloEvaluationFunction.ALERTS)) {
        assertThat(r.getTimestamp()).isEqualTo(r.getValue().getTimestampMs() - 1);
      }
    } finally {
      h.close();
    }
  }

  @Test
  void statusesSumBothInstancesOfAnInterval() throws Exception {
    var h = harness();
    try {
      feed(h, 1, 10);
      List<SloStatus> statuses = h.extractOutputValues().stream().collect(Collectors.toList());
      assertThat(statuses).hasSize(10);
      assertThat(statuses.get(9).getTotalEvents()).isEqualTo(10_000.0);
      assertThat(statuses.get(9).getTimestampMs()).isEqualTo(T0 + 10 * MIN);
    } finally {
      h.close();
    }
  }

  @Test
  void snapshotAndRestoreContinueExactlyWhereTheRunLeftOff() throws Exception {
    OperatorSubtaskState snapshot;
    List<String> before;
    var h = harness();
    try {
      feed(h, 1, 75); // mid-burn: the page is firing
      before = alerts(h);
      snapshot = h.snapshot(1L, T0 + 75 * MIN);
    } finally {
      h.close();
    }
    assertThat(before).anyMatch(s -> s.contains("page-1h-5m") && s.contains("FIRING"));
    var restored =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new SloEvaluationFunction(List.of(SLO), CONFIG)),
            SliSample::key,
            Types.STRING);
    try {
      restored.setup();
      restored.initializeState(snapshot);
      restored.open();
      feed(restored, 76, 180);
      List<String> all = new ArrayList<>(before);
      all.addAll(alerts(restored));
      assertThat(all).isEqualTo(expected(180));
    } finally {
      restored.close();
    }
  }

  @Test
  void stateAndTimersFallBackToZeroOnceTheWindowsEmpty() throws Exception {
    var h = harness();
    try {
      feed(h, 1, 120);
      assertThat(h.numKeyedStateEntries()).isEqualTo(1);
      assertThat(h.numEventTimeTimers()).isPositive();
      // Nothing arrives any more; the 1-day window and the 6h alert window drain.
      h.processWatermark(T0 + 120 * MIN + 2 * 24 * 60 * MIN);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
      assertThat(alerts(h)).last().asString().contains("RESOLVED");
    } finally {
      h.close();
    }
  }

  @Test
  void lateSamplesAreCountedInTheStatus() throws Exception {
    var h = harness();
    try {
      feed(h, 1, 30);
      String key = SliKeys.key(SLO.name(), "");
      h.processElement(new StreamRecord<>(new SliSample(key, T0 + 5 * MIN, 0, 100), T0 + 5 * MIN));
      feed(h, 31, 31);
      List<SloStatus> statuses = h.extractOutputValues();
      SloStatus last = statuses.get(statuses.size() - 1);
      assertThat(last.getLateEventsIgnored()).isEqualTo(1);
      assertThat(last.getTotalEvents()).isEqualTo(31_000.0);
    } finally {
      h.close();
    }
  }

  @Test
  void samplesOfAnSloThatNoLongerExistsAreIgnoredAndCleared() throws Exception {
    var h = harness();
    try {
      h.processElement(
          new StreamRecord<>(new SliSample(SliKeys.key("gone", ""), T0 + MIN, 0, 1), T0 + MIN));
      h.processWatermark(T0 + 10 * MIN);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.extractOutputValues()).isEmpty();
    } finally {
      h.close();
    }
  }

  @Test
  void policyChangesResetIncompatibleState() throws Exception {
    OperatorSubtaskState snapshot;
    var h = harness();
    try {
      feed(h, 1, 30);
      snapshot = h.snapshot(1L, T0 + 30 * MIN);
    } finally {
      h.close();
    }
    SloConfig finer = CONFIG.withFineResolution(java.time.Duration.ofSeconds(30));
    SloDefinition noRules =
        SLO.toBuilder()
            .policy(
                BurnRatePolicy.sreWorkbook()
                    .withRules(List.of(), BurnRatePolicy.WindowScaling.NONE))
            .build();
    var restored =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new SloEvaluationFunction(List.of(noRules), finer)),
            SliSample::key,
            Types.STRING);
    try {
      restored.setup();
      restored.initializeState(snapshot);
      restored.open();
      feed(restored, 31, 32);
      List<SloStatus> statuses = restored.extractOutputValues();
      // The old buckets cannot be read with the new layout: counting starts over.
      assertThat(statuses.get(statuses.size() - 1).getTotalEvents()).isEqualTo(2_000.0);
    } finally {
      restored.close();
    }
  }
}
