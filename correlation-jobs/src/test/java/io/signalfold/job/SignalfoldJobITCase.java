package io.signalfold.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.signalfold.schema.AlertState;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.sinks.AvroEncoding;
import io.signalfold.testing.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job through {@link SignalfoldJob#run} (the code path of {@code main}) on a MiniCluster
 * at parallelism 2 with RocksDB and checkpoints, against a real in-process Kafka broker: real OTLP
 * protobuf spans, metrics and logs, a truncated message, a change event and an Alertmanager alert
 * in; every output topic read back with read_committed.
 */
class SignalfoldJobITCase {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final long T0 = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;
  private static final int MINUTES = 12;
  private static final String METRICS = "in-metrics";
  private static final String LOGS = "in-logs";
  private static final String SPANS = "in-spans";
  private static final String CHANGES = "in-changes";
  private static final String ALERTS = "in-alerts";
  private static final String FEEDBACK = "in-feedback";
  private static final List<String> OUTPUTS =
      List.of("incident-candidates", "anomalies", "slo-alerts", "slo-status", "dead-letters");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void wholeJobFromKafkaToKafka(@TempDir Path dir) throws Exception {
    KAFKA.createTopics(1, METRICS, LOGS, SPANS, CHANGES, ALERTS, FEEDBACK);
    List<String> all = new ArrayList<>(OUTPUTS);
    OUTPUTS.forEach(t -> all.add(t + ".json"));
    KAFKA.createTopics(1, all.toArray(String[]::new));
    long garbageOffset = produceInputs();

    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("frontend.yaml"), SloYaml.frontendAvailability("frontend"));
    Path tmp = Files.createDirectories(dir.resolve("t"));
    Path reports = dir.resolve("out");
    Path config = dir.resolve("job.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "kafka.group.id=signalfold-it",
            "kafka.starting-offsets=earliest",
            "source.bounded=true",
            "input.metrics.topic=" + METRICS,
            "input.logs.topic=" + LOGS,
            "input.spans.topic=" + SPANS,
            "input.changes.topic=" + CHANGES,
            "input.external-alerts.topic=" + ALERTS,
            "input.feedback.topic=" + FEEDBACK,
            "job.parallelism=2",
            "checkpoint.interval=300ms",
            "state.backend=rocksdb",
            "restart.strategy=none",
            "output.transactional-id-prefix=sf-it",
            "output.transaction-timeout=60s",
            "correlation.topology.new-edge-warmup=2m",
            "reports.dir=" + reports,
            "flink.io.tmp.dirs=" + tmp,
            ""));

    long start = System.nanoTime();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        SignalfoldJob.run(
            new String[] {
              "--config",
              config.toString(),
              "--slo",
              slos.toString(),
              "--set",
              "kafka.bootstrap.servers=" + KAFKA.bootstrapServers()
            },
            new PrintStream(err, true, StandardCharsets.UTF_8));
    long jobMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    System.out.println("SignalfoldJobITCase: job wall time " + jobMs + " ms");

    // Anomaly feed: the frontend starts calling ledger after the topology warm-up.
    List<Anomaly> anomalies = avro("anomalies", Anomaly.class);
    assertThat(anomalies)
        .anySatisfy(
            a -> {
              assertThat(a.getKind()).isEqualTo(AnomalyKind.NEW_DEPENDENCY);
              assertThat(a.toString()).contains("frontend").contains("ledger");
            });

    // SLO statuses and a firing page for the failing frontend.
    List<SloStatus> statuses = avro("slo-status", SloStatus.class);
    assertThat(statuses).isNotEmpty().allMatch(s -> s.getSlo().equals("frontend-availability"));
    assertThat(statuses).anyMatch(s -> s.getBudgetRemainingFraction() < 0);
    List<SloBurnAlert> alerts = avro("slo-alerts", SloBurnAlert.class);
    assertThat(alerts)
        .anyMatch(
            a -> a.getSlo().equals("frontend-availability") && a.getState() == AlertState.FIRING);

    // The truncated spans message is a dead letter with its coordinates.
    List<DeadLetter> dead = avro("dead-letters", DeadLetter.class);
    assertThat(dead)
        .anySatisfy(
            d -> {
              assertThat(d.getReason()).isEqualTo(DeadLetterReason.MALFORMED_PROTOBUF);
              assertThat(d.getSourceTopic()).isEqualTo(SPANS);
              assertThat(d.getSourcePartition()).isEqualTo(0);
              assertThat(d.getSourceOffset()).isEqualTo(garbageOffset);
            });

    // The malformed feedback message is dead-lettered by the correlation inputs, naming its topic.
    assertThat(dead)
        .anySatisfy(
            d -> {
              assertThat(d.getReason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
              assertThat(d.getSourceTopic()).isEqualTo(FEEDBACK);
            });

    // Incident candidates (SLO page, external alert), summarized, with reports written.
    List<IncidentCandidate> candidates = avro("incident-candidates", IncidentCandidate.class);
    assertThat(candidates).isNotEmpty().allMatch(c -> c.getSummary() != null);
    assertThat(reports.resolve("reports")).isDirectoryContaining("glob:**.html");

    // Every record on every JSON twin is a valid CloudEvent whose data matches its Avro twin.
    for (String topic : OUTPUTS) {
      List<ConsumerRecord<byte[], byte[]>> json = KAFKA.readAll(topic + ".json");
      assertThat(json).as(topic).hasSameSizeAs(KAFKA.readAll(topic));
      for (ConsumerRecord<byte[], byte[]> r : json) {
        assertValidCloudEvent(topic, r.value());
      }
    }
    System.out.printf(
        "SignalfoldJobITCase: anomalies=%d statuses=%d alerts=%d candidates=%d deadLetters=%s%n",
        anomalies.size(),
        statuses.size(),
        alerts.size(),
        candidates.size(),
        dead.stream().map(d -> d.getReason() + "@" + d.getSourceTopic()).toList());
  }

  private static void assertValidCloudEvent(String topic, byte[] value) throws Exception {
    CloudEvent e =
        EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(value);
    assertThat(e.getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(e.getId()).as(topic).isNotBlank();
    assertThat(e.getSource().toString()).startsWith("/signalfold/");
    assertThat(e.getType()).startsWith("io.signalfold.");
    assertThat(e.getTime()).isNotNull();
    assertThat(e.getDataContentType()).isEqualTo("application/json");
    assertThat(e.getData()).isNotNull();
    JsonNode data = JSON.readTree(e.getData().toBytes());
    assertThat(data.isObject()).as(topic).isTrue();
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> List<T> avro(
      String topic, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll(topic)) {
      out.add(AvroEncoding.decode(r.value(), type));
    }
    return out;
  }

  // ---- input: real OTLP protobuf ----

  /** Produces the inputs; returns the offset of the truncated spans message. */
  private static long produceInputs() throws Exception {
    List<byte[]> spans = new ArrayList<>();
    List<byte[]> metrics = new ArrayList<>();
    List<byte[]> logs = new ArrayList<>();
    long trace = 1;
    long garbageOffset = -1;
    for (int m = 0; m < MINUTES; m++) {
      ResourceSpans.Builder frontend = resourceSpans("frontend");
      ResourceSpans.Builder backend = resourceSpans("backend");
      ResourceSpans.Builder ledger = resourceSpans("ledger");
      for (int i = 0; i < 6; i++) {
        long t = T0 + m * MIN + i * 10_000L;
        long root = trace * 100;
        // From minute 2 on, half of the frontend's requests fail.
        boolean fail = m >= 2 && i % 2 == 0;
        frontend
            .getScopeSpansBuilder(0)
            .addSpans(
                span(trace, root, 0, "GET /checkout", Span.SpanKind.SPAN_KIND_SERVER, t, 80, fail))
            .addSpans(
                span(
                        trace,
                        root + 1,
                        root,
                        "GET /api",
                        Span.SpanKind.SPAN_KIND_CLIENT,
                        t + 5,
                        50,
                        false)
                    .addAttributes(attr("peer.service", "backend")));
        backend
            .getScopeSpansBuilder(0)
            .addSpans(
                span(
                    trace,
                    root + 2,
                    root + 1,
                    "GET /api",
                    Span.SpanKind.SPAN_KIND_SERVER,
                    t + 10,
                    40,
                    false));
        if (m >= 6) {
          // A new dependency after the topology warm-up.
          frontend
              .getScopeSpansBuilder(0)
              .addSpans(
                  span(
                          trace,
                          root + 3,
                          root,
                          "POST /charge",
                          Span.SpanKind.SPAN_KIND_CLIENT,
                          t + 60,
                          10,
                          false)
                      .addAttributes(attr("peer.service", "ledger")));
          ledger
              .getScopeSpansBuilder(0)
              .addSpans(
                  span(
                      trace,
                      root + 4,
                      root + 3,
                      "POST /charge",
                      Span.SpanKind.SPAN_KIND_SERVER,
                      t + 62,
                      6,
                      false));
        }
        trace++;
      }
      ExportTraceServiceRequest.Builder req =
          ExportTraceServiceRequest.newBuilder()
              .addResourceSpans(frontend)
              .addResourceSpans(backend);
      if (m >= 6) {
        req.addResourceSpans(ledger);
      }
      spans.add(req.build().toByteArray());
      if (m == 3) {
        byte[] ok = spans.get(spans.size() - 1);
        garbageOffset = spans.size();
        spans.add(Arrays.copyOf(ok, ok.length - 7)); // truncated in flight
      }
      metrics.add(cpu("frontend", T0 + m * MIN + 30_000L, 0.2 + 0.01 * m).toByteArray());
      logs.add(logs("backend", T0 + m * MIN + 15_000L).toByteArray());
    }
    KAFKA.produce(SPANS, spans);
    KAFKA.produce(METRICS, metrics);
    KAFKA.produce(LOGS, logs);
    KAFKA.produce(
        CHANGES,
        List.of(
            ("{\"id\":\"chg-1\",\"kind\":\"deploy\",\"time\":\"2026-03-02T00:01:30Z\","
                    + "\"service\":\"frontend\",\"version\":\"2.0.0\",\"previous_version\":\"1.9.0\"}")
                .getBytes(StandardCharsets.UTF_8)));
    KAFKA.produce(
        ALERTS,
        List.of(
            ("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
                    + "\"labels\":{\"alertname\":\"CheckoutErrors\",\"severity\":\"critical\","
                    + "\"service\":\"frontend\"},\"startsAt\":\"2026-03-02T00:02:10Z\","
                    + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":\"f00d\"}]}")
                .getBytes(StandardCharsets.UTF_8)));
    KAFKA.produce(
        FEEDBACK,
        List.of(
            ("{\"candidate_id\":\"inc-unknown\",\"note\":\"looking\",\"author\":\"alice\","
                    + "\"time\":\"2026-03-02T00:04:00Z\"}")
                .getBytes(StandardCharsets.UTF_8),
            "not json".getBytes(StandardCharsets.UTF_8)));
    return garbageOffset;
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(attr("service.name", service))
        .addAttributes(attr("service.version", "1.9.0"))
        .addAttributes(attr("host.name", service + "-0"))
        .build();
  }

  private static ResourceSpans.Builder resourceSpans(String service) {
    return ResourceSpans.newBuilder()
        .setResource(resource(service))
        .addScopeSpans(ScopeSpans.newBuilder());
  }

  private static ByteString id(int bytes, long value) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < 8; i++) {
      b[bytes - 1 - i] = (byte) (value >>> (8 * i));
    }
    b[0] = 0x11;
    return ByteString.copyFrom(b);
  }

  private static Span.Builder span(
      long trace,
      long id,
      long parent,
      String name,
      Span.SpanKind kind,
      long startMs,
      long durMs,
      boolean error) {
    Span.Builder s =
        Span.newBuilder()
            .setTraceId(id(16, trace))
            .setSpanId(id(8, id))
            .setName(name)
            .setKind(kind)
            .setStartTimeUnixNano(startMs * 1_000_000L)
            .setEndTimeUnixNano((startMs + durMs) * 1_000_000L);
    if (parent != 0) {
      s.setParentSpanId(id(8, parent));
    }
    if (error) {
      s.setStatus(
          Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"));
    }
    return s;
  }

  private static ExportMetricsServiceRequest cpu(String service, long t, double v) {
    Metric m =
        Metric.newBuilder()
            .setName("process.cpu.utilization")
            .setUnit("1")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        NumberDataPoint.newBuilder()
                            .setTimeUnixNano(t * 1_000_000L)
                            .setAsDouble(v)))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource(service))
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(m)))
        .build();
  }

  private static ExportLogsServiceRequest logs(String service, long t) {
    ScopeLogs.Builder sl = ScopeLogs.newBuilder();
    for (int i = 0; i < 3; i++) {
      sl.addLogRecords(
          LogRecord.newBuilder()
              .setTimeUnixNano((t + i * 1000L) * 1_000_000L)
              .setSeverityNumber(
                  i == 0
                      ? SeverityNumber.SEVERITY_NUMBER_ERROR
                      : SeverityNumber.SEVERITY_NUMBER_INFO)
              .setBody(
                  AnyValue.newBuilder()
                      .setStringValue("request " + (t + i) + " handled in 12 ms")));
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource(service)).addScopeLogs(sl))
        .build();
  }
}
