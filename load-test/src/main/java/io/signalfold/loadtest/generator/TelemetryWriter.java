package io.signalfold.loadtest.generator;

/** Where generated records go: one Kafka record each (topic, key, value, event-time timestamp). */
public interface TelemetryWriter extends AutoCloseable {

  /** Writes one record; {@code timestampMs} is the record's event time (the Kafka timestamp). */
  void write(String topic, byte[] key, byte[] value, long timestampMs);

  /** Makes every written record durable (Kafka: waits for the acknowledgements). */
  default void flush() {}

  @Override
  default void close() {}
}
