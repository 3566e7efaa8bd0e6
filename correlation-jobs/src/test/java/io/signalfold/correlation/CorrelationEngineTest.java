package io.signalfold.correlation;

import static io.signalfold.correlation.CandidateAssert.assertThatCandidate;
import static io.signalfold.correlation.CandidateAssert.latest;
import static io.signalfold.correlation.Telemetry.min;
import static io.signalfold.schema.AnomalyKind.LEVEL_SHIFT;
import static io.signalfold.schema.AnomalyKind.SPIKE;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.FeedbackVerdict;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.SignalSource;
import io.signalfold.schema.SloAlertSeverity;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Grouping, lifecycle and determinism of the engine on synthetic signal streams. */
class CorrelationEngineTest {

  private static final CorrelationConfig CONFIG = SyntheticIncidents.config();

  @Test
  void replayGivesIdenticalCandidatesWhateverTheArrivalOrderAndWatermarkSteps() {
    Telemetry t = SyntheticIncidents.deployCascade(11);
    SyntheticIncidents.noise(t, min(-60), min(120));
    List<IncidentCandidate> inOrder = new EngineDriver(CONFIG).feed(t.sorted()).finish().candidates;
    List<IncidentCandidate> shuffled =
        new EngineDriver(CONFIG).feed(t.shuffled(99, 4_000)).finish().candidates;
    List<IncidentCandidate> coarse =
        new EngineDriver(CONFIG).feedCoarse(t.sorted(), 997).finish().candidates;
    assertThat(inOrder).hasSizeGreaterThan(2);
    assertThat(shuffled).isEqualTo(inOrder);
    assertThat(coarse).isEqualTo(inOrder);
    assertThat(inOrder.get(0).getId()).matches("inc-20260302T0030-[0-9a-f]{10}");
  }

  @Test
  void feedOnlyRecordsStayOnTheFeedAndNeverMoveACandidatesOnsetBeforeItsDeploy() {
    Telemetry t = SyntheticIncidents.deployCascade(12);
    // The day's shape drifted from yesterday's hours before the deploy (sparse counts do that),
    // and the joint check saw an entity's metrics part ways minutes before it.
    List<String> patternIds = new java.util.ArrayList<>();
    patternIds.add(
        t.anomaly("botforge", "entity.joint_distance")
            .instance("botforge-0")
            .kind(AnomalyKind.MULTIVARIATE)
            .investigate()
            .onset(min(25))
            .value(9, 3)
            .recovers(min(28))
            .add());
    for (String svc : List.of("gateway", "botforge")) {
      patternIds.add(
          t.anomaly(svc, "http.server.request_rate")
              .instance(svc + "-0")
              .pattern()
              .onset(min(5))
              .value(120, 100)
              .activeUntil(min(6))
              .add());
    }
    EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    IncidentCandidate c = latest(d.candidates).get(0);
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge");
    assertThat(c.getOnsetMs()).isGreaterThanOrEqualTo(min(30));
    assertThat(c.getSignalIds()).doesNotContainAnyElementsOf(patternIds);
    assertThat(d.engine.stats().feedOnlyRecords()).isPositive();
  }

