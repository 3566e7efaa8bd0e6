package io.signalfold.ingest.internal;

import static io.signalfold.ingest.OtlpFixtures.T0_MS;
import static io.signalfold.ingest.OtlpFixtures.attr;
import static io.signalfold.ingest.OtlpFixtures.cumulativeSum;
import static io.signalfold.ingest.OtlpFixtures.gauge;
import static io.signalfold.ingest.OtlpFixtures.metrics;
import static io.signalfold.ingest.OtlpFixtures.nanos;
import static io.signalfold.ingest.OtlpFixtures.point;
import static io.signalfold.ingest.OtlpFixtures.resource;
import static io.signalfold.ingest.OtlpFixtures.resourceSpans;
import static io.signalfold.ingest.OtlpFixtures.span;
import static io.signalfold.ingest.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import io.signalfold.ingest.CollectingSink;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.Severity;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Operator-harness tests of the keyed state: behaviour, snapshot/restore, cleanup to zero. */
class KeyedOperatorsTest {

  private static final IngestConfig CONFIG =
      IngestConfig.builder()
          .maxSeriesPerMetricPerService(2)
          .seriesIdleTimeout(Duration.ofMinutes(10))
          .edgeMatchWindow(Duration.ofSeconds(15))
          .versionTtl(Duration.ofHours(1))
          .templateTtl(Duration.ofHours(1))
          .build();

