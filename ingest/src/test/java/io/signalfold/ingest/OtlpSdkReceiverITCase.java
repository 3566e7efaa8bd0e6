package io.signalfold.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.signalfold.ingest.internal.BearerTokens;
import io.signalfold.ingest.internal.DecodedMetric;
import io.signalfold.ingest.internal.LogDecoder;
import io.signalfold.ingest.internal.LogEvent;
import io.signalfold.ingest.internal.MetricDecoder;
import io.signalfold.ingest.internal.SpanDecoder;
import io.signalfold.ingest.internal.SpanRecord;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.schema.Severity;
import io.signalfold.testing.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real OpenTelemetry Java SDK exports over OTLP/HTTP (protobuf and JSON, gzip) to {@link
 * OtlpHttpReceiver}, which writes to the in-process Kafka broker; the records that land are decoded
 * with the ingest decoders.
 */
class OtlpSdkReceiverITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  private static final IngestConfig CONFIG = IngestConfig.defaults();
  private static final Resource RESOURCE =
      Resource.getDefault()
          .merge(
              Resource.create(
                  Attributes.builder()
                      .put("service.name", "checkout")
                      .put("service.version", "3.1.0")
                      .put("host.name", "checkout-0")
                      .put("cloud.availability_zone", "az-2")
                      .build()));

  /** The receivers require this token; the SDK exporters send it as a header. */
  static final String TOKEN = "sdk-itcase-token-0123456789";

  private static OtlpHttpReceiver protoReceiver;
  private static OtlpHttpReceiver jsonReceiver;

  @BeforeAll
  static void start() throws Exception {
    KAFKA.createTopics(1, "p_metrics", "p_logs", "p_spans", "j_metrics", "j_logs", "j_spans");
    protoReceiver =
        OtlpHttpReceiver.builder(KAFKA.bootstrapServers())
            .port(0)
            .metricsTopic("p_metrics")
            .logsTopic("p_logs")
            .tracesTopic("p_spans")
            .bearerTokens(BearerTokens.of(List.of(TOKEN)))
            .build()
            .start();
    jsonReceiver =
        OtlpHttpReceiver.builder(KAFKA.bootstrapServers())
            .port(0)
            .metricsTopic("j_metrics")
            .logsTopic("j_logs")
            .tracesTopic("j_spans")
            .defaultEncoding(TelemetryEncoding.OTLP_JSON)
            .bearerTokens(BearerTokens.of(List.of(TOKEN)))
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    protoReceiver.stop();
    jsonReceiver.stop();
  }

  /**
   * The SDK keeps its JSON switch off the public API (on its internal HttpExporterBuilder, which
   * every OTLP/HTTP exporter builder delegates to); flip it there for the JSON variant.
   */
  private static void exportAsJson(Object builder) throws Exception {
    java.lang.reflect.Field delegate = builder.getClass().getDeclaredField("delegate");
    delegate.setAccessible(true);
    Object internal = delegate.get(builder);
    Method m = internal.getClass().getMethod("exportAsJson");
    m.invoke(internal);
  }

  private static void emitTelemetry(String endpoint, boolean json) throws Exception {
    OtlpHttpSpanExporterBuilder spans =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(endpoint + "/v1/traces")
            .setCompression("gzip")
            .addHeader("Authorization", "Bearer " + TOKEN);
    OtlpHttpMetricExporterBuilder metrics =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(endpoint + "/v1/metrics")
            .addHeader("Authorization", "Bearer " + TOKEN);
    OtlpHttpLogRecordExporterBuilder logs =
        OtlpHttpLogRecordExporter.builder()
            .setEndpoint(endpoint + "/v1/logs")
            .setCompression("gzip")
            .addHeader("Authorization", "Bearer " + TOKEN);
    if (json) {
      exportAsJson(spans);
      exportAsJson(metrics);
      exportAsJson(logs);
    }
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(RESOURCE)
            .addSpanProcessor(SimpleSpanProcessor.create(spans.build()))
            .build();
    Tracer tracer = tracerProvider.get("ingest-test");
    Span server =
        tracer
            .spanBuilder("POST /orders")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.route", "/orders")
            .setAttribute("http.request.method", "POST")
            .setAttribute("http.response.status_code", 500L)
            .setAttribute("customer.id", "c-42")
            .startSpan();
    Scope scope = server.makeCurrent();
    try {
      Span db =
          tracer
              .spanBuilder("INSERT orders")
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute("db.system.name", "postgresql")
              .setAttribute("server.address", "orders-db")
              .startSpan();
      db.recordException(new IllegalStateException("duplicate key"));
      db.setStatus(StatusCode.ERROR);
      db.end();
    } finally {
      scope.close();
    }
    server.end();
    assertThat(tracerProvider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);

    SdkMeterProvider meterProvider =
        SdkMeterProvider.builder()
            .setResource(RESOURCE)
            .registerMetricReader(PeriodicMetricReader.builder(metrics.build()).build())
            .build();
    Meter meter = meterProvider.get("ingest-test");
    LongCounter orders = meter.counterBuilder("orders.placed").build();
    orders.add(3, Attributes.of(AttributeKey.stringKey("http.route"), "/orders"));
    DoubleHistogram duration =
        meter.histogramBuilder("http.server.request.duration").setUnit("s").build();
    duration.record(0.02);
    duration.record(0.3);
    meter.gaugeBuilder("process.cpu.utilization").buildWithCallback(m -> m.record(0.25));
    CompletableResultCode flushed = meterProvider.forceFlush().join(20, TimeUnit.SECONDS);
    assertThat(flushed.isSuccess()).isTrue();
    meterProvider.shutdown().join(10, TimeUnit.SECONDS);

    SdkLoggerProvider loggerProvider =
        SdkLoggerProvider.builder()
            .setResource(RESOURCE)
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs.build()))
            .build();
    Logger logger = loggerProvider.get("ingest-test");
    logger
        .logRecordBuilder()
        .setSeverity(io.opentelemetry.api.logs.Severity.ERROR)
        .setBody("payment declined for order 1234\n\tat com.example.Pay.run(Pay.java:9)")
        .emit();
    assertThat(loggerProvider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess()).isTrue();
    loggerProvider.shutdown().join(10, TimeUnit.SECONDS);
  }

  private static <T> CollectingSink<T> decodeTopic(String topic, Decoder<T> decoder) {
    CollectingSink<T> sink = new CollectingSink<>();
    List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readAll(topic);
    assertThat(records).as("records on %s", topic).isNotEmpty();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      decoder.decode(r.value(), r.timestamp(), sink);
    }
    assertThat(sink.rejections).as("rejections on %s", topic).isEmpty();
    return sink;
  }

  interface Decoder<T> {
    void decode(byte[] value, long kafkaTs, CollectingSink<T> sink);
  }

  @Test
  void sdkProtobufExportsLandOnKafkaAndDecode() throws Exception {
    emitTelemetry(protoReceiver.endpoint(), false);
    assertDecoded("p_", TelemetryEncoding.OTLP_PROTO);
  }

  @Test
  void sdkJsonExportsLandOnKafkaInOtlpJsonAndDecode() throws Exception {
    emitTelemetry(jsonReceiver.endpoint(), true);
    List<ConsumerRecord<byte[], byte[]>> raw = KAFKA.readAll("j_spans");
    assertThat(new String(raw.get(0).value(), StandardCharsets.UTF_8))
        .startsWith("{")
        .containsPattern("\"traceId\":\"[0-9a-f]{32}\"");
    assertDecoded("j_", TelemetryEncoding.OTLP_JSON);
  }

  private static void assertDecoded(String prefix, TelemetryEncoding enc) {
    SpanDecoder spanDecoder = new SpanDecoder(CONFIG);
    CollectingSink<SpanRecord> spans =
        decodeTopic(prefix + "spans", (v, ts, s) -> spanDecoder.decode(v, enc, ts, s));
    SpanRecord server =
        spans.items.stream()
            .filter(s -> s.operation.equals("POST /orders"))
            .findFirst()
            .orElseThrow();
    SpanRecord db =
        spans.items.stream()
            .filter(s -> s.operation.equals("INSERT orders"))
            .findFirst()
            .orElseThrow();
    assertThat(server.service).isEqualTo("checkout");
    assertThat(server.resource.getServiceVersion()).isEqualTo("3.1.0");
    assertThat(server.resource.getInstance()).isEqualTo("checkout-0");
    assertThat(server.error).isTrue();
    assertThat(server.statusClass).isEqualTo("5xx");
    assertThat(server.impactValues).contains("c-42");
    assertThat(db.parentSpanId).isEqualTo(server.spanId);
    assertThat(db.traceId).isEqualTo(server.traceId);
    assertThat(db.peerKind).isEqualTo(DependencyKind.DATABASE);
    assertThat(db.peer).isEqualTo("orders-db");
    assertThat(db.peerSystem).isEqualTo("postgresql");
    assertThat(db.errorMessage).isEqualTo("java.lang.IllegalStateException");
    assertThat(db.eventNames).containsExactly("exception");

    MetricDecoder metricDecoder = new MetricDecoder(CONFIG);
    CollectingSink<DecodedMetric> metrics =
        decodeTopic(prefix + "metrics", (v, ts, s) -> metricDecoder.decode(v, enc, ts, s));
    MetricPoint counter = find(metrics, "orders.placed");
    assertThat(counter.getType()).isEqualTo(MetricType.SUM);
    assertThat(counter.getMonotonic()).isTrue();
    assertThat(counter.getValue()).isEqualTo(3.0);
    assertThat(counter.getAttributes()).containsEntry("http.route", "/orders");
    MetricPoint hist = find(metrics, "http.server.request.duration");
    assertThat(hist.getType()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(hist.getHistogram().getCount()).isEqualTo(2);
    assertThat(hist.getHistogram().getSum()).isEqualTo(0.32);
    assertThat(hist.getHistogram().getExplicitCounts().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(2);
    MetricPoint gauge = find(metrics, "process.cpu.utilization");
    assertThat(gauge.getType()).isEqualTo(MetricType.GAUGE);
    assertThat(gauge.getValue()).isEqualTo(0.25);
    assertThat(gauge.getResource().getZone()).isEqualTo("az-2");

    LogDecoder logDecoder = new LogDecoder(CONFIG);
    CollectingSink<LogEvent> logs =
        decodeTopic(prefix + "logs", (v, ts, s) -> logDecoder.decode(v, enc, ts, s));
    assertThat(logs.items)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.severity).isEqualTo(Severity.ERROR);
              assertThat(e.body).startsWith("payment declined for order 1234\n\tat");
              assertThat(e.service).isEqualTo("checkout");
            });
  }

  private static MetricPoint find(CollectingSink<DecodedMetric> sink, String name) {
    return sink.items.stream()
        .map(m -> m.point)
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + name + " in " + sink.items.size() + " points"));
  }

  // ---- protocol details, over plain HTTP ----

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static HttpResponse<byte[]> post(
      String path, String contentType, byte[] body, String encoding) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(protoReceiver.endpoint() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", contentType)
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void unknownContentTypeIs415() throws Exception {
    assertThat(post("/v1/metrics", "text/plain", new byte[] {1}, null).statusCode()).isEqualTo(415);
  }

  @Test
  void badPayloadsAre400WithAStatus() throws Exception {
    HttpResponse<byte[]> proto =
        post("/v1/traces", "application/x-protobuf", new byte[] {0x0A, 0x7F, 0x01}, null);
    assertThat(proto.statusCode()).isEqualTo(400);
    assertThat(proto.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
    // google.rpc.Status: field 1 (code) = 3 INVALID_ARGUMENT, then field 2 (message).
    assertThat(proto.body()[0]).isEqualTo((byte) 0x08);
    assertThat(proto.body()[1]).isEqualTo((byte) 3);
    assertThat(proto.body()[2]).isEqualTo((byte) 0x12);

    HttpResponse<byte[]> json =
        post(
            "/v1/logs",
            "application/json",
            "{\"resourceLogs\": 7}".getBytes(StandardCharsets.UTF_8),
            null);
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(new String(json.body(), StandardCharsets.UTF_8))
        .contains("\"code\":3")
        .contains("message");
  }

  @Test
  void gzipJsonIsAcceptedWithAJsonResponse() throws Exception {
    String request =
        "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"gz\"}}]},"
            + "\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":\"1772409600000000000\",\"asDouble\":1.5}]}}]}]}]}";
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(request.getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<byte[]> r =
        post("/v1/metrics", "application/json; charset=utf-8", gz.toByteArray(), "gzip");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
  }

  @Test
  void otherPathsAndMethods() throws Exception {
    assertThat(post("/v1/profiles", "application/x-protobuf", new byte[0], null).statusCode())
        .isEqualTo(404);
    HttpResponse<byte[]> get =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(protoReceiver.endpoint() + "/v1/metrics"))
                .header("Authorization", "Bearer " + TOKEN)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void withoutAKnownBearerTokenIs401AndNothingIsWritten() throws Exception {
    long accepted = protoReceiver.acceptedRequests();
    for (String auth : new String[] {null, "Bearer wrong-token-0123456789", "Basic dXNlcjpwdw=="}) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(protoReceiver.endpoint() + "/v1/traces"))
              .header("Content-Type", "application/x-protobuf")
              .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]));
      if (auth != null) {
        b.header("Authorization", auth);
      }
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"signalfold\"");
    }
    assertThat(protoReceiver.acceptedRequests()).isEqualTo(accepted);
  }

  @Test
  void aReceiverWithoutTokensMustSayItAcceptsAnyone() {
    assertThatThrownBy(() -> OtlpHttpReceiver.builder(KAFKA.bootstrapServers()).port(0).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowUnauthenticated()");
  }
}