  @Test
  void burstOfRawSignalsCollapsesIntoOneCandidateUpdatedAtTheRateLimit() {
    Telemetry t = SyntheticIncidents.deployCascade(11);
    // The anomaly stage reports every instance, operation and metric of the cascade.
    for (String svc : List.of("gateway", "bot-service", "botforge")) {
      for (int i = 0; i < 3; i++) {
        for (String signal :
            List.of("http.server.error_rate", "http.server.duration.p95", "log.template.count")) {
          t.anomaly(svc, signal)
              .instance(svc + "-" + i)
              .onset(min(31.5 + 0.1 * i))
              .value(0.3, 0.004)
              .recovers(min(77 + i))
              .add();
        }
      }
      for (int k = 0; k < 12; k++) {
        t.anomaly(svc, "http.server.error_rate")
            .operation("op-" + k)
            .onset(min(32 + 0.05 * k))
            .investigate()
            .value(0.2, 0.004)
            .recovers(min(77))
            .add();
      }
    }
    EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    List<IncidentCandidate> all = latest(d.candidates);
    assertThat(all).hasSize(1);
    assertThatCandidate(all.get(0)).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge");
    assertThat(d.candidates.stream().filter(c -> c.getStatus() == CandidateStatus.OPEN)).hasSize(1);
    for (int i = 1; i < d.candidates.size(); i++) {
      IncidentCandidate prev = d.candidates.get(i - 1);
      IncidentCandidate cur = d.candidates.get(i);
      assertThat(cur.getVersion()).isEqualTo(prev.getVersion() + 1);
      if (cur.getStatus() == CandidateStatus.UPDATED) {
        assertThat(cur.getUpdatedAtMs() - prev.getUpdatedAtMs())
            .as("rate limit")
            .isGreaterThanOrEqualTo(60_000);
      }
    }
    long raw = d.engine.stats().rawSignals();
    assertThat(all.get(0).getRawSignalCount()).isGreaterThan(1000);
    System.out.printf(
        "burst: raw signal records=%d candidates=%d versions=%d ratio=%.0f%n",
        raw,
        d.engine.stats().candidatesOpened(),
        d.candidates.size(),
        d.engine.stats().rawSignalsPerCandidate());
  }

  @Test
  void unrelatedConcurrentIncidentsStaySeparate() {
    Telemetry t = new Telemetry(61);
    t.service("billing", 2).operations("POST /invoices");
    t.service("search", 2).operations("GET /search");
    t.service("portal", 2).operations("GET /");
    t.callDependency("billing", "billing-db", DependencyKind.DATABASE, "postgresql")
        .callDependency("search", "search-index", DependencyKind.OTHER, "opensearch")
        .call("portal", "search");
    t.errors("billing", "billing-db", 0.5, min(30), min(60), 0, "connection refused");
    t.background(min(-120), min(90), SyntheticIncidents.ATTRS);
    t.anomaly("billing", "http.client.error_rate")
        .peer("billing-db")
        .instance("billing-0")
        .onset(min(30.5))
        .value(0.5, 0.004)
        .message("connection refused")
        .recovers(min(60))
        .add();
    t.anomaly("billing", "http.server.error_rate")
        .onset(min(31))
        .value(0.5, 0.004)
        .recovers(min(60))
        .add();
    t.anomaly("search", "http.server.duration.p95")
        .onset(min(30.5))
        .value(900, 80)
        .recovers(min(60))
        .add();
    t.anomaly("search", "process.cpu.utilization")
        .instance("search-1")
        .onset(min(30))
        .value(0.99, 0.3)
        .recovers(min(60))
        .add();
    t.anomaly("portal", "http.server.duration.p95")
        .onset(min(31))
        .value(950, 120)
        .recovers(min(60))
        .add();
    List<IncidentCandidate> all =
        latest(new EngineDriver(CONFIG).feed(t.sorted()).finish().candidates);
    assertThat(all).as("%s", all.stream().map(CandidateAssert::describe).toList()).hasSize(2);
    Set<String> tops =
        all.stream()
            .map(
                c ->
                    c.getHypotheses().get(0).getKind()
                        + " "
                        + c.getHypotheses().get(0).getEntity().getName())
            .collect(Collectors.toSet());
    assertThat(tops).containsExactlyInAnyOrder("DEPENDENCY billing-db", "RESOURCE search");
  }