  private static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harness(
      KeyedProcessFunction<String, IN, OUT> fn, KeySelector<IN, String> key) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(fn), key, Types.STRING);
    h.open();
    return h;
  }

  private static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> restore(
      KeyedProcessFunction<String, IN, OUT> fn, KeySelector<IN, String> key, OperatorSubtaskState s)
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(fn), key, Types.STRING);
    h.initializeState(s);
    h.open();
    return h;
  }

  private static List<DecodedMetric> decodeMetrics(Metric... m) {
    CollectingSink<DecodedMetric> sink = new CollectingSink<>();
    new MetricDecoder(CONFIG)
        .decode(metrics(resource("checkout", "checkout-0", "1.0"), m), T0_MS + 3_600_000L, sink);
    assertThat(sink.rejections).isEmpty();
    return sink.items;
  }

  private static DecodedMetric counter(long timeMs, long startMs, double value) {
    return decodeMetrics(cumulativeSum("orders.placed", point(timeMs, startMs, value))).get(0);
  }

  @Test
  void cumulativeSumsBecomeDeltasWithRatesResetsAndCleanup() throws Exception {
    var h = harness(new CumulativeToDeltaFunction(CONFIG), DecodedMetric::getIdentityKey);
    // An old start: this first point only sets the baseline.
    h.processElement(counter(T0_MS, T0_MS - 3_600_000L, 100), T0_MS);
    assertThat(h.extractOutputValues()).isEmpty();
    h.processElement(counter(T0_MS + 10_000, T0_MS - 3_600_000L, 160), T0_MS + 10_000);
    // A duplicate (not newer) is not counted twice.
    h.processElement(counter(T0_MS + 10_000, T0_MS - 3_600_000L, 160), T0_MS + 10_000);
    List<DecodedMetric> out = h.extractOutputValues();
    assertThat(out).hasSize(1);
    MetricPoint delta = out.get(0).point;
    assertThat(delta.getValue()).isEqualTo(60.0);
    assertThat(delta.getRate()).isEqualTo(6.0);
    assertThat(delta.getStartTimestampMs()).isEqualTo(T0_MS);
    assertThat(delta.getCounterReset()).isFalse();

    OperatorSubtaskState snapshot = h.snapshot(1, T0_MS + 10_000);
    h.close();
    var restored =
        restore(new CumulativeToDeltaFunction(CONFIG), DecodedMetric::getIdentityKey, snapshot);
    // The process restarted at T0+15s: the value fell and the start moved.
    restored.processElement(counter(T0_MS + 20_000, T0_MS + 15_000, 7), T0_MS + 20_000);
    MetricPoint reset = restored.extractOutputValues().get(0).point;
    assertThat(reset.getCounterReset()).isTrue();
    assertThat(reset.getValue()).isEqualTo(7.0);
    assertThat(reset.getStartTimestampMs()).isEqualTo(T0_MS + 15_000);
    assertThat(reset.getRate()).isEqualTo(1.4);
    assertThat(restored.numKeyedStateEntries()).isEqualTo(1);

    restored.processWatermark(new Watermark(T0_MS + 20_000 + Duration.ofMinutes(12).toMillis()));
    assertThat(restored.numKeyedStateEntries()).isZero();
    assertThat(restored.numEventTimeTimers()).isZero();
    restored.close();
  }

  @Test
  void firstCumulativePointWithARecentStartIsADelta() throws Exception {
    var h = harness(new CumulativeToDeltaFunction(CONFIG), DecodedMetric::getIdentityKey);
    h.processElement(counter(T0_MS + 30_000, T0_MS, 12), T0_MS + 30_000);
    MetricPoint p = h.extractOutputValues().get(0).point;
    assertThat(p.getValue()).isEqualTo(12.0);
    assertThat(p.getRate()).isEqualTo(0.4);
    h.close();
  }

  private static Metric cumulativeHistogram(long timeMs, long... counts) {
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder()
            .setTimeUnixNano(nanos(timeMs))
            .setStartTimeUnixNano(nanos(T0_MS - 60_000))
            .addAllExplicitBounds(List.of(0.1, 1.0))
            .setSum(counts[0] * 0.05 + counts[1] * 0.5 + counts[2] * 2.0);
    long total = 0;
    for (long c : counts) {
      p.addBucketCounts(c);
      total += c;
    }
    p.setCount(total);
    return Metric.newBuilder()
        .setName("http.server.request.duration")
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(p))
        .build();
  }

  @Test
  void cumulativeHistogramsBecomeDeltaBuckets() throws Exception {
    var h = harness(new CumulativeToDeltaFunction(CONFIG), DecodedMetric::getIdentityKey);
    h.processElement(decodeMetrics(cumulativeHistogram(T0_MS, 10, 5, 1)).get(0), T0_MS);
    h.processElement(
        decodeMetrics(cumulativeHistogram(T0_MS + 10_000, 14, 9, 3)).get(0), T0_MS + 10_000);
    List<DecodedMetric> out = h.extractOutputValues();
    MetricPoint d = out.get(out.size() - 1).point;
    assertThat(d.getHistogram().getExplicitCounts()).containsExactly(4L, 4L, 2L);
    assertThat(d.getValue()).isEqualTo(10.0);
    assertThat(d.getHistogram().getSum())
        .isCloseTo(0.2 + 2.0 + 4.0, org.assertj.core.api.Assertions.within(1e-9));
    h.close();
  }

  @Test
  void seriesBeyondTheCapGoToTheOverflowSeriesAndIdleSeriesAreForgotten() throws Exception {
    var h = harness(new SeriesCapFunction(CONFIG), DecodedMetric::getCapKey);
    for (String q : new String[] {"a", "b", "c", "a"}) {
      DecodedMetric m =
          decodeMetrics(gauge("queue.depth", point(T0_MS, 0, 1, attr("queue", q)))).get(0);
      h.processElement(m, T0_MS);
    }
    List<MetricPoint> out = h.extractOutputValues();
    assertThat(out).hasSize(4);
    assertThat(out)
        .filteredOn(MetricPoint::getOverflow)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getAttributes())
                  .containsExactly(java.util.Map.entry("otel.metric.overflow", "true"));
              assertThat(p.getSeriesId())
                  .isEqualTo("queue.depth|checkout/checkout-0|otel.metric.overflow=true");
            });
    assertThat(out.get(3).getOverflow()).as("a known series keeps its id").isFalse();

    OperatorSubtaskState snapshot = h.snapshot(1, T0_MS);
    h.close();
    var restored = restore(new SeriesCapFunction(CONFIG), DecodedMetric::getCapKey, snapshot);
    assertThat(restored.numKeyedStateEntries()).isEqualTo(3); // series map, count, timer
    // After the idle time-out a new series fits again.
    long later = T0_MS + Duration.ofMinutes(11).toMillis();
    restored.processElement(
        decodeMetrics(gauge("queue.depth", point(later, 0, 1, attr("queue", "c")))).get(0), later);
    assertThat(restored.extractOutputValues().get(0).getOverflow()).isFalse();
    restored.processWatermark(new Watermark(later + Duration.ofMinutes(20).toMillis()));
    assertThat(restored.numKeyedStateEntries()).isZero();
    assertThat(restored.numEventTimeTimers()).isZero();
    restored.close();
  }

  private static List<SpanRecord> spans(String service, Span.Builder... spans) {
    CollectingSink<SpanRecord> sink = new CollectingSink<>();
    new SpanDecoder(CONFIG)
        .decode(
            traces(resourceSpans(resource(service, service + "-0", "1.0"), spans)),
            T0_MS + 60_000,
            sink);
    return sink.items;
  }

  @Test
  void clientAndServerSpansMatchAcrossServicesInEitherOrder() throws Exception {
    var h = harness(new EdgeMatcher(CONFIG), SpanRecord::getTraceId);
    SpanRecord client =
        spans(
                "gateway",
                span(1, 11, 10, "GET", Span.SpanKind.SPAN_KIND_CLIENT, T0_MS, 30)
                    .addAttributes(attr("http.request.method", "GET")))
            .get(0);
    SpanRecord server =
        spans(
                "botforge",
                span(1, 12, 11, "GET /forge/{id}", Span.SpanKind.SPAN_KIND_SERVER, T0_MS + 1, 20))
            .get(0);
    h.processElement(client, client.startMs);
    assertThat(h.extractOutputValues()).isEmpty();
    h.processElement(server, server.startMs);
    // Second trace: the server span arrives first.
    SpanRecord client2 =
        spans("gateway", span(2, 21, 0, "GET", Span.SpanKind.SPAN_KIND_CLIENT, T0_MS + 5, 30))
            .get(0);
    SpanRecord server2 =
        spans(
                "botforge",
                span(2, 22, 21, "GET /forge/{id}", Span.SpanKind.SPAN_KIND_SERVER, T0_MS + 6, 20))
            .get(0);
    h.processElement(server2, server2.startMs);
    h.processElement(client2, client2.startMs);
    List<EdgeObservation> edges = h.extractOutputValues();
    assertThat(edges)
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.caller).isEqualTo("gateway");
              assertThat(e.callee).isEqualTo("botforge");
              assertThat(e.calleeOperation).isEqualTo("GET /forge/{id}");
              assertThat(e.calleeKind).isEqualTo(DependencyKind.SERVICE);
              assertThat(e.resolution).isEqualTo(EdgeResolution.PARENT_CHILD);
            });
    assertThat(h.numKeyedStateEntries())
        .as("matched spans leave no state behind")
        .isLessThanOrEqualTo(2);
    h.processWatermark(new Watermark(T0_MS + 20_000));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void dependenciesAndUnmatchedClientsResolveByAttributesAfterSnapshotRestore() throws Exception {
    var h = harness(new EdgeMatcher(CONFIG), SpanRecord::getTraceId);
    SpanRecord db =
        spans(
                "botforge",
                span(3, 31, 30, "GetItem", Span.SpanKind.SPAN_KIND_CLIENT, T0_MS, 4)
                    .addAttributes(attr("db.system.name", "dynamodb"))
                    .addAttributes(attr("peer.service", "robots-table")))
            .get(0);
    SpanRecord http =
        spans(
                "botforge",
                span(3, 32, 30, "POST", Span.SpanKind.SPAN_KIND_CLIENT, T0_MS, 9)
                    .addAttributes(attr("http.request.method", "POST"))
                    .addAttributes(attr("server.address", "api.partner.example")))
            .get(0);
    h.processElement(db, db.startMs);
    h.processElement(http, http.startMs);
    List<EdgeObservation> immediate = h.extractOutputValues();
    assertThat(immediate)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.callee).isEqualTo("robots-table");
              assertThat(e.calleeKind).isEqualTo(DependencyKind.DATABASE);
              assertThat(e.calleeSystem).isEqualTo("dynamodb");
              assertThat(e.resolution).isEqualTo(EdgeResolution.PEER_ATTRIBUTE);
            });
    OperatorSubtaskState snapshot = h.snapshot(1, T0_MS);
    h.close();
    var restored = restore(new EdgeMatcher(CONFIG), SpanRecord::getTraceId, snapshot);
    restored.processWatermark(new Watermark(T0_MS + 15_000));
    assertThat(restored.extractOutputValues())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.callee).isEqualTo("api.partner.example");
              assertThat(e.calleeKind).isEqualTo(DependencyKind.HTTP);
              assertThat(e.resolution).isEqualTo(EdgeResolution.PEER_ATTRIBUTE);
            });
    assertThat(restored.numKeyedStateEntries()).isZero();
    assertThat(restored.numEventTimeTimers()).isZero();
    restored.close();
  }

  private static ResourceSighting sighting(String version, long timeMs) {
    ResourceSighting s = new ResourceSighting();
    s.service = "botforge";
    s.instance = "botforge-0";
    s.version = version;
    s.timeMs = timeMs;
    return s;
  }

  @Test
  void versionChangesBecomeDerivedDeploys() throws Exception {
    var h = harness(new VersionTracker(CONFIG), ResourceSighting::key);
    h.processElement(sighting("2.4.0", T0_MS), T0_MS);
    h.processElement(sighting("2.4.0", T0_MS + 60_000), T0_MS + 60_000);
    assertThat(h.extractOutputValues()).as("the first sighting is not a change").isEmpty();
    OperatorSubtaskState snapshot = h.snapshot(1, T0_MS + 60_000);
    h.close();
    var restored = restore(new VersionTracker(CONFIG), ResourceSighting::key, snapshot);
    restored.processElement(sighting("2.4.1", T0_MS + 120_000), T0_MS + 120_000);
    // Late telemetry of the old process is not a rollback.
    restored.processElement(sighting("2.4.0", T0_MS + 90_000), T0_MS + 90_000);
    List<ChangeEvent> events = restored.extractOutputValues();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKind()).isEqualTo(ChangeKind.DEPLOY);
              assertThat(e.getDerived()).isTrue();
              assertThat(e.getSource()).isEqualTo("telemetry");
              assertThat(e.getService()).isEqualTo("botforge");
              assertThat(e.getInstance()).isEqualTo("botforge-0");
              assertThat(e.getVersion()).isEqualTo("2.4.1");
              assertThat(e.getPreviousVersion()).isEqualTo("2.4.0");
              assertThat(e.getTimestampMs()).isEqualTo(T0_MS + 120_000);
            });
    assertThat(restored.numKeyedStateEntries()).isEqualTo(1);
    restored.processWatermark(new Watermark(T0_MS + Duration.ofHours(3).toMillis()));
    assertThat(restored.numKeyedStateEntries()).isZero();
    assertThat(restored.numEventTimeTimers()).isZero();
    restored.close();
  }

  @Test
  void aDeployIsTheSameChangeWhicheverSightingArrivesFirst() throws Exception {
    var inOrder = harness(new VersionTracker(CONFIG), ResourceSighting::key);
    inOrder.processElement(sighting("2.4.0", T0_MS), T0_MS);
    inOrder.processElement(sighting("2.4.1", T0_MS + 60_000), T0_MS + 60_000);
    List<ChangeEvent> expected = inOrder.extractOutputValues();
    inOrder.close();
    var reversed = harness(new VersionTracker(CONFIG), ResourceSighting::key);
    reversed.processElement(sighting("2.4.1", T0_MS + 60_000), T0_MS + 60_000);
    reversed.processElement(sighting("2.4.0", T0_MS), T0_MS);
    // a second late sighting of the old process is not another change
    reversed.processElement(sighting("2.4.0", T0_MS + 30_000), T0_MS + 30_000);
    List<ChangeEvent> got = reversed.extractOutputValues();
    reversed.close();
    assertThat(expected)
        .singleElement()
        .satisfies(e -> assertThat(e.getVersion()).isEqualTo("2.4.1"));
    assertThat(got).isEqualTo(expected);
  }

  private static LogEvent log(String body, long timeMs) {
    LogEvent e = new LogEvent();
    e.service = "botforge";
    e.resource = io.signalfold.schema.ResourceContext.newBuilder().setService("botforge").build();
    e.severity = Severity.ERROR;
    e.body = body;
    e.traceId = "";
    e.timeMs = timeMs;
    return e;
  }

  @Test
  void minedTemplatesSurviveRestoreWithStableIdsAndExpire() throws Exception {
    var h = harness(new TemplateMinerFunction(CONFIG), LogEvent::getService);
    h.processElement(log("cannot deserialize cache record key=1", T0_MS), T0_MS);
    h.processElement(log("cannot deserialize cache record key=2", T0_MS + 1), T0_MS + 1);
    List<TemplateHit> hits = h.extractOutputValues();
    assertThat(hits).extracting(x -> x.newTemplate).containsExactly(true, false);
    String id = hits.get(0).templateId;
    assertThat(hits.get(1).templateId).isEqualTo(id);
    assertThat(hits.get(0).template).isEqualTo("cannot deserialize cache record key=<*>");

    OperatorSubtaskState snapshot = h.snapshot(1, T0_MS + 1);
    h.close();
    var restored = restore(new TemplateMinerFunction(CONFIG), LogEvent::getService, snapshot);
    restored.processElement(log("cannot deserialize cache record key=3", T0_MS + 2), T0_MS + 2);
    restored.processElement(log("connection refused by peer", T0_MS + 3), T0_MS + 3);
    List<TemplateHit> after = restored.extractOutputValues();
    assertThat(after.get(0).templateId).isEqualTo(id);
    assertThat(after.get(0).newTemplate).as("known before the restore").isFalse();
    assertThat(after.get(0).firstSeenMs).isEqualTo(T0_MS);
    assertThat(after.get(1).newTemplate).isTrue();

    restored.processWatermark(new Watermark(T0_MS + Duration.ofHours(2).toMillis()));
    assertThat(restored.numKeyedStateEntries()).isZero();
    assertThat(restored.numEventTimeTimers()).isZero();
    restored.close();
  }

  /**
   * A message that generalizes an old template ("user <*> logged in" after days of "user alice
   * logged in") gets a new template id but is not a new template: its first sighting is the old
   * one's.
   */
  @Test
  void aGeneralizedTemplateIsNotNews() throws Exception {
    var h = harness(new TemplateMinerFunction(CONFIG), LogEvent::getService);
    long later = T0_MS + Duration.ofDays(3).toMillis();
    h.processElement(log("user alice logged in from the web console", T0_MS), T0_MS);
    h.processElement(log("user bob logged in from the web console", later), later);
    List<TemplateHit> hits = h.extractOutputValues();
    assertThat(hits.get(1).templateId).isNotEqualTo(hits.get(0).templateId);
    assertThat(hits.get(1).template).contains("<*>");
    assertThat(hits).extracting(x -> x.newTemplate).containsExactly(true, false);
    assertThat(hits.get(1).firstSeenMs).isEqualTo(T0_MS);
    h.close();
  }
}
