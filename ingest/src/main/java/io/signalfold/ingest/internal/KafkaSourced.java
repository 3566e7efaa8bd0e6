package io.signalfold.ingest.internal;

/** A decoded item that knows the Kafka record it came from (for per-partition event time). */
public interface KafkaSourced {

  int sourcePartition();

  /** The Kafka record timestamp, or a value <= 0 when unknown. */
  long kafkaTimestampMs();
}