  @Test
  void onlyAlarmAnomaliesAndPageOrTicketAlertsOpenCandidates() {
    Telemetry t = new Telemetry(67);
    t.service("a", 2);
    t.service("b", 2);
    t.service("c", 2);
    t.service("d", 2);
    t.background(min(-70), min(200), SyntheticIncidents.ATTRS);
    t.anomaly("a", "http.server.error_rate")
        .investigate()
        .onset(min(10))
        .value(0.2, 0.004)
        .recovers(min(40))
        .add();
    t.anomaly("b", "http.server.request.rate")
        .recurring()
        .onset(min(10))
        .value(300, 100)
        .recovers(min(40))
        .add();
    var ext = new java.util.ArrayList<Telemetry.Timed>();
    ext.add(
        new Telemetry.Timed(
            min(10),
            io.signalfold.schema.ExternalAlert.newBuilder()
                .setId("w1")
                .setSource("alertmanager")
                .setName("DiskWarn")
                .setFiring(true)
                .setSeverity("warning")
                .setService("c")
                .setStartsAtMs(min(10))
                .build()));
    EngineDriver quiet = new EngineDriver(CONFIG);
    List<Telemetry.Timed> in = new java.util.ArrayList<>(t.sorted());
    in.addAll(ext);
    in.sort(java.util.Comparator.comparingLong(Telemetry.Timed::timeMs));
    quiet.feed(in).finish();
    assertThat(quiet.candidates)
        .as("investigate, recurring and warning-level alerts open nothing")
        .isEmpty();

    t.slo("slo-d-1", "d-latency", "d", SloAlertSeverity.TICKET, min(100), min(140));
    EngineDriver ticket = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    assertThat(ticket.candidates)
        .as("a ticket-level burn (slow burn, e.g. a base error rate above budget) opens nothing")
        .isEmpty();
    CorrelationConfig withTickets =
        CONFIG.toBuilder().sloOpenSeverities(java.util.List.of("PAGE", "TICKET")).build();
    EngineDriver ticketOpens = new EngineDriver(withTickets).feed(t.sorted()).finish();
    assertThat(latest(ticketOpens.candidates))
        .singleElement()
        .satisfies(c -> assertThat(c.getSignalIds()).containsExactly("slo-d-1"));
  }

  @Test
  void aLevelShiftThatStaysInsideTheBandDoesNotOpenACandidateOnItsOwn() {
    // Band [50, 150]: 130 inside; 145 wobbling up to 157, a hair past the edge; 400 far out.
    // A busier hour on the database client: CUSUM sees the shift, the band says it is ordinary.
    for (double value : new double[] {130, 145}) {
      assertThat(levelShiftCandidates("catalog", "http.client.request.rate", false, value))
          .as("level shift inside or barely past the band (%s vs 100)", value)
          .isEmpty();
    }
    assertThat(levelShiftCandidates("catalog", "http.client.request.rate", false, 400))
        .as("level shift out of the band (400 vs 100)")
        .hasSize(1);
    // Memory accumulates: an in-band shift that persists is a leak in the making.
    assertThat(levelShiftCandidates("cart", "jvm.memory.used", false, 130)).hasSize(1);
    // So does a leading latency: a ramp climbs inside a wide p95 band for hours.
    assertThat(levelShiftCandidates("search", "http.server.duration.p95", true, 130)).hasSize(1);
  }

  @Test
  void loadJustPastItsBandDoesNotOpenACandidateUnlessSomethingHurts() {
    // Band [50, 150] around 100 (CPU: [0.18, 0.54] around 0.36). A busy minute on a noisy night
    // crosses the edge by a third of the band: demand, not an incident.
    assertThat(alarmCandidates("storefront", "http.server.request.rate", SPIKE, 170, 100, false))
        .as("request-rate spike just past the band")
        .isEmpty();
    assertThat(alarmCandidates("storefront", "process.cpu.utilization", SPIKE, 0.6, 0.36, false))
        .as("CPU spike just past the band")
        .isEmpty();
    assertThat(
            alarmCandidates("storefront", "http.server.request.rate", LEVEL_SHIFT, 180, 100, false))
        .as("request-rate shift just past the band")
        .isEmpty();
    // A surge or a saturated host is far past it and opens on its own.
    assertThat(alarmCandidates("storefront", "http.server.request.rate", SPIKE, 400, 100, false))
        .as("request rate four times the usual")
        .hasSize(1);
    assertThat(alarmCandidates("storefront", "process.cpu.utilization", SPIKE, 0.95, 0.36, false))
        .as("CPU saturated")
        .hasSize(1);
    // Errors beside the same CPU spike open the candidate, and the spike is part of it.
    assertThat(alarmCandidates("storefront", "process.cpu.utilization", SPIKE, 0.6, 0.36, true))
        .singleElement()
        .satisfies(c -> assertThat(c.getSignalIds()).hasSize(2));
  }

