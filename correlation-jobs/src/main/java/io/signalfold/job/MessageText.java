package io.signalfold.job;

import io.signalfold.ingest.RawTelemetry;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * A Kafka record's value as UTF-8 text (tombstones are skipped); the Flink timestamp (the Kafka
 * record time) is kept. Malformed JSON is the correlation stage's to dead-letter.
 */
final class MessageText implements FlatMapFunction<RawTelemetry, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(RawTelemetry r, Collector<String> out) {
    if (r.getValue() != null) {
      out.collect(new String(r.getValue(), StandardCharsets.UTF_8));
    }
  }
}
