package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalfold.slo.SloDefinition;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScenarioTest {

  static final String BASE =
      """
      name: bad
      seed: 1
      start: 2026-03-02T00:00:00Z
      history: 1h
      history_resolution: 1m
      duration: 2h
      resolution: 10s
      topology:
        services:
          - {name: web, instances: 2, zone: [az-1, az-2], cell: [c-1], version: 1.0.0, operations: ["GET /"], rps: 10, latency_ms: 20, containers: [app, envoy]}
          - {name: api, instances: 2, version: 2.0.0, operations: ["GET /api"], latency_ms: 10}
        dependencies:
          - {name: db, kind: postgresql}
        calls:
          - {from: web, to: api, ratio: 1.0}
          - {from: api, to: db, ratio: 1.0}
      traffic: {daily_amplitude: 0.5, weekend_factor: 0.7, noise: 0.05, error_rate: 0.005}
      events:
        - at: -30m
          change: {kind: deploy, service: api, version: 2.0.0, rollout: 2m}
        - at: 10m
          fault: {kind: error_rate, service: api, value: 0.5, message: boom}
        - at: 20m
          fault: {kind: latency, service: web, value: 3}
        - at: 30m
          clear: 1
        - at: 40m
          clear: all
        - at: 50m
          fault: {kind: dependency_down, service: api, dependency: db}
      expect:
        incidents:
          - root_cause: {entity: api, kind: unknown}
            open_within: 2m
            symptoms: [web]
        max_false_incidents: 0
      """;

  static Scenario parse(String yaml) {
    return Scenario.parse(
        "bad.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  static void assertFails(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining(message);
  }

  @Test
  void derivedTimes() {
    Scenario s = parse(BASE);
    assertThat(s.t0()).isEqualTo(Instant.parse("2026-03-02T01:00:00Z"));
    assertThat(s.end()).isEqualTo(Instant.parse("2026-03-02T03:00:00Z"));
    assertThat(s.faults()).hasSize(3);
    assertThat(s.faults().get(0).start()).isEqualTo(Instant.parse("2026-03-02T01:10:00Z"));
    assertThat(s.faults().get(0).end())
        .as("clear: 1")
        .isEqualTo(Instant.parse("2026-03-02T01:30:00Z"));
    assertThat(s.faults().get(1).end())
        .as("clear: all")
        .isEqualTo(Instant.parse("2026-03-02T01:40:00Z"));
    assertThat(s.faults().get(2).end()).as("scenario end").isEqualTo(s.end());
    assertThat(s.changes().get(0).time()).isEqualTo(Instant.parse("2026-03-02T00:30:00Z"));
    assertThat(s.expectedIncidents().get(0).openWithin()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.service("web").containers()).containsExactly("app", "envoy");
    assertThat(s.service("api").hasRps()).isFalse();
  }

  @Test
  void sharedExampleTimesAndSlos() {
    Scenario s =
        Scenario.load(
            SharedScenarioFolder.find()
                .orElseThrow(() -> new AssertionError("shared/scenarios not found"))
                .resolve("bad-deploy-cache-format.yaml"));
    assertThat(s.t0()).isEqualTo(Instant.parse("2026-03-16T00:00:00Z"));
    assertThat(s.faults().get(0).start()).isEqualTo(s.t0().plus(Duration.ofMinutes(31)));
    assertThat(s.faults().get(0).end()).isEqualTo(s.t0().plus(Duration.ofMinutes(77)));
    assertThat(s.faults().get(0).where()).containsEntry("cache.hit", "true");
    assertThat(SloDefinition.fromScenario(s.slos().get(0)).name())
        .isEqualTo("gateway-availability");
  }

  @Test
  void durations() {
    assertThat(ScenarioDurations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ScenarioDurations.parse("1w")).isEqualTo(Duration.ofDays(7));
    assertThat(ScenarioDurations.parse("1d2h")).isEqualTo(Duration.ofHours(26));
    assertThat(ScenarioDurations.parse("1h40m")).isEqualTo(Duration.ofMinutes(100));
    assertThat(ScenarioDurations.parse("-2d")).isEqualTo(Duration.ofDays(-2));
    assertThat(ScenarioDurations.format(Duration.ofMinutes(100))).isEqualTo("1h40m");
    assertThatThrownBy(() -> ScenarioDurations.parse("2 hours"))
        .hasMessageContaining("not a duration");
  }

  @Test
  void builtInDefaultIsSmall() {
    Scenario s = Scenario.builtInDefault();
    assertThat(s.history()).isEqualTo(Duration.ofDays(2));
    assertThat(s.historyResolution()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.faults()).isNotEmpty();
  }

  @Test
  void unknownFaultKindNamesTheField() {
    assertFails(
        BASE.replace("kind: latency,", "kind: errors,"),
        "bad.yaml: events[2].fault.kind: unknown fault kind 'errors' (expected one of [error_rate, latency");
  }

  @Test
  void unknownServicesAreRejected() {
    assertFails(
        BASE.replace("{from: web, to: api", "{from: web, to: apx"),
        "bad.yaml: topology.calls[0].to: unknown service or dependency 'apx'");
    assertFails(
        BASE.replace("{from: web, to: api", "{from: wbe, to: api"),
        "topology.calls[0].from: unknown service 'wbe'");
    assertFails(
        BASE.replace("service: api, value: 0.5", "service: nope, value: 0.5"),
        "events[1].fault.service: unknown service 'nope'");
  }

  @Test
  void badValuesNameTheField() {
    assertFails(
        BASE.replace("history: 1h", "history: 1 hour"),
        "bad.yaml: history: not a duration '1 hour'");
    assertFails(BASE.replace("name: bad\n", ""), "bad.yaml: name: required");
    assertFails(
        BASE.replace("value: 0.5, message", "value: 1.5, message"),
        "events[1].fault.value: must be within [0.0, 1.0], got 1.5");
    assertFails(
        BASE.replace(
            "kind: error_rate, service: api, value: 0.5",
            "kind: error_rate, service: web, zone: az-9, value: 0.5"),
        "events[1].fault.zone: service web has no zone 'az-9'");
    assertFails(BASE.replace("clear: 1", "clear: 0"), "events[3].clear: events[0] is not a fault");
    assertFails(
        BASE.replace("dependency: db", "dependency: cache"),
        "events[5].fault.dependency: api does not call 'cache'");
    assertFails(
        BASE.replace("kind: deploy,", "kind: redeploy,"),
        "events[0].change.kind: unknown change kind 'redeploy'");
    assertFails(
        BASE.replace("kind: unknown}", "kind: gremlins}"),
        "expect.incidents[0].root_cause.kind: unknown root cause kind 'gremlins'");
    assertFails(
        BASE.replace("instances: 2, version: 2.0.0", "instances: 0, version: 2.0.0"),
        "topology.services[1].instances: must be at least 1");
    assertFails(
        BASE.replace(
            "expect:\n",
            "  - at: 1h\n    change: {kind: scale, service: api, replicas: -1}\nexpect:\n"),
        "events[6].change.replicas: must be a whole number >= 0");
    assertFails(
        BASE.replace("- {from: api, to: db, ratio: 1.0}", "- {from: api, to: web, ratio: 1.0}")
            .replace(
                "dependency_down, service: api, dependency: db", "latency, service: api, value: 2"),
        "topology.calls: calls form a cycle");
    assertFails(BASE.replace("at: 10m", "when: 10m"), "events[1].at: required");
  }
}