  /** The candidates (latest versions) from one LEVEL_SHIFT alarm at {@code value} vs 100. */
  private static List<IncidentCandidate> levelShiftCandidates(
      String service, String signal, boolean leading, double value) {
    return candidatesOfOneAlarm(71, service, signal, LEVEL_SHIFT, leading, value, 100, false);
  }

  /**
   * The candidates (latest versions) from one alarm of {@code kind} on an instance of {@code
   * service}, with an error-rate step on the same service a minute later when {@code withErrors}.
   */
  private static List<IncidentCandidate> alarmCandidates(
      String service,
      String signal,
      AnomalyKind kind,
      double value,
      double expected,
      boolean withErrors) {
    return candidatesOfOneAlarm(72, service, signal, kind, false, value, expected, withErrors);
  }

  /**
   * One alarm of {@code kind} from minute 10 to 50 (on the service's database client for an {@code
   * http.client} signal, else on its first instance), optionally with an error-rate step a minute
   * later; the latest versions of the candidates it gives.
   */
  private static List<IncidentCandidate> candidatesOfOneAlarm(
      long seed,
      String service,
      String signal,
      AnomalyKind kind,
      boolean leading,
      double value,
      double expected,
      boolean withErrors) {
    Telemetry t = new Telemetry(seed);
    t.service(service, 2);
    t.background(min(-70), min(120), SyntheticIncidents.ATTRS);
    var alarm = t.anomaly(service, signal);
    if (signal.startsWith("http.client")) {
      alarm.peer(service + "-db");
    } else {
      alarm.instance(service + "-0");
    }
    if (leading) {
      alarm.leading();
    }
    alarm.kind(kind).onset(min(10)).value(value, expected).recovers(min(50)).add();
    if (withErrors) {
      t.anomaly(service, "http.server.error_rate")
          .kind(LEVEL_SHIFT)
          .onset(min(11))
          .value(0.2, 0.005)
          .recovers(min(50))
          .add();
    }
    return latest(new EngineDriver(CONFIG).feed(t.sorted()).finish().candidates);
  }

