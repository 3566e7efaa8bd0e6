package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.internal.ChangeEventParser;
import io.signalfold.ingest.internal.DecodeSink;
import io.signalfold.ingest.internal.SamplingThreshold;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DeadLetterReason;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TelemetryGeneratorTest {

  static Scenario small() throws Exception {
    try (InputStream in =
        TelemetryGeneratorTest.class.getResourceAsStream("/generator/small.yaml")) {
      return Scenario.parse("small.yaml", in);
    }
  }

  static Scenario file(String name) {
    return Scenario.load(Path.of("scenarios", name + ".yaml")).withHistory(Duration.ofMinutes(30));
  }

  static String sha(Scenario s) {
    CountingTelemetryWriter w = new CountingTelemetryWriter(true);
    TelemetryGenerator.create(s).generate(w);
    return w.sha256();
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
    Scenario s = small();
    String a = sha(s);
    assertThat(sha(s)).isEqualTo(a);
    assertThat(sha(Scenario.load(Path.of("src/test/resources/generator/small.yaml")))).isEqualTo(a);
    assertThat(sha(s.withSeed(4))).isNotEqualTo(a);
  }

  @Test
  void traceStateCarriesTheWeight() {
    for (double w : new double[] {1, 2, 3.7, 17, 1000, 123_456.5}) {
      String ts = TelemetryGenerator.traceState(w);
      assertThat(ts).startsWith("ot=th:").doesNotEndWith("0:");
      assertThat(SamplingThreshold.adjustedCount(ts)).as(ts).isCloseTo(w, within(w * 1e-9));
    }
    assertThat(TelemetryGenerator.traceState(2)).isEqualTo("ot=th:8");
  }

  @Test
  void everyChangeKindParsesWithTheIngestContract() throws Exception {
    String yaml =
        new String(
                TelemetryGeneratorTest.class
                    .getResourceAsStream("/generator/small.yaml")
                    .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8)
            .replace(
                "  - at: 12m\n",
                """
                  - at: 1m
                    change: {kind: config, service: api, key: pool.size, old: "50", new: "5", actor: carol}
                  - at: 2m
                    change: {kind: scale, service: api, replicas: 3, actor: hpa}
                  - at: 3m
                    change: {kind: manual_session, service: api, actor: alice, host: api-1, description: ssh}
                  - at: 4m
                    change: {kind: permission, service: store, resource: store-db, effect: deny}
                  - at: 5m
                    change: {kind: feature_flag, service: gateway, key: new-ui, old: "off", new: "on"}
                  - at: 6m
                    change: {kind: planned_activity, service: gateway, start: 6m, end: 16m, description: load test}
                  - at: 7m
                    change: {kind: merge, service: gateway, commit: c0ffee1}
                  - at: 8m
                    change: {kind: rollback, service: api, version: 1.9.0, rollout: 1m}
                  - at: 12m
                """);
    Scenario s =
        Scenario.parse(
            "kinds.yaml",
            new java.io.ByteArrayInputStream(
                yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    MemoryTelemetryWriter w = new MemoryTelemetryWriter();
    TelemetryGenerator.create(s).generate(w);
    ChangeEventParser parser = new ChangeEventParser(IngestConfig.defaults());
    List<ChangeEvent> parsed = new ArrayList<>();
    List<String> rejects = new ArrayList<>();
    long previous = Long.MIN_VALUE;
    for (MemoryTelemetryWriter.Record r : w.records("change-events")) {
      assertThat(r.timestampMs()).isGreaterThanOrEqualTo(previous);
      previous = r.timestampMs();
      parser.parse(r.value(), r.timestampMs(), sink(parsed, rejects));
    }
    assertThat(rejects).isEmpty();
    Set<ChangeKind> kinds = new HashSet<>();
    parsed.forEach(c -> kinds.add(c.getKind()));
    assertThat(kinds).containsExactlyInAnyOrder(ChangeKind.values());
    ChangeEvent scale =
        parsed.stream().filter(c -> c.getKind() == ChangeKind.SCALE).findFirst().orElseThrow();
    assertThat(scale.getReplicas()).isEqualTo(3);
    ChangeEvent session =
        parsed.stream()
            .filter(c -> c.getKind() == ChangeKind.MANUAL_SESSION)
            .findFirst()
            .orElseThrow();
    assertThat(String.valueOf(session.getInstance())).isEqualTo("api-1");
    ChangeEvent planned =
        parsed.stream()
            .filter(c -> c.getKind() == ChangeKind.PLANNED_ACTIVITY)
            .findFirst()
            .orElseThrow();
    assertThat(planned.getActivityStartMs())
        .isEqualTo(s.t0().plus(Duration.ofMinutes(6)).toEpochMilli());
    assertThat(planned.getActivityEndMs())
        .isEqualTo(s.t0().plus(Duration.ofMinutes(16)).toEpochMilli());
    ChangeEvent rollback =
        parsed.stream().filter(c -> c.getKind() == ChangeKind.ROLLBACK).findFirst().orElseThrow();
    assertThat(String.valueOf(rollback.getPreviousVersion())).isEqualTo("2.0.0");
    assertThat(rollback.getRolloutEndMs())
        .isEqualTo(s.t0().plus(Duration.ofMinutes(9)).toEpochMilli());
    // scaled to 3: a third api instance appears after 2m
    Decoded d = Decoded.of(w);
    assertThat(d.points).anyMatch(p -> "api-2".equals(p.instance()));
    assertThat(d.points)
        .filteredOn(p -> "api-2".equals(p.instance()))
        .allMatch(p -> p.timeMs() > s.t0().plus(Duration.ofMinutes(2)).toEpochMilli());
  }

  private static <T> DecodeSink<T> sink(List<T> out, List<String> rejects) {
    return new DecodeSink<>() {
      @Override
      public void emit(T item) {
        out.add(item);
      }

      @Override
      public void reject(DeadLetterReason reason, String detail, byte[] payload) {
        rejects.add(reason + ": " + detail);
      }
    };
  }

  @Test
  void deploySwitchesVersionsOneByOne() throws Exception {
    Scenario s = small();
    Decoded d = Decoded.of(s);
    long deploy = s.t0().plus(Duration.ofMinutes(10)).toEpochMilli();
    long done = deploy + 120_000;
    for (String inst : List.of("store-0", "store-1")) {
      List<Decoded.SpanRow> rows = d.spans.stream().filter(r -> inst.equals(r.instance())).toList();
      assertThat(rows)
          .filteredOn(r -> r.span().getStartTimeUnixNano() / 1_000_000 < deploy)
          .allMatch(r -> r.version().equals("1.0.0"));
      assertThat(rows)
          .filteredOn(r -> r.span().getStartTimeUnixNano() / 1_000_000 >= done + 10_000)
          .allMatch(r -> r.version().equals("1.1.0"));
    }
    long firstNew0 =
        d.points.stream()
            .filter(p -> "store-0".equals(p.instance()))
            .filter(p -> true)
            .mapToLong(Decoded.PointRow::timeMs)
            .filter(t -> t > deploy)
            .min()
            .orElseThrow();
    assertThat(firstNew0).isGreaterThan(deploy);
  }

  @Test
  void scaledToZeroGoesSilentAndCallersFailWithoutServerSpans() throws Exception {
    Scenario s = file("service-scaled-to-zero");
    Decoded d = Decoded.of(s);
    long from = s.t0().plus(Duration.ofMinutes(31)).toEpochMilli();
    long to = s.t0().plus(Duration.ofMinutes(79)).toEpochMilli();
    assertThat(d.spans)
        .filteredOn(r -> r.service().equals("checkout") && inWindow(r, from, to))
        .isEmpty();
    assertThat(d.points)
        .filteredOn(p -> p.service().equals("checkout") && p.timeMs() > from && p.timeMs() < to)
        .isEmpty();
    List<Decoded.SpanRow> calls =
        d.spans.stream()
            .filter(
                r ->
                    r.service().equals("storefront")
                        && "checkout".equals(Decoded.attr(r.span(), "peer.service"))
                        && inWindow(r, from, to))
            .toList();
    assertThat(calls).isNotEmpty().allMatch(r -> r.span().getStatus().getCodeValue() == 2);
    assertThat(d.spans)
        .filteredOn(
            r ->
                r.service().equals("checkout")
                    && r.span().getStartTimeUnixNano() / 1_000_000 > to + 120_000)
        .isNotEmpty();
  }

  private static boolean inWindow(Decoded.SpanRow r, long from, long to) {
    long ms = r.span().getStartTimeUnixNano() / 1_000_000;
    return ms >= from && ms < to;
  }

  private static double max(
      Decoded d, String metric, String instance, String container, long from, long to) {
    return d.points.stream()
        .filter(
            p ->
                p.metric().equals(metric)
                    && (instance == null || instance.equals(p.instance()))
                    && (container == null || container.equals(p.container()))
                    && p.timeMs() >= from
                    && p.timeMs() < to)
        .mapToDouble(Decoded.PointRow::value)
        .max()
        .orElse(Double.NaN);
  }

  @Test
  void resourceFaultsMoveTheirGauges() throws Exception {
    Scenario loop = file("bad-host-restart-loop");
    Decoded d = Decoded.of(loop);
    long t0 = loop.t0().toEpochMilli();
    long end = loop.end().toEpochMilli();
    assertThat(max(d, "k8s.container.restarts", "inventory-1", null, t0, end))
        .isGreaterThanOrEqualTo(20);
    assertThat(max(d, "k8s.container.restarts", "inventory-0", null, t0, end)).isZero();
    assertThat(d.logs)
        .anyMatch(
            l ->
                l.instance().equals("inventory-1")
                    && l.severity() == 17
                    && l.body().startsWith("Application run failed"));
    assertThat(d.logs)
        .noneMatch(
            l ->
                l.instance().equals("inventory-0")
                    && l.body().startsWith("Application run failed"));

    Scenario leak = file("sidecar-memory-leak");
    d = Decoded.of(leak);
    long t = leak.t0().toEpochMilli();
    double before = max(d, "process.memory.usage", "cart-0", "envoy", t, t + 600_000);
    double later =
        max(
            d,
            "process.memory.usage",
            "cart-0",
            "envoy",
            t + 3 * 3_600_000L,
            t + 3 * 3_600_000L + 600_000);
    assertThat(later).isGreaterThan(before * 2);
    assertThat(
            max(
                d,
                "process.memory.usage",
                "cart-0",
                "app",
                t + 3 * 3_600_000L,
                t + 3 * 3_600_000L + 600_000))
        .isLessThan(before * 1.5 * 4);
    assertThat(max(d, "k8s.container.restarts", "cart-0", "envoy", t, leak.end().toEpochMilli()))
        .isEqualTo(1);

    Scenario disk = file("disk-fill-reports");
    d = Decoded.of(disk);
    t = disk.t0().toEpochMilli();
    assertThat(max(d, "system.filesystem.utilization", "reports-0", null, t, t + 3_600_000))
        .isLessThan(0.5);
    assertThat(
            max(
                d,
                "system.filesystem.utilization",
                "reports-0",
                null,
                t + 8 * 3_600_000L,
                t + 9 * 3_600_000L))
        .isGreaterThan(0.97);

    Scenario surge = file("traffic-surge");
    d = Decoded.of(surge);
    t = surge.t0().toEpochMilli();
    assertThat(max(d, "process.cpu.utilization", "api-0", null, t + 35 * 60_000L, t + 65 * 60_000L))
        .isGreaterThan(0.9);
    assertThat(max(d, "process.cpu.utilization", "api-0", null, t, t + 25 * 60_000L))
        .isLessThan(0.8);
  }

  @Test
  void throttlingShowsAsSpanEventsAndLogPatternsAsLogs() throws Exception {
    Scenario s = file("ledger-throttling-slo-burn");
    Decoded d = Decoded.of(s);
    assertThat(d.spans)
        .anyMatch(
            r ->
                r.span().getEventsList().stream().anyMatch(e -> e.getName().equals("throttled"))
                    && "ledger-table".equals(Decoded.attr(r.span(), "peer.service")));
    Scenario pool = file("config-pool-exhaustion");
    d = Decoded.of(pool);
    assertThat(d.logs)
        .filteredOn(
            l ->
                l.service().equals("catalog")
                    && l.body().startsWith("timeout acquiring connection"))
        .hasSizeGreaterThan(1000);
  }

  /** Routine log lines and CPU do not change with the export interval (1 m history, 10 s live). */
  @Test
  void routineLogRateAndCpuDoNotJumpAtTheResolutionSwitch() throws Exception {
    Scenario s = small().withHistory(Duration.ofHours(3));
    Decoded d = Decoded.of(s);
    long t0 = s.t0().toEpochMilli();
    long window = 10 * 60_000L; // before the deploy and the fault (10 m after T0)
    double instances = 6;
    double before =
        d.logs.stream()
                .filter(
                    l -> l.severity() == 9 && l.timeMs() >= t0 - 3 * 3_600_000L && l.timeMs() < t0)
                .count()
            / (instances * 3 * 3600.0);
    double after =
        d.logs.stream()
                .filter(l -> l.severity() == 9 && l.timeMs() >= t0 && l.timeMs() < t0 + window)
                .count()
            / (instances * window / 1000.0);
    assertThat(before).isCloseTo(TelemetryGenerator.ROUTINE_LOGS_PER_S, within(0.005));
    assertThat(after).isCloseTo(TelemetryGenerator.ROUTINE_LOGS_PER_S, within(0.01));
    // sampled SERVER spans per stratum and 30 s band: the same before and after T0
    for (long from : new long[] {t0 - window, t0}) {
      long spansOk =
          d.spans.stream()
              .filter(
                  r ->
                      r.instance().equals("gateway-0")
                          && r.span().getName().equals("GET /items")
                          && r.span().getKind()
                              == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER
                          && !r.span().hasStatus()
                          && r.span().getStartTimeUnixNano() / 1_000_000L >= from
                          && r.span().getStartTimeUnixNano() / 1_000_000L < from + window)
              .count();
      assertThat(spansOk).as("from %d", from).isEqualTo(window / 30_000L);
    }
    double cpuBefore = mean(d, "process.cpu.utilization", "gateway-0", t0 - window, t0);
    double cpuAfter = mean(d, "process.cpu.utilization", "gateway-0", t0, t0 + window);
    assertThat(cpuAfter).isCloseTo(cpuBefore, within(0.05));
  }

  private static double mean(Decoded d, String metric, String instance, long from, long to) {
    return d.points.stream()
        .filter(
            p ->
                p.metric().equals(metric)
                    && instance.equals(p.instance())
                    && p.timeMs() >= from
                    && p.timeMs() < to)
        .mapToDouble(Decoded.PointRow::value)
        .average()
        .orElse(Double.NaN);
  }

  /** The weekend level is reached through a smooth ramp, never a step at midnight. */
  @Test
  void weekendTrafficRampsInsteadOfSteppingAtMidnight() {
    long saturday = java.time.Instant.parse("2026-03-07T00:00:00Z").toEpochMilli();
    long monday = java.time.Instant.parse("2026-03-09T00:00:00Z").toEpochMilli();
    assertThat(TelemetryGenerator.weekendWeight(saturday - 7 * 3_600_000L)).isZero();
    assertThat(TelemetryGenerator.weekendWeight(saturday)).isCloseTo(0.5, within(1e-9));
    assertThat(TelemetryGenerator.weekendWeight(saturday + 7 * 3_600_000L)).isEqualTo(1.0);
    assertThat(TelemetryGenerator.weekendWeight(monday)).isCloseTo(0.5, within(1e-9));
    assertThat(TelemetryGenerator.weekendWeight(monday + 7 * 3_600_000L)).isZero();
    for (long t = saturday - 8 * 3_600_000L; t < monday + 8 * 3_600_000L; t += 60_000) {
      double step =
          Math.abs(
              TelemetryGenerator.weekendWeight(t + 60_000) - TelemetryGenerator.weekendWeight(t));
      assertThat(step).as("change per minute at %d", t).isLessThan(0.005);
    }
  }
}
