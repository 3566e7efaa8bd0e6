package io.signalfold.ingest.internal;

import static io.signalfold.ingest.OtlpFixtures.T0_MS;
import static io.signalfold.ingest.OtlpFixtures.resource;
import static io.signalfold.ingest.OtlpFixtures.resourceSpans;
import static io.signalfold.ingest.OtlpFixtures.span;
import static io.signalfold.ingest.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.RawTelemetry;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The decode operator: admission against the partition's event time, tombstones. */
class DecodeFunctionTest {

  private static final IngestConfig CONFIG = IngestConfig.defaults(); // 30 s, delay 5 s, 0 late
  private static final long MINUTE = 60_000L;
  private static final AtomicLong IDS = new AtomicLong(1);

  private static RawTelemetry spansAt(int partition, long offset, long kafkaMs, long... startMs) {
    Span.Builder[] spans = new Span.Builder[startMs.length];
    for (int i = 0; i < startMs.length; i++) {
      long id = IDS.getAndIncrement();
      spans[i] = span(id, id, 0, "GET /", Span.SpanKind.SPAN_KIND_SERVER, startMs[i], 20);
    }
    byte[] bytes =
        traces(resourceSpans(resource("checkout", "checkout-0", "1.0"), spans)).toByteArray();
    return RawTelemetry.create("otlp_spans", partition, offset, kafkaMs, null, bytes);
  }

  private static OneInputStreamOperatorTestHarness<RawTelemetry, SpanRecord> harness(
      OperatorSubtaskState restored) throws Exception {
    OneInputStreamOperatorTestHarness<RawTelemetry, SpanRecord> h =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new DecodeFunction.Spans(CONFIG)));
    if (restored != null) {
      h.initializeState(restored);
    }
    h.open();
    return h;
  }

  private static List<DeadLetter> tooLate(
      OneInputStreamOperatorTestHarness<RawTelemetry, SpanRecord> h) {
    return h.getSideOutput(DecodeFunction.DEAD_LETTERS) == null
        ? List.of()
        : h.getSideOutput(DecodeFunction.DEAD_LETTERS).stream()
            .map(StreamRecord::getValue)
            .filter(d -> d.getReason() == DeadLetterReason.TOO_LATE)
            .toList();
  }

  @Test
  void aSenderStampingItsSpansAnHourAheadDoesNotMakeTheOthersLate() throws Exception {
    var h = harness(null);
    long now = T0_MS + 10 * MINUTE;
    h.processElement(new StreamRecord<>(spansAt(0, 0, now, now - 2_000)));
    // 55 minutes ahead of the Kafka record that carries it: inside the allowed future skew.
    h.processElement(new StreamRecord<>(spansAt(0, 1, now + 1_000, now + 55 * MINUTE)));
    h.processElement(new StreamRecord<>(spansAt(0, 2, now + 2_000, now - 1_000, now + 1_500)));
    assertThat(tooLate(h)).isEmpty();
    assertThat(h.extractOutputValues()).hasSize(4);
  }

  @Test
  void aSpanWhoseIntervalItsOwnPartitionHasClosedIsDeadLetteredWithWhy() throws Exception {
    var h = harness(null);
    long now = T0_MS + 10 * MINUTE;
    h.processElement(new StreamRecord<>(spansAt(0, 0, now, now)));
    // Partition 1 is behind partition 0: its spans are judged by its own progress alone.
    h.processElement(new StreamRecord<>(spansAt(1, 0, now - 3 * MINUTE, now - 3 * MINUTE)));
    h.processElement(new StreamRecord<>(spansAt(0, 1, now + 1_000, now - 2 * MINUTE, now)));
    List<DeadLetter> late = tooLate(h);
    assertThat(late).hasSize(1);
    DeadLetter d = late.get(0);
    assertThat(d.getSourcePartition()).isEqualTo(0);
    assertThat(d.getSourceOffset()).isEqualTo(1L);
    assertThat(d.getDetail())
        .contains("span ")
        .contains("checkout 'GET /'")
        .contains("partition 0 had reached " + now + " ms");
    assertThat(h.extractOutputValues()).hasSize(3);
  }

  @Test
  void thePartitionsProgressSurvivesARestore() throws Exception {
    var h = harness(null);
    long now = T0_MS + 10 * MINUTE;
    h.processElement(new StreamRecord<>(spansAt(0, 0, now, now)));
    OperatorSubtaskState snapshot = h.snapshot(1, now);
    h.close();
    var restored = harness(snapshot);
    restored.processElement(new StreamRecord<>(spansAt(0, 1, now, now - 2 * MINUTE)));
    assertThat(tooLate(restored)).hasSize(1);
    assertThat(restored.extractOutputValues()).isEmpty();
  }

  @Test
  void judgesLikeFlinksTumblingWindowsAgainstTheWatermarkTheGeneratorWouldEmit() {
    long interval = 30_000;
    long delay = 5_000;
    LateAdmission rule = new LateAdmission(interval, delay, 0);
    long progress = T0_MS + 95_000; // watermark at most progress - delay - 1
    long watermark = progress - delay - 1;
    for (long t = T0_MS; t < progress + interval; t += 1_000) {
      long maxTs = TimeWindow.getWindowStartWithOffset(t, 0, interval) + interval - 1;
      assertThat(rule.closed(t, progress)).as("t=%d", t - T0_MS).isEqualTo(maxTs <= watermark);
    }
    assertThat(rule.closed(T0_MS, Long.MIN_VALUE)).as("first item of a partition").isFalse();
  }

  @Test
  void aTombstoneIsDeadLetteredWithItsPositionNotDropped() throws Exception {
    var h = harness(null);
    h.processElement(
        new StreamRecord<>(RawTelemetry.create("otlp_spans", 3, 17, T0_MS, null, null)));
    assertThat(h.extractOutputValues()).isEmpty();
    assertThat(h.getSideOutput(DecodeFunction.DEAD_LETTERS))
        .singleElement()
        .satisfies(
            r -> {
              DeadLetter d = r.getValue();
              assertThat(d.getReason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
              assertThat(d.getSourcePartition()).isEqualTo(3);
              assertThat(d.getSourceOffset()).isEqualTo(17L);
              assertThat(d.getDetail()).contains("tombstone");
            });
  }
}