  @Test
  void aCandidateResolvesAQuietPeriodAfterItsLastSignalRecoversAndFlapsDoNotReopen() {
    Telemetry t = new Telemetry(71);
    t.service("api", 2);
    t.background(min(-70), min(120), SyntheticIncidents.ATTRS);
    t.anomaly("api", "http.server.error_rate")
        .onset(min(10))
        .value(0.3, 0.004)
        .recovers(min(20))
        .add();
    // A second episode of the same series 3 minutes later (inside the quiet period): a flap.
    t.anomaly("api", "http.server.error_rate")
        .onset(min(23))
        .value(0.3, 0.004)
        .recovers(min(40))
        .add();
    EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    List<IncidentCandidate> all = latest(d.candidates);
    assertThat(all).hasSize(1);
    IncidentCandidate last = all.get(0);
    assertThat(last.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    assertThat(last.getResolvedAtMs()).isEqualTo(min(40) + CONFIG.quietPeriodMs());
    assertThat(last.getSignalIds()).hasSize(2);
    assertThat(d.candidates.stream().filter(c -> c.getStatus() == CandidateStatus.RESOLVED))
        .hasSize(1);
  }

  /**
   * The same trouble comes back 20 minutes after the candidate resolved (a slow ramp whose band
   * caught up and fell behind again): the candidate re-opens under its id instead of a second
   * incident. Another series of the service shortly after, or the same one three hours later
   * (outside the re-open window), is a new incident.
   */
  @Test
  void aRelatedFlareUpSoonAfterResolutionReopensTheCandidate() {
    Telemetry t = new Telemetry(72);
    t.service("api", 2);
    t.background(min(-70), min(400), SyntheticIncidents.ATTRS);
    t.anomaly("api", "http.server.error_rate")
        .onset(min(10))
        .value(0.3, 0.004)
        .recovers(min(20))
        .add();
    t.anomaly("api", "http.server.error_rate")
        .onset(min(45))
        .value(0.3, 0.004)
        .recovers(min(55))
        .add();
    // another series of the same service after the second resolution: a new incident
    t.anomaly("api", "process.cpu.utilization")
        .onset(min(80))
        .value(0.95, 0.3)
        .recovers(min(90))
        .add();
    t.anomaly("api", "http.server.error_rate")
        .onset(min(250))
        .value(0.3, 0.004)
        .recovers(min(260))
        .add();
    EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    List<IncidentCandidate> all = latest(d.candidates);
    assertThat(all).extracting(IncidentCandidate::getTitle).hasSize(3);
    IncidentCandidate first =
        all.stream()
            .min(java.util.Comparator.comparingLong(IncidentCandidate::getOpenedAtMs))
            .get();
    assertThat(first.getSignalIds()).hasSize(2);
    assertThat(first.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    assertThat(first.getResolvedAtMs()).isEqualTo(min(55) + CONFIG.quietPeriodMs());
    assertThat(all).filteredOn(c -> c.getTitle().startsWith("CPU")).hasSize(1);
    assertThat(
            d.candidates.stream()
                .filter(c -> c.getId().equals(first.getId()))
                .map(IncidentCandidate::getStatus)
                .toList())
        .as("resolved, re-opened (UPDATED), resolved again")
        .containsSubsequence(
            CandidateStatus.RESOLVED, CandidateStatus.UPDATED, CandidateStatus.RESOLVED);
    assertThat(d.engine.stats().candidatesReopened()).isEqualTo(1);
  }

  @Test
  void aSlowFaultThatBitesHoursAfterItsCandidateResolvedReopensIt() {
    for (boolean leak : new boolean[] {true, false}) {
      Telemetry t = new Telemetry(73);
      t.service("web", 2);
      t.service("cart", 2);
      t.call("web", "cart");
      t.background(min(-70), min(300), SyntheticIncidents.ATTRS);
      var first =
          leak
              ? t.anomaly("cart", "jvm.memory.used").leading().value(900, 400)
              : t.anomaly("cart", "http.server.error_rate").value(0.3, 0.004);
      first.onset(min(10)).recovers(min(40)).add();
      // Two hours later the leak runs out of memory: the errors are its consequence.
      t.anomaly("cart", "http.server.error_rate")
          .onset(min(160))
          .value(0.4, 0.004)
          .recovers(min(190))
          .add();
      EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
      List<IncidentCandidate> all = latest(d.candidates);
      if (leak) {
        assertThat(all).as("the leak's candidate re-opened").hasSize(1);
        assertThat(all.get(0).getSignalIds()).hasSize(2);
        assertThat(d.engine.stats().candidatesReopened()).isEqualTo(1);
      } else {
        assertThat(all).as("an error burst two hours after another: a new incident").hasSize(2);
        assertThat(d.engine.stats().candidatesReopened()).isZero();
      }
    }
  }

  @Test
  void theEndOfInputDoesNotResolveACandidateWhoseSignalsAreStillActive() {
    Telemetry t = new Telemetry(73);
    t.service("api", 2);
    t.background(min(-70), min(60), SyntheticIncidents.ATTRS);
    t.anomaly("api", "http.server.error_rate")
        .onset(min(10))
        .value(0.3, 0.004)
        .activeUntil(min(60))
        .add();
    EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    assertThat(d.candidates).isNotEmpty();
    assertThat(d.candidates.get(d.candidates.size() - 1).getStatus())
        .isNotEqualTo(CandidateStatus.RESOLVED);
  }

  @Test
  void aSignalThatFallsSilentCountsAsRecoveredAfterTheStalePeriod() {
    Telemetry t = new Telemetry(79);
    t.service("api", 2);
    t.background(min(-70), min(120), SyntheticIncidents.ATTRS);
    t.anomaly("api", "http.server.error_rate")
        .onset(min(10))
        .value(0.3, 0.004)
        .activeUntil(min(30))
        .add();
    EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    IncidentCandidate last = d.candidates.get(d.candidates.size() - 1);
    assertThat(last.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    long lastRecord = min(30) - 30_000;
    assertThat(last.getResolvedAtMs())
        .isEqualTo(lastRecord + CONFIG.signalStaleAfterMs() + CONFIG.quietPeriodMs());
  }

  @Test
  void aNewDependencyEdgeIsReportedOnTheAnomalyFeedAndJoinsTheIncidentAsEvidence() {
    Telemetry t = SyntheticIncidents.deployCascade(11);
    // The bad deploy also starts calling a new cache.
    t.callDependency("botforge", "forge-cache", DependencyKind.CACHE, "redis");
    Telemetry extra = new Telemetry(5);
    extra.services.putAll(t.services);
    extra.callDependency("botforge", "forge-cache", DependencyKind.CACHE, "redis");
    extra.background(min(30.5), min(90), List.of());
    t.calls.remove(t.calls.size() - 1);
    t.records.addAll(
        extra.records.stream()
            .filter(r -> r.value() instanceof io.signalfold.schema.CallEdge)
            .toList());
    EngineDriver d = new EngineDriver(CONFIG).feed(t.sorted()).finish();
    assertThat(d.topologyAnomalies)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getKind()).isEqualTo(AnomalyKind.NEW_DEPENDENCY);
              assertThat(a.getSource()).isEqualTo(SignalSource.TOPOLOGY);
              assertThat(a.getTier()).isEqualTo(AnomalyTier.INVESTIGATE);
              assertThat(a.getResource().getService()).isEqualTo("botforge");
              assertThat(a.getAttributes()).containsEntry("peer", "forge-cache");
              assertThat(a.getOnsetMs()).isEqualTo(min(30.5));
            });
    IncidentCandidate last = latest(d.candidates).get(0);
    assertThat(last.getSignalIds()).contains(d.topologyAnomalies.get(0).getId());
    assertThat(last.getTimeline())
        .anyMatch(e -> e.getText().contains("new dependency first seen: botforge -> forge-cache"));
    assertThatCandidate(last).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge");
  }

