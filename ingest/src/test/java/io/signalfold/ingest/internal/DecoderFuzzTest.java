package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.signalfold.ingest.CollectingSink;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.OtlpFixtures;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetterReason;

/**
 * Coverage-guided fuzzing (Jazzer) of every decoder that takes outside bytes. Each decoder must
 * never throw (in the job an escaped exception becomes an OTHER dead letter: "never expected") and
 * never report OTHER itself: every bad input gets a reason that names what was wrong.
 *
 * <p>Without {@code JAZZER_FUZZ} these run as regression tests over the inputs in {@code
 * src/test/resources/.../DecoderFuzzTestInputs/<method>/} (seeds and every crash found so far).
 * {@code JAZZER_FUZZ=1} fuzzes one method per run; see the README for the commands.
 */
class DecoderFuzzTest {

  private static final IngestConfig CONFIG = IngestConfig.defaults();
  private static final long KAFKA_TS = OtlpFixtures.T0_MS + 3_600_000L;

  private static <T> void check(CollectingSink<T> sink) {
    assertThat(sink.rejections)
        .as("every rejection names its reason")
        .noneMatch(r -> r.reason() == DeadLetterReason.OTHER);
  }

  private static void metrics(byte[] bytes, TelemetryEncoding encoding) {
    CollectingSink<DecodedMetric> sink = new CollectingSink<>();
    new MetricDecoder(CONFIG).decode(bytes, encoding, KAFKA_TS, sink);
    check(sink);
  }

  private static void spans(byte[] bytes, TelemetryEncoding encoding) {
    CollectingSink<SpanRecord> sink = new CollectingSink<>();
    new SpanDecoder(CONFIG).decode(bytes, encoding, KAFKA_TS, sink);
    check(sink);
  }

  private static void logs(byte[] bytes, TelemetryEncoding encoding) {
    CollectingSink<LogEvent> sink = new CollectingSink<>();
    new LogDecoder(CONFIG).decode(bytes, encoding, KAFKA_TS, sink);
    check(sink);
  }

  @FuzzTest(maxDuration = "20s")
  void metricsProtobuf(byte[] bytes) {
    metrics(bytes, TelemetryEncoding.OTLP_PROTO);
  }

  @FuzzTest(maxDuration = "20s")
  void metricsJson(byte[] bytes) {
    metrics(bytes, TelemetryEncoding.OTLP_JSON);
  }

  @FuzzTest(maxDuration = "20s")
  void spansProtobuf(byte[] bytes) {
    spans(bytes, TelemetryEncoding.OTLP_PROTO);
  }

  @FuzzTest(maxDuration = "20s")
  void spansJson(byte[] bytes) {
    spans(bytes, TelemetryEncoding.OTLP_JSON);
  }

  @FuzzTest(maxDuration = "20s")
  void logsProtobuf(byte[] bytes) {
    logs(bytes, TelemetryEncoding.OTLP_PROTO);
  }

  @FuzzTest(maxDuration = "20s")
  void logsJson(byte[] bytes) {
    logs(bytes, TelemetryEncoding.OTLP_JSON);
  }

  @FuzzTest(maxDuration = "20s")
  void changeEvents(byte[] bytes) {
    CollectingSink<io.signalfold.schema.ChangeEvent> sink = new CollectingSink<>();
    new ChangeEventParser(CONFIG).parse(bytes, KAFKA_TS, sink);
    check(sink);
  }
}
