package io.signalfold.correlation;

import static io.signalfold.correlation.CandidateAssert.latest;
import static io.signalfold.correlation.Telemetry.hours;
import static io.signalfold.correlation.Telemetry.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RootCauseKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every synthetic incident through the engine, scored the way the scenario runner scores scenarios:
 * rank of the true cause, open time from fault start, false candidates, raw signals per candidate.
 * Prints the runner's summary line for these synthetic streams.
 */
class SyntheticSuiteTest {

  private record Case(
      String name,
      Supplier<Telemetry> stream,
      CorrelationConfig config,
      RootCauseKind kind,
      String entity,
      long faultStart,
      boolean leading) {}

  private static final CorrelationConfig C = SyntheticIncidents.config();

  private static List<Case> cases() {
    return List.of(
        new Case(
            "deploy-cascade",
            () -> SyntheticIncidents.deployCascade(11),
            C,
            RootCauseKind.DEPLOYMENT,
            "botforge",
            min(31),
            false),
        new Case(
            "manual-session",
            () -> SyntheticIncidents.manualSession(3),
            C,
            RootCauseKind.MANUAL_SESSION,
            "api-1",
            min(10.5),
            false),
        new Case(
            "dependency-throttling",
            () -> SyntheticIncidents.dependencyThrottling(5),
            SyntheticIncidents.businessConfig(),
            RootCauseKind.DEPENDENCY,
            "orders-table",
            min(40),
            false),
        new Case(
            "scaled-to-zero",
            () -> SyntheticIncidents.scaledToZero(7),
            C,
            RootCauseKind.SCALE,
            "checkout",
            min(20),
            false),
        new Case(
            "deep-chain",
            () -> SyntheticIncidents.deepChain(9),
            C,
            RootCauseKind.UNKNOWN,
            "tax",
            min(30),
            false),
        new Case(
            "sidecar-leak",
            () -> SyntheticIncidents.sidecarLeak(13),
            C,
            RootCauseKind.CONTAINER,
            "envoy",
            min(0),
            true),
        new Case(
            "planned-load-test",
            () -> SyntheticIncidents.plannedLoadTest(17),
            C,
            RootCauseKind.PLANNED_ACTIVITY,
            "gateway",
            min(40),
            false),
        new Case(
            "deploy-leak",
            () -> SyntheticIncidents.deployLeak(19),
            C,
            RootCauseKind.DEPLOYMENT,
            "cart",
            min(10),
            true),
        new Case(
            "permission",
            () -> SyntheticIncidents.permissionChange(23),
            C,
            RootCauseKind.PERMISSION,
            "robots-table",
            min(20),
            false),
        new Case(
            "zone-outage",
            () -> SyntheticIncidents.zoneOutage(29),
            C,
            RootCauseKind.ZONE,
            "az-3",
            min(30),
            false),
        new Case(
            "cell",
            () -> SyntheticIncidents.cellDegradation(31),
            C,
            RootCauseKind.CELL,
            "cell-2",
            min(30),
            false),
        new Case(
            "restart-loop",
            () -> SyntheticIncidents.restartLoop(37),
            C,
            RootCauseKind.INSTANCE,
            "inventory-1",
            min(20),
            false),
        new Case(
            "config",
            () -> SyntheticIncidents.configChange(41),
            C,
            RootCauseKind.CONFIG,
            "catalog",
            min(15.5),
            false),
        new Case(
            "traffic-surge",
            () -> SyntheticIncidents.trafficSurge(43),
            C,
            RootCauseKind.TRAFFIC,
            "edge",
            min(30),
            false),
        new Case(
            "disk-fill",
            () -> SyntheticIncidents.diskFill(47),
            C,
            RootCauseKind.RESOURCE,
            "reports",
            hours(1),
            true),
        new Case("quiet", () -> SyntheticIncidents.quiet(53), C, null, null, 0, false));
  }

  @Test
  void everySyntheticIncidentRanksItsTrueCauseFirstAndOpensInTime() {
    int scored = 0;
    int top1 = 0;
    int top3 = 0;
    int falseCandidates = 0;
    long raw = 0;
    long opened = 0;
    List<Long> openSeconds = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Case c : cases()) {
      EngineDriver d = new EngineDriver(c.config()).feed(c.stream().get().sorted()).finish();
      raw += d.engine.stats().rawSignals();
      opened += d.engine.stats().candidatesOpened();
      List<IncidentCandidate> all = latest(d.candidates);
      if (c.kind() == null) {
        falseCandidates += all.size();
        continue;
      }
      scored++;
      IncidentCandidate match = null;
      int rank = 0;
      for (IncidentCandidate cand : all) {
        for (var h : cand.getHypotheses()) {
          if (h.getKind() == c.kind() && h.getEntity().getName().equals(c.entity())) {
            if (match == null || h.getRank() < rank) {
              match = cand;
              rank = h.getRank();
            }
          }
        }
      }
      falseCandidates += all.size() - (match == null ? 0 : 1);
      if (match == null) {
        failures.add(c.name() + ": no candidate names " + c.kind() + " " + c.entity());
        continue;
      }
      top1 += rank == 1 ? 1 : 0;
      top3 += rank <= 3 ? 1 : 0;
      if (rank != 1) {
        failures.add(c.name() + ": true cause ranked " + rank);
      }
      String matchId = match.getId();
      long open =
          d.candidates.stream()
              .filter(x -> x.getId().equals(matchId))
              .findFirst()
              .orElseThrow()
              .getOpenedAtMs();
      if (!c.leading()) {
        openSeconds.add((open - c.faultStart()) / 1000);
      }
    }
    openSeconds.sort(Long::compare);
    long p50 = openSeconds.get((int) Math.ceil(0.5 * openSeconds.size()) - 1);
    long p95 = openSeconds.get((int) Math.ceil(0.95 * openSeconds.size()) - 1);
    System.out.printf(
        Locale.ROOT,
        "synthetic scenarios=%d top1=%.2f top3=%.2f false_candidates=%d p50_open_s=%d p95_open_s=%d raw_signals_per_candidate=%.0f%n",
        scored,
        (double) top1 / scored,
        (double) top3 / scored,
        falseCandidates,
        p50,
        p95,
        opened == 0 ? 0.0 : (double) raw / opened);
    assertThat(failures).isEmpty();
    assertThat(falseCandidates).isZero();
    assertThat(p95).as("p95 open time (lagging faults), seconds").isLessThanOrEqualTo(120);
  }
}