  @Test
  void feedbackReRanksTheCandidateAndIsKeptWithIt() {
    Telemetry t = SyntheticIncidents.deployCascade(11);
    EngineDriver d = new EngineDriver(CONFIG);
    List<Telemetry.Timed> records = t.sorted();
    int cut = 0;
    while (records.get(cut).timeMs() < min(45)) {
      cut++;
    }
    d.feed(records.subList(0, cut));
    IncidentCandidate before = d.candidates.get(d.candidates.size() - 1);
    Hypothesis top = before.getHypotheses().get(0);
    Hypothesis second = before.getHypotheses().get(1);
    d.deliver(
        HypothesisFeedback.newBuilder()
            .setCandidateId(before.getId())
            .setHypothesisId(top.getId())
            .setVerdict(FeedbackVerdict.REJECT)
            .setNote("rollback did not help")
            .setAuthor("alice")
            .setTimestampMs(min(46))
            .build());
    IncidentCandidate rejected = d.candidates.get(d.candidates.size() - 1);
    assertThat(rejected.getVersion()).isEqualTo(before.getVersion() + 1);
    assertThat(rejected.getHypotheses().get(0).getId()).isEqualTo(second.getId());
    Hypothesis demoted = rejected.getHypotheses().get(rejected.getHypotheses().size() - 1);
    assertThat(demoted.getId()).isEqualTo(top.getId());
    assertThat(demoted.getFeedback()).isEqualTo(FeedbackVerdict.REJECT);
    assertThat(demoted.getRuledOut()).anyMatch(r -> r.getReason().contains("rejected by alice"));
    assertThat(rejected.getFeedback()).hasSize(1);

    d.deliver(
        HypothesisFeedback.newBuilder()
            .setCandidateId(before.getId())
            .setHypothesisId(top.getId())
            .setVerdict(FeedbackVerdict.CONFIRM)
            .setAuthor("bob")
            .setTimestampMs(min(47))
            .build());
    d.deliver(
        HypothesisFeedback.newBuilder()
            .setCandidateId("inc-unknown")
            .setVerdict(FeedbackVerdict.NOTE)
            .setNote("?")
            .setTimestampMs(min(47))
            .build());
    d.feed(records.subList(cut, records.size())).finish();
    IncidentCandidate last = d.candidates.get(d.candidates.size() - 1);
    assertThat(last.getHypotheses().get(0).getId()).isEqualTo(top.getId());
    assertThat(last.getHypotheses().get(0).getFeedback()).isEqualTo(FeedbackVerdict.CONFIRM);
    assertThat(last.getHypotheses().get(0).getConfidence()).isGreaterThanOrEqualTo(0.95);
    assertThat(last.getFeedback())
        .extracting(HypothesisFeedback::getAuthor)
        .containsExactly("alice", "bob");
    assertThat(d.deadLetters)
        .singleElement()
        .satisfies(dl -> assertThat(dl.getDetail()).contains("inc-unknown"));
  }

