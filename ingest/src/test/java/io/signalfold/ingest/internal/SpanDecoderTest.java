package io.signalfold.ingest.internal;

import static io.signalfold.ingest.OtlpFixtures.T0_MS;
import static io.signalfold.ingest.OtlpFixtures.attr;
import static io.signalfold.ingest.OtlpFixtures.failed;
import static io.signalfold.ingest.OtlpFixtures.resource;
import static io.signalfold.ingest.OtlpFixtures.resourceSpans;
import static io.signalfold.ingest.OtlpFixtures.span;
import static io.signalfold.ingest.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.signalfold.ingest.CollectingSink;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.SpanKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SpanDecoderTest {

  private final SpanDecoder decoder = new SpanDecoder(IngestConfig.defaults());

  private CollectingSink<SpanRecord> decode(byte[] bytes, TelemetryEncoding enc) {
    CollectingSink<SpanRecord> sink = new CollectingSink<>();
    decoder.decode(bytes, enc, T0_MS + 60_000, sink);
    return sink;
  }

  static ExportTraceServiceRequest sample() {
    return traces(
        resourceSpans(
            resource("gateway", "gateway-0", "1.8.0"),
            span(1, 11, 0, "GET /bots", Span.SpanKind.SPAN_KIND_SERVER, T0_MS, 40)
                .addAttributes(attr("http.route", "/bots"))
                .addAttributes(attr("http.request.method", "GET"))
                .addAttributes(attr("http.response.status_code", 503))
                .addAttributes(attr("robot.id", "r-7"))
                .setTraceState("ot=th:8;rv:abcdef12345678"),
            span(1, 12, 11, "GET", Span.SpanKind.SPAN_KIND_CLIENT, T0_MS + 1, 30)
                .addAttributes(attr("peer.service", "botforge"))
                .addAttributes(attr("http.request.method", "GET"))
                .addAttributes(attr("http.response.status_code", 404)),
            span(1, 13, 11, "GetItem", Span.SpanKind.SPAN_KIND_CLIENT, T0_MS + 2, 5)
                .addAttributes(attr("db.system", "dynamodb"))
                .addAttributes(attr("peer.service", "robots-table")),
            failed(
                    span(1, 14, 11, "GET", Span.SpanKind.SPAN_KIND_CLIENT, T0_MS + 3, 5)
                        .addAttributes(attr("db.system.name", "redis"))
                        .addAttributes(attr("server.address", "session-cache")),
                    "")
                .addEvents(
                    Span.Event.newBuilder()
                        .setName("exception")
                        .addAttributes(attr("exception.type", "java.net.ConnectException"))),
            span(1, 15, 11, "publish", Span.SpanKind.SPAN_KIND_PRODUCER, T0_MS + 4, 1)
                .addAttributes(attr("messaging.system", "kafka"))
                .addAttributes(attr("messaging.destination.name", "orders"))));
  }

  @Test
  void readsOperationErrorsPeersAndWeights() {
    CollectingSink<SpanRecord> sink = decode(sample().toByteArray(), TelemetryEncoding.OTLP_PROTO);
    assertThat(sink.rejections).isEmpty();
    assertThat(sink.items).hasSize(5);

    SpanRecord server = sink.items.get(0);
    assertThat(server.kind).isEqualTo(SpanKind.SERVER);
    assertThat(server.operation).isEqualTo("GET /bots");
    assertThat(server.error).as("5xx on a server is an error").isTrue();
    assertThat(server.statusClass).isEqualTo("5xx");
    assertThat(server.errorMessage).isEqualTo("HTTP 503");
    assertThat(server.weight).isEqualTo(2.0); // th:8 -> p = 0.5
    assertThat(server.impactValues).containsExactly("r-7", null, null);
    assertThat(server.durationMs).isEqualTo(40.0);
    assertThat(server.traceId).hasSize(32);
    assertThat(server.parentSpanId).isEmpty();

    SpanRecord http = sink.items.get(1);
    assertThat(http.error).as("4xx on a client is an error").isTrue();
    assertThat(http.peer).isEqualTo("botforge");
    assertThat(http.peerKind).isEqualTo(DependencyKind.HTTP);
    assertThat(http.external).isFalse();
    assertThat(http.parentSpanId).isEqualTo(server.spanId);

    SpanRecord db = sink.items.get(2);
    assertThat(db.peer).isEqualTo("robots-table");
    assertThat(db.peerKind).isEqualTo(DependencyKind.DATABASE);
    assertThat(db.peerSystem).isEqualTo("dynamodb");
    assertThat(db.external).isTrue();
    assertThat(db.error).isFalse();

    SpanRecord cache = sink.items.get(3);
    assertThat(cache.peerKind).isEqualTo(DependencyKind.CACHE);
    assertThat(cache.peer).isEqualTo("session-cache");
    assertThat(cache.errorMessage).isEqualTo("java.net.ConnectException");
    assertThat(cache.eventNames).containsExactly("exception");

    SpanRecord producer = sink.items.get(4);
    assertThat(producer.peerKind).isEqualTo(DependencyKind.MESSAGING);
    assertThat(producer.peer).isEqualTo("orders");
    assertThat(producer.peerSystem).isEqualTo("kafka");

    // One sighting per resource, at its latest span start.
    assertThat(sink.sightings).containsExactly("gateway@1.8.0@" + (T0_MS + 4));
  }

  @Test
  void otlpJsonGivesTheSameRecords() {
    byte[] json = OtlpJson.print(sample());
    assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"traceId\":\"10000000000000000000000000000001\"")
        .contains("\"kind\":2");
    CollectingSink<SpanRecord> a = decode(json, TelemetryEncoding.OTLP_JSON);
    CollectingSink<SpanRecord> b = decode(sample().toByteArray(), TelemetryEncoding.OTLP_PROTO);
    assertThat(a.rejections).isEmpty();
    assertThat(a.items).usingRecursiveFieldByFieldElementComparator().isEqualTo(b.items);
  }

  @Test
  void badSpansAreRejectedAloneWithTheirReason() {
    ExportTraceServiceRequest req =
        traces(
            resourceSpans(
                resource("gateway", "gateway-0", null),
                span(2, 21, 0, "ok", Span.SpanKind.SPAN_KIND_SERVER, T0_MS, 5),
                span(2, 22, 0, "backwards", Span.SpanKind.SPAN_KIND_SERVER, T0_MS, 5)
                    .setEndTimeUnixNano(1),
                span(2, 23, 0, "zero", Span.SpanKind.SPAN_KIND_SERVER, T0_MS, 5)
                    .setStartTimeUnixNano(0),
                span(2, 24, 0, "no-trace", Span.SpanKind.SPAN_KIND_SERVER, T0_MS, 5)
                    .setTraceId(ByteString.EMPTY),
                span(2, 25, 0, "zero-trace", Span.SpanKind.SPAN_KIND_SERVER, T0_MS, 5)
                    .setTraceId(ByteString.copyFrom(new byte[16])),
                span(2, 26, 0, "zero-span", Span.SpanKind.SPAN_KIND_SERVER, T0_MS, 5)
                    .setSpanId(ByteString.copyFrom(new byte[8]))));
    CollectingSink<SpanRecord> sink = decode(req.toByteArray(), TelemetryEncoding.OTLP_PROTO);
    assertThat(sink.items).extracting(s -> s.operation).containsExactly("ok");
    assertThat(sink.rejections)
        .extracting(CollectingSink.Rejection::reason)
        .containsExactly(
            DeadLetterReason.ABSURD_TIMESTAMP,
            DeadLetterReason.ABSURD_TIMESTAMP,
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.MISSING_FIELD);
    assertThat(sink.rejections.get(0).detail()).contains("spans[1]", "before startTimeUnixNano");
    assertThat(sink.rejections.get(3).detail()).contains("spans[4]", "all zero");
    assertThat(sink.rejections.get(4).detail()).contains("spans[5]", "all zero");
  }

  @Test
  void truncatedAndWrongEncodingMessages() {
    byte[] full = sample().toByteArray();
    assertThat(
            decode(Arrays.copyOf(full, full.length - 7), TelemetryEncoding.OTLP_PROTO).rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_PROTOBUF);
    assertThat(decode(full, TelemetryEncoding.OTLP_JSON).rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.WRONG_ENCODING);
  }
}
