package io.signalfold.job;

import io.signalfold.correlation.JsonMessage;
import io.signalfold.ingest.RawTelemetry;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A Kafka record's value as UTF-8 text with its topic, partition and offset (an empty value, which
 * is what a tombstone becomes, stays empty and is dead-lettered by the parser with its position);
 * the Flink timestamp (the Kafka record time) is kept.
 */
final class MessageText implements MapFunction<RawTelemetry, JsonMessage> {
  private static final long serialVersionUID = 1L;

  @Override
  public JsonMessage map(RawTelemetry r) {
    return JsonMessage.of(
        new String(r.getValue(), StandardCharsets.UTF_8),
        r.getTopic(),
        r.getPartition(),
        r.getOffset());
  }
}