  @Test
  void anAlertmanagerAlertSeedsACandidateAndItsResolutionResolvesIt() throws Exception {
    Telemetry t = new Telemetry(83);
    t.service("checkout", 2);
    t.background(min(-70), min(60), SyntheticIncidents.ATTRS);
    String firing =
        "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"signalfold\",\"alerts\":[{\"status\":\"firing\","
            + "\"labels\":{\"alertname\":\"CheckoutDown\",\"severity\":\"critical\",\"service\":\"checkout\",\"instance\":\"checkout-1\"},"
            + "\"annotations\":{\"summary\":\"checkout probe failing\"},\"startsAt\":\"2026-03-02T00:10:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
            + "\"generatorURL\":\"http://prometheus/graph\",\"fingerprint\":\"fa11ed\"}]}";
    String resolved =
        firing
            .replace("\"status\":\"firing\"", "\"status\":\"resolved\"")
            .replace("0001-01-01T00:00:00Z", "2026-03-02T00:20:00Z");
    List<Telemetry.Timed> in = new java.util.ArrayList<>(t.sorted());
    for (var a : AlertWebhookParser.parse(firing, 0)) {
      in.add(new Telemetry.Timed(min(10), a));
    }
    for (var a : AlertWebhookParser.parse(resolved, 0)) {
      in.add(new Telemetry.Timed(min(20), a));
    }
    in.sort(java.util.Comparator.comparingLong(Telemetry.Timed::timeMs));
    EngineDriver d = new EngineDriver(CONFIG).feed(in).finish();
    IncidentCandidate last = latest(d.candidates).get(0);
    assertThat(last.getSignalIds()).containsExactly("fa11ed@" + min(10));
    assertThat(last.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    assertThat(last.getOpenedAtMs()).isEqualTo(min(10) + CONFIG.openDelayMs());
    assertThat(last.getTimeline())
        .anyMatch(e -> e.getText().contains("external alert CheckoutDown"));
  }

  @Test
  void missingSignalTypesAreStatedAsDataGapsAndLogOnlyCausesAsMonitoringGaps() {
    Telemetry t = new Telemetry(89);
    t.service("web", 2);
    t.service("jobs", 2).noLogs();
    t.call("web", "jobs").callDependency("jobs", "queue", DependencyKind.MESSAGING, "kafka");
    t.background(min(-70), min(60), SyntheticIncidents.ATTRS);
    t.anomaly("web", "log.template.count")
        .instance("web-0")
        .onset(min(10))
        .value(20, 0)
        .log("retrying job submission <*>", "retrying job submission 42")
        .recovers(min(30))
        .add();
    t.anomaly("jobs", "http.client.error_rate")
        .peer("queue")
        .onset(min(10.5))
        .value(0.2, 0.004)
        .recovers(min(30))
        .add();
    IncidentCandidate c =
        latest(new EngineDriver(CONFIG).feed(t.sorted()).finish().candidates).get(0);
    assertThat(c.getDataGaps()).anyMatch(g -> g.startsWith("no logs from jobs"));
    assertThat(c.getDataGaps()).anyMatch(g -> g.contains("queue has no telemetry of its own"));
    assertThat(c.getDataGaps()).noneMatch(g -> g.startsWith("no logs from web"));
    assertThat(c.getMonitoringGaps()).anyMatch(g -> g.contains("visible only in traces"));
  }
}
