package io.signalfold.ingest;

import static io.signalfold.ingest.OtlpFixtures.T0_MS;
import static io.signalfold.ingest.OtlpFixtures.attr;
import static io.signalfold.ingest.OtlpFixtures.cumulativeSum;
import static io.signalfold.ingest.OtlpFixtures.failed;
import static io.signalfold.ingest.OtlpFixtures.gauge;
import static io.signalfold.ingest.OtlpFixtures.log;
import static io.signalfold.ingest.OtlpFixtures.logs;
import static io.signalfold.ingest.OtlpFixtures.metrics;
import static io.signalfold.ingest.OtlpFixtures.point;
import static io.signalfold.ingest.OtlpFixtures.resource;
import static io.signalfold.ingest.OtlpFixtures.resourceSpans;
import static io.signalfold.ingest.OtlpFixtures.span;
import static io.signalfold.ingest.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.trace.v1.Span;
import io.signalfold.ingest.internal.OtlpJson;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.Severity;
import io.signalfold.testing.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole ingest stage on a MiniCluster (parallelism 2), reading bounded Kafka sources from the
 * in-process broker: metrics (otlp_proto), spans (otlp_proto), logs (otlp_json) and change events,
 * with bad records mixed in.
 */
class IngestStageITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final String METRICS = "it_metrics";
  private static final String SPANS = "it_spans";
  private static final String LOGS = "it_logs";
  private static final String CHANGES = "it_changes";

  /** Holds back one record (by offset) so the watermark passes its interval first. */
  static final class PauseBefore extends RichMapFunction<RawTelemetry, RawTelemetry> {
    private static final long serialVersionUID = 1L;
    private final long offset;

    PauseBefore(long offset) {
      this.offset = offset;
    }

    @Override
    public RawTelemetry map(RawTelemetry r) throws Exception {
      if (r.getOffset() == offset) {
        Thread.sleep(1500); // ordering only: several periodic watermark emissions happen meanwhile
      }
      return r;
    }
  }

  @Test
  void decodesAggregatesAndDeadLettersEverySignal() throws Exception {
    KAFKA.createTopics(1, METRICS, SPANS, LOGS, CHANGES);
    produceMetrics();
    produceSpans();
    produceLogs();
    produceChanges();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    // Every record and accumulator must use Flink's own or Avro serializers, never Kryo.
    env.configure(
        new org.apache.flink.configuration.Configuration()
            .set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false));
    KafkaTelemetrySources kafka =
        KafkaTelemetrySources.builder(KAFKA.bootstrapServers())
            .metricsTopic(METRICS)
            .spansTopic(SPANS)
            .logsTopic(LOGS)
            .changeEventsTopic(CHANGES)
            .groupId("ingest-it")
            .startingOffsets(OffsetsInitializer.earliest())
            .bounded(true)
            .build();
    IngestSources kafkaSources = IngestSources.fromKafka(env, kafka);
    IngestSources sources =
        IngestSources.builder()
            .metrics(kafkaSources.metrics().get())
            .logs(kafkaSources.logs().get())
            .changeEvents(kafkaSources.changeEvents().get())
            .spans(
                kafkaSources
                    .spans()
                    .get()
                    .map(new PauseBefore(2))
                    .name("pause before late span")
                    // Own task: the decoder's periodic watermarks keep running during the pause.
                    .disableChaining())
            .build();
    IngestConfig config =
        IngestConfig.builder()
            .topicEncoding(LOGS, TelemetryEncoding.OTLP_JSON)
            // The subtask without a partition must not hold the watermark back for long.
            .idleness(java.time.Duration.ofMillis(300))
            // Bounded: the subtask with the partition must not go idle before its first fetch.
            .firstRecordIdleness(java.time.Duration.ofSeconds(60))
            .build();
    IngestOutputs out = IngestStage.build(sources, config);

    CloseableIterator<MetricPoint> points = out.metricPoints().collectAsync();
    CloseableIterator<RedPoint> red = out.redPoints().collectAsync();
    CloseableIterator<CallEdge> edges = out.callEdges().collectAsync();
    CloseableIterator<LogSignal> logSignals = out.logSignals().collectAsync();
    CloseableIterator<ChangeEvent> changes = out.changeEvents().collectAsync();
    CloseableIterator<DeadLetter> dead = out.deadLetters().collectAsync();
    env.execute("ingest-it");

    assertMetricPoints(drain(points));
    assertRed(drain(red));
    assertEdges(drain(edges));
    assertLogSignals(drain(logSignals));
    assertChanges(drain(changes));
    assertDeadLetters(drain(dead));
  }

  private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
    List<T> all = new ArrayList<>();
    it.forEachRemaining(all::add);
    it.close();
    return all;
  }

  // ---- input ----

  private static void produceMetrics() throws Exception {
    byte[] first =
        metrics(
                resource("gateway", "gateway-0", "1.8.0"),
                gauge("process.cpu.utilization", point(T0_MS, 0, 0.4)),
                cumulativeSum("orders.placed", point(T0_MS, T0_MS - 5_000, 10)))
            .toByteArray();
    byte[] second =
        metrics(
                resource("gateway", "gateway-0", "1.8.0"),
                gauge(
                    "process.cpu.utilization",
                    point(T0_MS + 10_000, 0, Double.NaN, attr("state", "bad")),
                    point(T0_MS + 10_000, 0, 0.5)),
                cumulativeSum("orders.placed", point(T0_MS + 10_000, T0_MS - 5_000, 25)))
            .toByteArray();
    byte[] upgraded =
        metrics(
                resource("gateway", "gateway-0", "1.9.0"),
                gauge("process.cpu.utilization", point(T0_MS + 60_000, 0, 0.3)))
            .toByteArray();
    byte[] truncated = Arrays.copyOf(second, second.length - 9);
    byte[] json =
        OtlpJson.print(
            metrics(resource("gateway", "gateway-0", "1.8.0"), gauge("x", point(T0_MS, 0, 1))));
    // offsets: 0 first, 1 second, 2 truncated, 3 json-on-proto, 4 upgraded
    KAFKA.produce(METRICS, List.of(first, second, truncated, json, upgraded));
  }

  private static Span.Builder[] requests(long trace, long startMs, boolean fail, String robot) {
    long base = trace * 100;
    Span.Builder server =
        span(trace, base + 1, 0, "GET /bots", Span.SpanKind.SPAN_KIND_SERVER, startMs, 40)
            .addAttributes(attr("http.route", "/bots"))
            .addAttributes(attr("http.request.method", "GET"))
            .setTraceState("ot=th:8"); // sampled at 1/2: each span stands for 2
    Span.Builder client =
        span(trace, base + 2, base + 1, "GET", Span.SpanKind.SPAN_KIND_CLIENT, startMs + 1, 30)
            .addAttributes(attr("peer.service", "botforge"))
            .addAttributes(attr("http.request.method", "GET"))
            .setTraceState("ot=th:8");
    if (fail) {
      failed(server, "upstream failed").addAttributes(attr("robot.id", robot));
      failed(client, "");
    }
    return new Span.Builder[] {server, client};
  }

  private static void produceSpans() throws Exception {
    List<Span.Builder> gateway = new ArrayList<>();
    List<Span.Builder> botforge = new ArrayList<>();
    for (int t = 1; t <= 4; t++) {
      boolean fail = t >= 3;
      gateway.addAll(Arrays.asList(requests(t, T0_MS + t * 1000, fail, "r-" + t)));
      long base = t * 100L;
      Span.Builder server =
          span(
                  t,
                  base + 3,
                  base + 2,
                  "GET /forge/{id}",
                  Span.SpanKind.SPAN_KIND_SERVER,
                  T0_MS + t * 1000 + 2,
                  20)
              .addAttributes(attr("http.route", "/forge/{id}"))
              .setTraceState("ot=th:8");
      if (fail) {
        failed(server, "cannot deserialize cache record");
      }
      botforge.add(server);
      botforge.add(
          span(
                  t,
                  base + 4,
                  base + 3,
                  "GetItem",
                  Span.SpanKind.SPAN_KIND_CLIENT,
                  T0_MS + t * 1000 + 3,
                  4)
              .addAttributes(attr("db.system.name", "dynamodb"))
              .addAttributes(attr("peer.service", "robots-table"))
              .setTraceState("ot=th:8"));
    }
    byte[] first =
        traces(
                resourceSpans(
                    resource("gateway", "gateway-0", "1.8.0"),
                    gateway.toArray(new Span.Builder[0])),
                resourceSpans(
                    resource("botforge", "botforge-0", "2.4.0"),
                    botforge.toArray(new Span.Builder[0])))
            .toByteArray();
    byte[] later =
        traces(
                resourceSpans(
                    resource("gateway", "gateway-0", "1.9.0"),
                    span(
                            50,
                            5001,
                            0,
                            "GET /bots",
                            Span.SpanKind.SPAN_KIND_SERVER,
                            T0_MS + 100_000,
                            10)
                        .addAttributes(attr("http.route", "/bots"))))
            .toByteArray();
    byte[] late =
        traces(
                resourceSpans(
                    resource("gateway", "gateway-0", "1.8.0"),
                    span(
                        60,
                        6001,
                        0,
                        "GET /bots",
                        Span.SpanKind.SPAN_KIND_SERVER,
                        T0_MS + 5_000,
                        10)))
            .toByteArray();
    // offsets: 0 first, 1 later (moves the watermark), 2 late (paused, then too late)
    KAFKA.produce(SPANS, List.of(first, later, late));
  }

  private static void produceLogs() throws Exception {
    byte[] a =
        OtlpJson.print(
            logs(
                resource("gateway", "gateway-0", "1.8.0"),
                log(T0_MS + 1000, SeverityNumber.SEVERITY_NUMBER_INFO, "request served in 12 ms"),
                log(
                    T0_MS + 2000,
                    SeverityNumber.SEVERITY_NUMBER_ERROR,
                    "java.lang.IllegalStateException: cannot deserialize cache record key=17\n\tat a.B.c(B.java:1)"),
                log(
                    T0_MS + 2001,
                    SeverityNumber.SEVERITY_NUMBER_ERROR,
                    "\tat com.example.Cache.get(Cache.java:42)"),
                log(
                    T0_MS + 3000,
                    SeverityNumber.SEVERITY_NUMBER_ERROR,
                    "java.lang.IllegalStateException: cannot deserialize cache record key=18")));
    byte[] protoOnJsonTopic =
        logs(
                resource("gateway", "gateway-0", "1.8.0"),
                log(T0_MS, SeverityNumber.SEVERITY_NUMBER_INFO, "x"))
            .toByteArray();
    KAFKA.produce(LOGS, List.of(a, protoOnJsonTopic));
  }

  private static void produceChanges() throws Exception {
    String deploy =
        "{\"id\":\"chg-1\",\"kind\":\"deploy\",\"time\":\"2026-03-02T00:00:30Z\",\"service\":\"botforge\",\"version\":\"2.4.1\",\"previous_version\":\"2.4.0\",\"rollout\":\"5m\",\"source\":\"github-actions\",\"attributes\":{}}";
    String unknown = "{\"kind\":\"earthquake\",\"time\":\"2026-03-02T00:00:30Z\"}";
    KAFKA.produce(
        CHANGES,
        List.of(deploy.getBytes(StandardCharsets.UTF_8), unknown.getBytes(StandardCharsets.UTF_8)));
  }

  // ---- assertions ----

  private static void assertMetricPoints(List<MetricPoint> points) {
    assertThat(points)
        .filteredOn(p -> p.getName().equals("process.cpu.utilization"))
        .extracting(MetricPoint::getValue)
        .containsExactlyInAnyOrder(0.4, 0.5, 0.3);
    List<MetricPoint> orders =
        points.stream()
            .filter(p -> p.getName().equals("orders.placed"))
            .sorted(java.util.Comparator.comparing(MetricPoint::getTimestampMs))
            .toList();
    assertThat(orders).extracting(MetricPoint::getValue).containsExactly(10.0, 15.0);
    assertThat(orders.get(0).getRate()).isEqualTo(2.0);
    assertThat(orders.get(1).getRate()).isEqualTo(1.5);
    assertThat(points)
        .allSatisfy(p -> assertThat(p.getResource().getService()).isEqualTo("gateway"));
    assertThat(points).hasSize(5);
  }

  private static void assertRed(List<RedPoint> red) {
    RedPoint bots =
        one(
            red,
            p ->
                p.getService().equals("gateway")
                    && p.getOperation().equals("GET /bots")
                    && p.getIntervalStartMs() == T0_MS);
    assertThat(bots.getIntervalEndMs()).isEqualTo(T0_MS + 30_000);
    assertThat(bots.getRequests()).as("4 sampled spans at p=1/2").isEqualTo(8.0);
    assertThat(bots.getErrors()).isEqualTo(4.0);
    assertThat(bots.getP50Ms()).isCloseTo(40.0, within(40.0 * 0.05));
    assertThat(bots.getErrorTraceIds()).hasSize(2);
    assertThat(bots.getErrorMessages()).containsEntry("upstream failed", 4.0);
    HllSketch robots = HllSketch.heapify(Memory.wrap(bots.getImpact().get("robot.id").array()));
    assertThat(robots.getEstimate()).isCloseTo(2.0, within(0.01));

    RedPoint rollup =
        one(
            red,
            p ->
                p.getService().equals("botforge")
                    && p.getOperation().equals("*")
                    && p.getResource().getInstance() == null
                    && p.getIntervalStartMs() == T0_MS);
    assertThat(rollup.getRequests()).isEqualTo(8.0);
    assertThat(rollup.getErrors()).isEqualTo(4.0);
    RedPoint perInstance =
        one(
            red,
            p ->
                p.getService().equals("botforge")
                    && p.getOperation().equals("*")
                    && "botforge-0".equals(p.getResource().getInstance()));
    assertThat(perInstance.getResource().getServiceVersion()).isEqualTo("2.4.0");
    assertThat(perInstance.getResource().getZone()).isEqualTo("az-1");

    RedPoint dynamo =
        one(red, p -> p.getService().equals("botforge") && "robots-table".equals(p.getPeer()));
    assertThat(dynamo.getPeerKind()).isEqualTo(DependencyKind.DATABASE);
    assertThat(dynamo.getPeerSystem()).isEqualTo("dynamodb");

    // The on-time span at T0+100s has its own interval; the late one is not in any point.
    RedPoint later =
        one(
            red,
            p ->
                p.getService().equals("gateway")
                    && p.getOperation().equals("GET /bots")
                    && p.getIntervalStartMs() == T0_MS + 90_000);
    assertThat(later.getRequests()).isEqualTo(1.0);
  }

  private static void assertEdges(List<CallEdge> edges) {
    CallEdge service =
        one(edges, e -> e.getCaller().equals("gateway") && e.getCallee().equals("botforge"));
    assertThat(service.getResolution()).isEqualTo(EdgeResolution.PARENT_CHILD);
    assertThat(service.getCalleeKind()).isEqualTo(DependencyKind.SERVICE);
    assertThat(service.getCalleeOperation()).isEqualTo("GET /forge/{id}");
    assertThat(service.getCalls()).isEqualTo(8.0);
    assertThat(service.getErrors()).isEqualTo(4.0);
    CallEdge db = one(edges, e -> e.getCaller().equals("botforge"));
    assertThat(db.getCallee()).isEqualTo("robots-table");
    assertThat(db.getCalleeKind()).isEqualTo(DependencyKind.DATABASE);
    assertThat(db.getResolution()).isEqualTo(EdgeResolution.PEER_ATTRIBUTE);
    assertThat(db.getCalls()).isEqualTo(8.0);
  }

  private static void assertLogSignals(List<LogSignal> signals) {
    LogSignal errors =
        one(
            signals,
            s ->
                s.getKind() == LogSignalKind.SEVERITY_COUNT
                    && s.getSeverity() == Severity.ERROR
                    && s.getResource().getInstance() == null);
    assertThat(errors.getCount()).as("the continuation line is folded").isEqualTo(2);
    LogSignal template =
        one(
            signals,
            s -> s.getKind() == LogSignalKind.TEMPLATE_COUNT && s.getSeverity() == Severity.ERROR);
    assertThat(template.getTemplate())
        .isEqualTo("java.lang.IllegalStateException: cannot deserialize cache record key=<*>");
    assertThat(template.getCount()).isEqualTo(2);
    assertThat(template.getNewTemplate()).isTrue();
    assertThat(template.getTemplateId()).startsWith("tpl-");
  }

  private static void assertChanges(List<ChangeEvent> changes) {
    ChangeEvent reported = one(changes, c -> "chg-1".equals(c.getId()));
    assertThat(reported.getRolloutEndMs()).isEqualTo(T0_MS + 30_000 + 300_000);
    ChangeEvent derived = one(changes, ChangeEvent::getDerived);
    assertThat(derived.getService()).isEqualTo("gateway");
    assertThat(derived.getPreviousVersion()).isEqualTo("1.8.0");
    assertThat(derived.getVersion()).isEqualTo("1.9.0");
    assertThat(derived.getTimestampMs()).isEqualTo(T0_MS + 60_000);
    assertThat(changes).hasSize(2);
  }

  private static void assertDeadLetters(List<DeadLetter> dead) {
    assertThat(dead)
        .extracting(d -> d.getSourceTopic() + "@" + d.getSourceOffset() + ":" + d.getReason())
        .containsExactlyInAnyOrder(
            METRICS + "@1:" + DeadLetterReason.NON_FINITE_VALUE,
            METRICS + "@2:" + DeadLetterReason.MALFORMED_PROTOBUF,
            METRICS + "@3:" + DeadLetterReason.WRONG_ENCODING,
            SPANS + "@2:" + DeadLetterReason.TOO_LATE,
            LOGS + "@1:" + DeadLetterReason.WRONG_ENCODING,
            CHANGES + "@1:" + DeadLetterReason.UNKNOWN_KIND);
    assertThat(dead).allSatisfy(d -> assertThat(d.getDetail()).isNotBlank());
  }

  private static <T> T one(List<T> all, java.util.function.Predicate<T> p) {
    List<T> found = all.stream().filter(p).toList();
    assertThat(found).as("exactly one match in %s", all).hasSize(1);
    return found.get(0);
  }
}
