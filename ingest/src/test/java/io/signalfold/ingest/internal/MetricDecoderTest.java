package io.signalfold.ingest.internal;

import static io.signalfold.ingest.OtlpFixtures.T0_MS;
import static io.signalfold.ingest.OtlpFixtures.attr;
import static io.signalfold.ingest.OtlpFixtures.cumulativeSum;
import static io.signalfold.ingest.OtlpFixtures.deltaHistogram;
import static io.signalfold.ingest.OtlpFixtures.gauge;
import static io.signalfold.ingest.OtlpFixtures.metrics;
import static io.signalfold.ingest.OtlpFixtures.point;
import static io.signalfold.ingest.OtlpFixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.signalfold.ingest.CollectingSink;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.OtlpFixtures;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricDecoderTest {

  private static final long KAFKA_TS = T0_MS + 60_000;
  private final MetricDecoder decoder = new MetricDecoder(IngestConfig.defaults());

  private CollectingSink<DecodedMetric> decode(byte[] bytes, TelemetryEncoding enc) {
    CollectingSink<DecodedMetric> sink = new CollectingSink<>();
    decoder.decode(bytes, enc, KAFKA_TS, sink);
    return sink;
  }

  private static ExportMetricsServiceRequest sample() {
    return metrics(
        resource("gateway", "gateway-0", "1.8.0"),
        gauge("process.cpu.utilization", point(T0_MS, 0, 0.42)),
        cumulativeSum(
            "orders.placed",
            point(
                T0_MS,
                T0_MS - 10_000,
                17,
                attr("http.route", "/orders"),
                attr("customer.id", "c-9"))),
        deltaHistogram("http.server.request.duration", T0_MS, T0_MS - 10_000, 3, 5, 2),
        Metric.newBuilder()
            .setName("rpc.duration")
            .setExponentialHistogram(
                ExponentialHistogram.newBuilder()
                    .setAggregationTemporality(
                        io.opentelemetry.proto.metrics.v1.AggregationTemporality
                            .AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(
                        ExponentialHistogramDataPoint.newBuilder()
                            .setTimeUnixNano(OtlpFixtures.nanos(T0_MS))
                            .setStartTimeUnixNano(OtlpFixtures.nanos(T0_MS - 10_000))
                            .setScale(2)
                            .setCount(6)
                            .setZeroCount(1)
                            .setSum(12.5)
                            .setPositive(
                                ExponentialHistogramDataPoint.Buckets.newBuilder()
                                    .setOffset(3)
                                    .addAllBucketCounts(List.of(2L, 3L)))))
            .build(),
        Metric.newBuilder()
            .setName("legacy.latency")
            .setSummary(
                Summary.newBuilder()
                    .addDataPoints(
                        SummaryDataPoint.newBuilder()
                            .setTimeUnixNano(OtlpFixtures.nanos(T0_MS))
                            .setCount(10)
                            .setSum(2.5)
                            .addQuantileValues(
                                SummaryDataPoint.ValueAtQuantile.newBuilder()
                                    .setQuantile(0.99)
                                    .setValue(0.8))))
            .build());
  }

  @Test
  void decodesEveryMetricTypeWithResourceAndRetainedAttributes() {
    CollectingSink<DecodedMetric> sink =
        decode(sample().toByteArray(), TelemetryEncoding.OTLP_PROTO);

    assertThat(sink.rejections).isEmpty();
    assertThat(sink.items).hasSize(5);
    MetricPoint gauge = sink.items.get(0).point;
    assertThat(gauge.getType()).isEqualTo(MetricType.GAUGE);
    assertThat(gauge.getValue()).isEqualTo(0.42);
    assertThat(gauge.getTimestampMs()).isEqualTo(T0_MS);
    assertThat(gauge.getResource().getService()).isEqualTo("gateway");
    assertThat(gauge.getResource().getInstance()).isEqualTo("gateway-0");
    assertThat(gauge.getResource().getServiceVersion()).isEqualTo("1.8.0");
    assertThat(gauge.getResource().getZone()).isEqualTo("az-1");
    assertThat(gauge.getResource().getCell()).isEqualTo("cell-1");
    assertThat(gauge.getScope()).isEqualTo("test");
    assertThat(sink.items.get(0).cumulative).isFalse();

    DecodedMetric sum = sink.items.get(1);
    assertThat(sum.cumulative).isTrue();
    assertThat(sum.point.getMonotonic()).isTrue();
    // customer.id is not on the allow-list: dropped from the point, kept in the identity.
    assertThat(sum.point.getAttributes()).containsOnlyKeys("http.route");
    assertThat(sum.point.getSeriesId())
        .isEqualTo("orders.placed|gateway/gateway-0|http.route=/orders");
    assertThat(sum.identityKey).contains("customer.id=c-9").isNotEqualTo(sum.point.getSeriesId());

    MetricPoint hist = sink.items.get(2).point;
    assertThat(hist.getType()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(hist.getValue()).isEqualTo(10.0);
    assertThat(hist.getRate()).isEqualTo(1.0); // 10 over 10 s
    assertThat(hist.getHistogram().getExplicitBounds()).containsExactly(0.1, 0.5);
    assertThat(hist.getHistogram().getExplicitCounts()).containsExactly(3L, 5L, 2L);
    assertThat(hist.getHistogram().getSum()).isEqualTo(1.5);

    MetricPoint exp = sink.items.get(3).point;
    assertThat(exp.getType()).isEqualTo(MetricType.EXPONENTIAL_HISTOGRAM);
    assertThat(exp.getHistogram().getPositive().getScale()).isEqualTo(2);
    assertThat(exp.getHistogram().getPositive().getOffset()).isEqualTo(3);
    assertThat(exp.getHistogram().getPositive().getCounts()).containsExactly(2.0, 3.0);
    assertThat(exp.getHistogram().getZeroCount()).isEqualTo(1L);

    MetricPoint summary = sink.items.get(4).point;
    assertThat(summary.getType()).isEqualTo(MetricType.SUMMARY);
    assertThat(summary.getQuantiles()).hasSize(1);
    assertThat(summary.getQuantiles().get(0).getValue()).isEqualTo(0.8);
    assertThat(sink.items.get(4).cumulative).isTrue();

    assertThat(sink.sightings).containsExactly("gateway@1.8.0@" + T0_MS);
  }

  @Test
  void decodesTheSameRequestFromOtlpJson() {
    byte[] json = OtlpJson.print(sample());
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"aggregationTemporality\":2");
    CollectingSink<DecodedMetric> fromJson = decode(json, TelemetryEncoding.OTLP_JSON);
    CollectingSink<DecodedMetric> fromProto =
        decode(sample().toByteArray(), TelemetryEncoding.OTLP_PROTO);
    assertThat(fromJson.rejections).isEmpty();
    assertThat(fromJson.items).hasSameSizeAs(fromProto.items);
    for (int i = 0; i < fromJson.items.size(); i++) {
      assertThat(fromJson.items.get(i).point).isEqualTo(fromProto.items.get(i).point);
    }
  }

  @Test
  void nonFinitePointIsRejectedAloneAndTheRestSurvives() {
    ExportMetricsServiceRequest req =
        metrics(
            resource("gateway", "gateway-0", null),
            gauge(
                "queue.depth",
                point(T0_MS, 0, 3),
                point(T0_MS, 0, Double.NaN, attr("queue", "b")),
                point(T0_MS, 0, Double.POSITIVE_INFINITY, attr("queue", "c")),
                point(T0_MS, 0, 5, attr("queue", "d"))));
    CollectingSink<DecodedMetric> sink = decode(req.toByteArray(), TelemetryEncoding.OTLP_PROTO);

    assertThat(sink.items).extracting(m -> m.point.getValue()).containsExactly(3.0, 5.0);
    assertThat(sink.rejections)
        .extracting(CollectingSink.Rejection::reason)
        .containsExactly(DeadLetterReason.NON_FINITE_VALUE, DeadLetterReason.NON_FINITE_VALUE);
    assertThat(sink.rejections.get(0).detail()).contains("dataPoints[1]", "queue.depth", "NaN");
    // The payload is the one rejected point, not the whole message.
    assertThat(sink.rejections.get(0).payload())
        .isEqualTo(
            req.getResourceMetrics(0)
                .getScopeMetrics(0)
                .getMetrics(0)
                .getGauge()
                .getDataPoints(1)
                .toByteArray());
  }

  @Test
  void absurdTimestampsAreRejected() {
    ExportMetricsServiceRequest req =
        metrics(
            resource("gateway", "gateway-0", null),
            gauge(
                "g",
                NumberDataPoint.newBuilder().setAsDouble(1).build(), // time 0
                point(KAFKA_TS + 3 * 3_600_000L, 0, 2), // 3 h ahead of the Kafka timestamp
                point(315_532_800_000L, 0, 3), // 1980
                point(T0_MS, 0, 4)));
    CollectingSink<DecodedMetric> sink = decode(req.toByteArray(), TelemetryEncoding.OTLP_PROTO);
    assertThat(sink.items).extracting(m -> m.point.getValue()).containsExactly(4.0);
    assertThat(sink.rejections)
        .hasSize(3)
        .allMatch(r -> r.reason() == DeadLetterReason.ABSURD_TIMESTAMP);
    assertThat(sink.rejections.get(1).detail()).contains("ahead of the Kafka record timestamp");
  }

  @Test
  void oversizedAttributeSetsAreRejected() {
    KeyValue[] many = new KeyValue[200];
    for (int i = 0; i < many.length; i++) {
      many[i] = attr("k" + i, "v");
    }
    ExportMetricsServiceRequest req =
        metrics(
            resource("gateway", "gateway-0", null),
            gauge(
                "g",
                point(T0_MS, 0, 1, many),
                point(T0_MS, 0, 2, attr("big", "x".repeat(20_000))),
                point(T0_MS, 0, 3)));
    CollectingSink<DecodedMetric> sink = decode(req.toByteArray(), TelemetryEncoding.OTLP_PROTO);
    assertThat(sink.items).extracting(m -> m.point.getValue()).containsExactly(3.0);
    assertThat(sink.rejections)
        .extracting(CollectingSink.Rejection::reason)
        .containsOnly(DeadLetterReason.OVERSIZED_ATTRIBUTES);
    assertThat(sink.rejections.get(0).detail()).contains("200 attributes (max 128)");
  }

  @Test
  void truncatedProtobufIsMalformed() {
    byte[] full = sample().toByteArray();
    byte[] cut = Arrays.copyOf(full, full.length / 2);
    CollectingSink<DecodedMetric> sink = decode(cut, TelemetryEncoding.OTLP_PROTO);
    assertThat(sink.items).isEmpty();
    assertThat(sink.rejections)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(DeadLetterReason.MALFORMED_PROTOBUF);
              assertThat(r.payload()).isEqualTo(cut);
            });
  }

  @Test
  void wrongEncodingInEitherDirection() {
    CollectingSink<DecodedMetric> jsonOnProto =
        decode(OtlpJson.print(sample()), TelemetryEncoding.OTLP_PROTO);
    assertThat(jsonOnProto.rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.WRONG_ENCODING);
    CollectingSink<DecodedMetric> protoOnJson =
        decode(sample().toByteArray(), TelemetryEncoding.OTLP_JSON);
    assertThat(protoOnJson.rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.WRONG_ENCODING);
  }

  @Test
  void malformedJsonIsRejected() {
    CollectingSink<DecodedMetric> sink =
        decode(
            "{\"resourceMetrics\": [ {".getBytes(StandardCharsets.UTF_8),
            TelemetryEncoding.OTLP_JSON);
    assertThat(sink.rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    CollectingSink<DecodedMetric> typed =
        decode(
            "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"x\",\"gauge\":{\"dataPoints\":[{\"asDouble\":\"abc\"}]}}]}]}]}"
                .getBytes(StandardCharsets.UTF_8),
            TelemetryEncoding.OTLP_JSON);
    assertThat(typed.rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
  }

  @Test
  void otlpJsonSpecificsAreAccepted() {
    // Integer enums, 64-bit integers as strings, unknown fields, lowerCamelCase keys.
    String json =
        "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"checkout\"}}]},"
            + "\"scopeMetrics\":[{\"metrics\":[{\"name\":\"orders.placed\",\"futureField\":1,\"sum\":{\"aggregationTemporality\":1,\"isMonotonic\":true,"
            + "\"dataPoints\":[{\"timeUnixNano\":\""
            + OtlpFixtures.nanos(T0_MS)
            + "\",\"startTimeUnixNano\":"
            + OtlpFixtures.nanos(T0_MS - 30_000)
            + ",\"asInt\":\"12\",\"exemplars\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"asDouble\":1}]}]}}]}]}]}";
    CollectingSink<DecodedMetric> sink =
        decode(json.getBytes(StandardCharsets.UTF_8), TelemetryEncoding.OTLP_JSON);
    assertThat(sink.rejections).isEmpty();
    MetricPoint p = sink.items.get(0).point;
    assertThat(p.getType()).isEqualTo(MetricType.SUM);
    assertThat(sink.items.get(0).cumulative).isFalse(); // 1 = DELTA
    assertThat(p.getValue()).isEqualTo(12.0);
    assertThat(p.getRate()).isEqualTo(0.4);
    assertThat(p.getExemplarTraceIds()).containsExactly("5b8efff798038103d269b633813fc60c");
  }

  @Test
  void base64IdsInOtlpJsonAreRejectedWithTheField() {
    String json =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"x\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"1\",\"exemplars\":[{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\"}]}]}}]}]}]}";
    CollectingSink<DecodedMetric> sink =
        decode(json.getBytes(StandardCharsets.UTF_8), TelemetryEncoding.OTLP_JSON);
    assertThat(sink.rejections)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
              assertThat(r.detail()).contains("exemplars[0].traceId", "hex");
            });
  }

  @Test
  void perMetricAllowListOverridesTheGlobalOne() {
    MetricDecoder own =
        new MetricDecoder(
            IngestConfig.builder()
                .metricAttributeAllowList("orders.placed", java.util.Set.of("customer.id"))
                .build());
    CollectingSink<DecodedMetric> sink = new CollectingSink<>();
    own.decode(sample().toByteArray(), TelemetryEncoding.OTLP_PROTO, KAFKA_TS, sink);
    assertThat(sink.items.get(1).point.getAttributes()).containsOnlyKeys("customer.id");
    assertThat(sink.items.get(2).point.getAttributes()).containsOnlyKeys("http.route");
  }

  @Test
  void anExponentialHistogramScaleOutsideTheSpecIsOutOfRangeNotOther() {
    ExportMetricsServiceRequest req =
        metrics(
            resource("gateway", "gateway-0", null),
            Metric.newBuilder()
                .setName("rpc.duration")
                .setExponentialHistogram(
                    ExponentialHistogram.newBuilder()
                        .setAggregationTemporality(
                            io.opentelemetry.proto.metrics.v1.AggregationTemporality
                                .AGGREGATION_TEMPORALITY_DELTA)
                        .addDataPoints(
                            ExponentialHistogramDataPoint.newBuilder()
                                .setTimeUnixNano(OtlpFixtures.nanos(T0_MS))
                                .setStartTimeUnixNano(OtlpFixtures.nanos(T0_MS - 10_000))
                                .setScale(99)
                                .setCount(1)
                                .setZeroCount(1)))
                .build());
    CollectingSink<DecodedMetric> sink = decode(req.toByteArray(), TelemetryEncoding.OTLP_PROTO);
    assertThat(sink.items).isEmpty();
    assertThat(sink.rejections)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
              assertThat(r.detail()).contains("scale 99 is outside -10..20");
            });
  }
}
