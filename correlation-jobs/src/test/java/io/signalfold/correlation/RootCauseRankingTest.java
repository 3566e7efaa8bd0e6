package io.signalfold.correlation;

import static io.signalfold.correlation.CandidateAssert.assertThatCandidate;
import static io.signalfold.correlation.Telemetry.hours;
import static io.signalfold.correlation.Telemetry.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.CandidateSeverity;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisBasis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One synthetic incident per root-cause kind of the scenario vocabulary: exactly one candidate, the
 * true cause ranked first, symptoms listed as symptoms, distractors ruled out.
 */
class RootCauseRankingTest {

  private static IncidentCandidate single(Telemetry t, CorrelationConfig config) {
    return EngineDriver.single(t, config);
  }

  private static IncidentCandidate single(Telemetry t) {
    return single(t, SyntheticIncidents.config());
  }

  private static Hypothesis top(IncidentCandidate c) {
    return c.getHypotheses().get(0);
  }

  @Test
  void manualSessionOnOneHost() {
    IncidentCandidate c = single(SyntheticIncidents.manualSession(3));
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.MANUAL_SESSION, "api-1")
        .hasSymptoms("web");
    assertThat(top(c).getBasis()).isEqualTo(HypothesisBasis.DIRECT_EVIDENCE);
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.REPLACE_INSTANCE);
    assertThat(top(c).getChangeId()).isEqualTo("chg-session-1");
  }

  @Test
  void dependencyThrottlingWithoutChangeBurnsTheSlo() {
    IncidentCandidate c =
        single(SyntheticIncidents.dependencyThrottling(5), SyntheticIncidents.businessConfig());
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.DEPENDENCY, "orders-table")
        .hasSymptoms("order-api", "web-frontend");
    assertThat(top(c).getBasis()).isEqualTo(HypothesisBasis.DIRECT_EVIDENCE);
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.RAISE_DEPENDENCY_CAPACITY);
    assertThat(top(c).getDescription()).contains("throttl");
    assertThat(c.getSignalIds()).contains("slo-order-avail-1");
    assertThat(c.getSeverity()).isEqualTo(CandidateSeverity.CRITICAL);
    assertThat(c.getImpact().getBusinessMetric()).isEqualTo("orders.placed");
    assertThat(c.getImpact().getBusinessDeltaFraction()).isBetween(-0.4, -0.2);
    assertThat(c.getImpact().getDistinctCounts()).containsKey("customer.id");
    assertThat(c.getDataGaps())
        .anyMatch(g -> g.contains("orders-table has no telemetry of its own"));
  }

  @Test
  void serviceScaledToZero() {
    IncidentCandidate c = single(SyntheticIncidents.scaledToZero(7));
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.SCALE, "checkout")
        .hasSymptoms("storefront");
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.RESTORE_CAPACITY);
    assertThat(top(c).getBasis()).isEqualTo(HypothesisBasis.DIRECT_EVIDENCE);
  }

  @Test
  void deepChainCascadeBlamesTheDeepestServiceNotTheHealthyDeployElsewhere() {
    IncidentCandidate c = single(SyntheticIncidents.deepChain(9));
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.UNKNOWN, "tax")
        .hasSymptoms("pricing", "orders", "api", "edge")
        .rulesOut("deploy search", "healthy change elsewhere");
    assertThat(c.getHypotheses()).noneMatch(h -> "chg-search-deploy".equals(h.getChangeId()));
  }

  @Test
  void theLeakingSidecarStaysTheCauseWhenTheAppContainersFailLater() {
    IncidentCandidate c = single(SyntheticIncidents.sidecarLeakThenErrors(13));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.CONTAINER, "envoy");
  }

  @Test
  void sidecarContainerLeakingAcrossServicesIsOneCandidateBlamingTheContainer() {
    IncidentCandidate c = single(SyntheticIncidents.sidecarLeak(13));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.CONTAINER, "envoy");
    assertThat(c.getSignalIds()).hasSizeGreaterThanOrEqualTo(8);
  }

  @Test
  void plannedLoadTestIsLabelledPlannedNotBlamedOnTheDeploy() {
    IncidentCandidate c = single(SyntheticIncidents.plannedLoadTest(17));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.PLANNED_ACTIVITY, "gateway");
    assertThat(top(c).getPlanned()).isTrue();
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.WAIT_FOR_PLANNED_END);
    assertThat(c.getSeverity()).isEqualTo(CandidateSeverity.LOW);
    assertThat(c.getHypotheses())
        .noneMatch(h -> "chg-reports-deploy".equals(h.getChangeId()) && h.getRank() == 1);
  }

  @Test
  void deployWhoseLeakBitesHoursLaterIsFoundThroughTheLeadingLookback() {
    IncidentCandidate c = single(SyntheticIncidents.deployLeak(19));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "cart");
    assertThat(top(c).getVersion()).isEqualTo("2.1.0");
    assertThat(c.getOnsetMs()).as("onset from the leading trend").isLessThanOrEqualTo(min(60));
    assertThat(c.getOpenedAtMs()).isGreaterThan(hours(4));
  }

  @Test
  void permissionChangeBreakingAccessToATable() {
    IncidentCandidate c = single(SyntheticIncidents.permissionChange(23));
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.PERMISSION, "robots-table")
        .hasSymptoms("gateway");
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.REVERT_PERMISSION);
    assertThat(top(c).getBasis()).isEqualTo(HypothesisBasis.DIRECT_EVIDENCE);
    assertThatCandidate(c).ranksWithinTop(3, RootCauseKind.DEPENDENCY, "robots-table");
  }

  @Test
  void zoneWideFaultIsOneCandidateBlamingTheZone() {
    IncidentCandidate c = single(SyntheticIncidents.zoneOutage(29));
    // the services running in the zone are its victims, whatever ranks below the zone
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.ZONE, "az-3")
        .hasSymptoms("web", "api", "search", "cart");
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.SHIFT_TRAFFIC);
  }

  @Test
  void cellDegradationAcrossZonesBlamesTheCell() {
    IncidentCandidate c = single(SyntheticIncidents.cellDegradation(31));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.CELL, "cell-2");
  }

  @Test
  void zoneStillBlamedWhenHealthyZonesInheritSomeOfTheErrors() {
    IncidentCandidate c = single(SyntheticIncidents.zoneOutageWithInheritedErrors(29));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.ZONE, "az-3");
    // The az-3 instances are symptoms of the zone, not rivals ranked above it.
    assertThat(top(c).getDescription()).contains("are worst on zone az-3");
  }

  @Test
  void cellStillBlamedWhenTheOtherCellInheritsSomeOfTheErrors() {
    IncidentCandidate c = single(SyntheticIncidents.cellDegradationWithInheritedErrors(31));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.CELL, "cell-2");
    assertThat(c.getHypotheses()).noneMatch(h -> h.getKind() == RootCauseKind.TRAFFIC);
  }

  @Test
  void restartLoopOnOneInstanceBlamesTheInstanceAndRulesOutWarmUp() {
    IncidentCandidate c = single(SyntheticIncidents.restartLoop(37));
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.INSTANCE, "inventory-1")
        .rulesOut("CPU spike on inventory/inventory-1", "warm-up");
  }

  @Test
  void configChange() {
    IncidentCandidate c = single(SyntheticIncidents.configChange(41));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.CONFIG, "catalog").hasSymptoms("web");
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.REVERT_CONFIG);
    assertThat(top(c).getEvidence())
        .anyMatch(e -> e.getLogTemplate() != null && e.getLogTemplate().contains("pool"));
  }

  @Test
  void trafficSurge() {
    IncidentCandidate c = single(SyntheticIncidents.trafficSurge(43));
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.TRAFFIC, "edge")
        .rulesOut("dependency api-db", "only call it more often");
    assertThat(c.getHypotheses()).noneMatch(h -> h.getKind() == RootCauseKind.DEPENDENCY);
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.SCALE_OUT);
  }

  @Test
  void diskFillingUp() {
    IncidentCandidate c = single(SyntheticIncidents.diskFill(47));
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.RESOURCE, "reports");
    assertThat(top(c).getMitigation()).isEqualTo(MitigationClass.RESTORE_CAPACITY);
  }

  @Test
  void aCanaryVersionFailingWithoutAnyDeployEventIsBlamedAsAVersion() {
    Telemetry t = new Telemetry(59);
    t.service("web", 2).operations("GET /");
    t.service("api", 3).operations("GET /api").version("5.0.0");
    t.call("web", "api");
    t.background(min(-120), min(90), SyntheticIncidents.ATTRS);
    // api-2 runs the canary 5.1.0 (seen by inventory), the others 5.0.0; no change event at all.
    for (int i = 0; i < 21; i++) {
      long at = min(-120) + i * 600_000L;
      t.records.add(
          new Telemetry.Timed(
              at,
              io.signalfold.correlation.internal.InventoryFact.create(
                  "api",
                  io.signalfold.correlation.internal.InventoryFact.TRACES,
                  "api-2",
                  "app",
                  "az-1",
                  null,
                  "5.1.0",
                  at)));
      t.records.add(
          new Telemetry.Timed(
              at,
              io.signalfold.correlation.internal.InventoryFact.create(
                  "api",
                  io.signalfold.correlation.internal.InventoryFact.TRACES,
                  "api-0",
                  "app",
                  "az-1",
                  null,
                  "5.0.0",
                  at)));
    }
    t.anomaly("api", "http.server.error_rate")
        .instance("api-2")
        .version("5.1.0")
        .onset(min(20))
        .value(0.9, 0.004)
        .recovers(min(50))
        .add();
    t.anomaly("api", "log.template.count")
        .instance("api-2")
        .version("5.1.0")
        .onset(min(20))
        .value(40, 0)
        .log("NullPointerException in PriceFormatter", "NullPointerException in PriceFormatter")
        .recovers(min(50))
        .add();
    t.anomaly("web", "http.server.error_rate")
        .onset(min(20.5))
        .value(0.3, 0.004)
        .recovers(min(50))
        .add();
    IncidentCandidate c = single(t);
    assertThatCandidate(c).ranksWithinTop(2, RootCauseKind.DEPLOYMENT, "5.1.0");
    Hypothesis v =
        c.getHypotheses().stream()
            .filter(h -> h.getEntity().getKind() == io.signalfold.schema.EntityKind.VERSION)
            .findFirst()
            .orElseThrow();
    assertThat(v.getEntity().getService()).isEqualTo("api");
    assertThat(v.getMitigation()).isEqualTo(MitigationClass.ROLLBACK);
  }

  @Test
  void quietStretchWithNoiseMergesConfigsAndRoutineDeploysOpensNothing() {
    EngineDriver d =
        new EngineDriver(SyntheticIncidents.config())
            .feed(SyntheticIncidents.quiet(53).sorted())
            .finish();
    assertThat(d.candidates)
        .as("%s", d.candidates.stream().map(CandidateAssert::describe).toList())
        .isEmpty();
    assertThat(d.engine.stats().transientDiscarded()).isGreaterThan(0);
  }

  @Test
  void everyCandidateOfTheSuiteResolvesAfterItsSignalsRecover() {
    for (Telemetry t :
        List.of(
            SyntheticIncidents.manualSession(3),
            SyntheticIncidents.scaledToZero(7),
            SyntheticIncidents.permissionChange(23),
            SyntheticIncidents.configChange(41))) {
      IncidentCandidate c = single(t);
      assertThatCandidate(c).hasStatus(CandidateStatus.RESOLVED);
      assertThat(c.getResolvedAtMs()).isNotNull();
    }
  }
}
