package io.signalfold.ingest;

import io.signalfold.ingest.internal.DecodeSink;
import io.signalfold.ingest.internal.DecodedMetric;
import io.signalfold.ingest.internal.MetricDecoder;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.MetricPoint;
import java.util.function.Consumer;

/**
 * The metric decoding step of {@link IngestStage} without Flink: one Kafka message of the metrics
 * topic in, {@link MetricPoint}s out (cumulative points still carry their running totals; the stage
 * turns them into deltas in keyed state). For benchmarks and command-line harnesses. Not
 * thread-safe; one instance per thread.
 */
public final class OtlpMetricsDecoder {

  private final MetricDecoder decoder;

  public OtlpMetricsDecoder(IngestConfig config) {
    this.decoder = new MetricDecoder(config);
  }

  /**
   * Decodes one message.
   *
   * @param points receives every decoded data point
   * @param rejected receives the reason of every rejected item (the stage makes dead letters)
   * @return the number of points decoded
   */
  public int decode(
      byte[] message,
      TelemetryEncoding encoding,
      long kafkaTimestampMs,
      Consumer<MetricPoint> points,
      Consumer<DeadLetterReason> rejected) {
    int[] count = new int[1];
    decoder.decode(
        message,
        encoding,
        kafkaTimestampMs,
        new DecodeSink<DecodedMetric>() {
          @Override
          public void emit(DecodedMetric item) {
            count[0]++;
            points.accept(item.point);
          }

          @Override
          public void reject(DeadLetterReason reason, String detail, byte[] payload) {
            rejected.accept(reason);
          }
        });
    return count[0];
  }
}
