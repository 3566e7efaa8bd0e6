package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The generator expresses what the randomized benchmark needs: a daily peak where the file says,
 * faults on any endpoint, faults scoped to a version, rollouts that halt part-way, dependencies
 * that get slow without failing, and changes to things outside the topology.
 */
class GeneratorFaultScopeTest {

  private static final String WORLD =
      """
      name: scope
      seed: 3
      start: 2026-03-02T00:00:00Z
      history: 10m
      history_resolution: 1m
      duration: 40m
      resolution: 10s
      topology:
        services:
          - {name: web, instances: 2, version: 1.0.0, operations: ["GET /"], rps: 200, latency_ms: 20}
          - {name: api, instances: 4, version: 2.0.0, operations: ["GET /a", "POST /b"], latency_ms: 10}
        dependencies:
          - {name: db, kind: postgresql}
        calls:
          - {from: web, to: api, ratio: 1.0}
          - {from: api, to: db, ratio: 1.0}
      traffic: {daily_amplitude: 0.5, noise: 0.02, error_rate: 0.0}
      events:
      %s
      """;

  private static Scenario world(String events) {
    String yaml = String.format(WORLD, events.indent(2));
    return Scenario.parse(
        "scope.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  private static long at(Scenario s, int minutes) {
    return s.t0().plus(Duration.ofMinutes(minutes)).toEpochMilli();
  }

  private static Predicate<Decoded.SpanRow> between(long from, long to) {
    return r -> {
      long ms = r.span().getStartTimeUnixNano() / 1_000_000;
      return ms >= from && ms < to;
    };
  }

  private static boolean failed(Decoded.SpanRow r) {
    return r.span().getStatus().getCodeValue() == 2;
  }

  private static boolean callsTo(Decoded.SpanRow r, String peer) {
    return r.span().getKindValue() == 3 && peer.equals(Decoded.attr(r.span(), "peer.service"));
  }

  @Test
  void dailyPeakFallsOnThePeakHour() {
    Scenario.Traffic afternoon = new Scenario.Traffic(0.6, 1.0, 0, 0, null, 14);
    Scenario.Traffic evening = new Scenario.Traffic(0.6, 1.0, 0, 0, null, 20);
    long tuesday = Instant.parse("2026-03-03T00:00:00Z").toEpochMilli();
    long hour = 3_600_000L;
    assertThat(TelemetryGenerator.loadFactor(afternoon, tuesday + 14 * hour))
        .isCloseTo(1.0, within(1e-9));
    assertThat(TelemetryGenerator.loadFactor(afternoon, tuesday + 2 * hour))
        .isCloseTo(0.4, within(1e-9));
    assertThat(TelemetryGenerator.loadFactor(evening, tuesday + 20 * hour))
        .isCloseTo(1.0, within(1e-9));
    assertThat(TelemetryGenerator.loadFactor(evening, tuesday + 8 * hour))
        .isCloseTo(0.4, within(1e-9));
  }

  @Test
  void anErrorOnTheSecondEndpointReachesTheCallers() throws Exception {
    Scenario s =
        world(
            "- at: 5m\n  fault: {kind: error_rate, service: api, operation: POST /b, value: 0.8}");
    Decoded d = Decoded.of(s);
    List<Decoded.SpanRow> clientCalls =
        d.spans.stream()
            .filter(r -> r.service().equals("web") && callsTo(r, "api"))
            .filter(between(at(s, 10), at(s, 40)))
            .toList();
    double failing = clientCalls.stream().filter(GeneratorFaultScopeTest::failed).count();
    // Half the requests go to POST /b, 80% of those fail: about 40% of web's calls to api.
    assertThat(failing / clientCalls.size()).isBetween(0.2, 0.6);
    assertThat(d.logs)
        .anyMatch(l -> l.service().equals("api") && l.severity() == 17 && l.timeMs() > at(s, 5));
  }

  @Test
  void aRolloutHaltsOnItsCanaryAndAVersionFaultStaysThere() throws Exception {
    Scenario s =
        world(
            """
            - at: 2m
              change: {kind: deploy, service: api, version: 2.1.0, rollout: 2m, instances: 1}
            - at: 5m
              fault: {kind: error_rate, service: api, version: 2.1.0, value: 0.9}
            """);
    Decoded d = Decoded.of(s);
    List<Decoded.SpanRow> late =
        d.spans.stream()
            .filter(r -> r.service().equals("api") && r.span().getKindValue() == 2)
            .filter(between(at(s, 10), at(s, 40)))
            .toList();
    assertThat(late)
        .filteredOn(r -> r.instance().equals("api-0"))
        .isNotEmpty()
        .allMatch(r -> r.version().equals("2.1.0"));
    assertThat(late)
        .filteredOn(r -> !r.instance().equals("api-0"))
        .isNotEmpty()
        .allMatch(r -> r.version().equals("2.0.0"))
        .noneMatch(GeneratorFaultScopeTest::failed);
    assertThat(late)
        .filteredOn(r -> r.instance().equals("api-0"))
        .anyMatch(GeneratorFaultScopeTest::failed);
  }

  @Test
  void aSlowDependencyIsSlowWithoutFailing() throws Exception {
    Scenario s =
        world("- at: 20m\n  fault: {kind: latency, service: api, dependency: db, value: 8}");
    Decoded d = Decoded.of(s);
    Predicate<Decoded.SpanRow> dbCalls = r -> r.service().equals("api") && callsTo(r, "db");
    double before = meanDurationMs(d, dbCalls.and(between(at(s, 5), at(s, 20))));
    double after = meanDurationMs(d, dbCalls.and(between(at(s, 22), at(s, 40))));
    assertThat(after / before).isBetween(5.0, 12.0);
    assertThat(d.spans).filteredOn(dbCalls).noneMatch(GeneratorFaultScopeTest::failed);
    double serverBefore =
        meanDurationMs(
            d,
            r ->
                r.service().equals("web")
                    && r.span().getKindValue() == 2
                    && inMinutes(s, r, 5, 20));
    double serverAfter =
        meanDurationMs(
            d,
            r ->
                r.service().equals("web")
                    && r.span().getKindValue() == 2
                    && inMinutes(s, r, 22, 40));
    assertThat(serverAfter).as("the callers get slower too").isGreaterThan(serverBefore * 1.5);
  }

  @Test
  void aChangeMayConcernSomethingOutsideTheTopology() throws Exception {
    Scenario s =
        world(
            """
            - at: 5m
              change: {kind: config, service: istio-control-plane, key: mtls.mode, old: PERMISSIVE, new: STRICT}
            - at: 6m
              change: {kind: deploy, service: platform-gateway, version: 1.2.0}
            """);
    assertThat(s.changes())
        .extracting(Scenario.Change::service)
        .containsExactly("istio-control-plane", "platform-gateway");
    Decoded d = Decoded.of(s);
    assertThat(d.changes)
        .extracting(c -> c.get("service"))
        .containsExactly("istio-control-plane", "platform-gateway");
  }

  private static boolean inMinutes(Scenario s, Decoded.SpanRow r, int from, int to) {
    return between(at(s, from), at(s, to)).test(r);
  }

  private static double meanDurationMs(Decoded d, Predicate<Decoded.SpanRow> which) {
    return d.spans.stream()
        .filter(which)
        .mapToDouble(r -> (r.span().getEndTimeUnixNano() - r.span().getStartTimeUnixNano()) / 1e6)
        .average()
        .orElseThrow();
  }
}
