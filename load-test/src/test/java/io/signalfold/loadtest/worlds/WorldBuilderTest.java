package io.signalfold.loadtest.worlds;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.loadtest.generator.CountingTelemetryWriter;
import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.generator.TelemetryGenerator;
import io.signalfold.loadtest.runner.ScenarioReport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorldBuilderTest {

  private static final WorldLimits SMALL = new WorldLimits(5, 3, Duration.ofDays(1));

  @Test
  void aSeedAlwaysGivesTheSameWorldAndOtherSeedsOtherWorlds() {
    String a = WorldBuilder.build(42, WorldLimits.full()).yaml();
    assertThat(WorldBuilder.build(42, WorldLimits.full()).yaml()).isEqualTo(a);
    Set<String> others = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      others.add(WorldBuilder.build(seed, WorldLimits.full()).yaml());
    }
    assertThat(others).hasSize(20);
  }

  /**
   * The world file of a seed is the same in every JVM and on every machine (no hash-order
   * iteration): seed 7 against the copy committed when it was drawn. A change to how worlds are
   * drawn changes this file on purpose.
   */
  @Test
  void aSeedsWorldFileIsTheCommittedOne() throws Exception {
    try (var in = WorldBuilderTest.class.getResourceAsStream("/bench/world-7.yaml")) {
      String committed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(WorldBuilder.build(7, WorldLimits.full()).yaml()).isEqualTo(committed);
    }
  }

  /** Every drawn world is a valid scenario file whose text replays the same telemetry. */
  @Test
  void theScenarioFileOfAWorldReplaysTheSameTelemetry() {
    for (long seed = 0; seed < 1; seed++) {
      World w = WorldBuilder.build(seed, SMALL);
      Scenario reparsed =
          Scenario.parse(
              "reparsed.yaml", new ByteArrayInputStream(w.yaml().getBytes(StandardCharsets.UTF_8)));
      assertThat(sha(reparsed)).as("seed %d", seed).isEqualTo(sha(w.scenario()));
    }
  }

  @Test
  void worldsStayWithinTheDrawnRangesAndTheLimits() {
    for (long seed = 0; seed < 300; seed++) {
      World full = WorldBuilder.build(seed, WorldLimits.full());
      Scenario s = full.scenario();
      assertThat(s.services().size()).isBetween(5, 60);
      assertThat(s.services()).allMatch(x -> x.instances() >= 2 && x.instances() <= 40);
      assertThat(s.history()).isBetween(Duration.ofDays(1), Duration.ofDays(7));
      assertThat(s.faults()).allMatch(f -> !f.start().isAfter(s.end()));
      Scenario small = WorldBuilder.build(seed, SMALL).scenario();
      assertThat(small.services().size()).isLessThanOrEqualTo(5);
      assertThat(small.services()).allMatch(x -> x.instances() <= 3);
      assertThat(small.history()).isEqualTo(Duration.ofDays(1));
    }
  }

  /** Over a few hundred seeds every kind of the catalogue is drawn, and quiet worlds too. */
  @Test
  void theCatalogueIsCovered() {
    Map<FaultKind, Integer> seen = new EnumMap<>(FaultKind.class);
    int quiet = 0;
    int twoFaults = 0;
    for (long seed = 0; seed < 400; seed++) {
      World w = WorldBuilder.build(seed, WorldLimits.full());
      w.incidentKinds().forEach(k -> seen.merge(k, 1, Integer::sum));
      quiet += w.incidentKinds().isEmpty() ? 1 : 0;
      twoFaults += new HashSet<>(w.incidentKinds()).size() == 2 ? 1 : 0;
    }
    assertThat(seen.keySet()).containsExactlyInAnyOrder(FaultKind.values());
    assertThat(seen.values()).allMatch(n -> n >= 5);
    assertThat(quiet).isBetween(30, 90);
    assertThat(twoFaults).isGreaterThan(40);
  }

  /**
   * Each expected incident names an entity that one of its own faults names, so the scorer ties it
   * to that fault; and a change that must be blamed comes before its fault.
   */
  @Test
  void expectationsPointAtTheirOwnFaults() {
    for (long seed = 0; seed < 200; seed++) {
      Scenario s = WorldBuilder.build(seed, WorldLimits.full()).scenario();
      for (Scenario.ExpectedIncident e : s.expectedIncidents()) {
        List<Scenario.Fault> naming =
            s.faults().stream().filter(f -> ScenarioReport.names(f, e.rootEntity())).toList();
        assertThat(naming).as("seed %d: %s", seed, e.rootEntity()).isNotEmpty();
        if (e.rootKind().equals("deployment")) {
          Object version = e.rootCause().get("version");
          Scenario.Fault first = naming.get(0);
          assertThat(s.changes())
              .as("seed %d: the deploy of %s %s", seed, e.rootEntity(), version)
              .anyMatch(
                  c ->
                      c.kind().equals("deploy")
                          && e.rootEntity().equals(c.service())
                          && String.valueOf(version).equals(c.text("version"))
                          && c.time().isBefore(first.start()));
        }
      }
    }
  }

  private static String sha(Scenario s) {
    CountingTelemetryWriter w = new CountingTelemetryWriter(true);
    TelemetryGenerator.create(s).generate(w);
    return w.sha256();
  }
}
