package io.signalfold.loadtest.generator;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes to Kafka with the event time as record timestamp: idempotent, {@code acks=all}, lz4, large
 * batches. The first send failure is rethrown by the next write or by {@link #flush()}.
 */
public final class KafkaTelemetryWriter implements TelemetryWriter {

  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  private KafkaTelemetryWriter(KafkaProducer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  /** A writer to {@code bootstrapServers}; {@code extra} overrides the defaults. */
  public static KafkaTelemetryWriter create(String bootstrapServers, Properties extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(128L * 1024 * 1024));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
    p.putAll(extra);
    return new KafkaTelemetryWriter(
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
  }

  @Override
  public void write(String topic, byte[] key, byte[] value, long timestampMs) {
    rethrow();
    producer.send(
        new ProducerRecord<>(topic, null, timestampMs, key, value),
        (meta, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }

  @Override
  public void flush() {
    producer.flush();
    rethrow();
  }

  private void rethrow() {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("Kafka send failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      flush();
    } finally {
      producer.close();
    }
  }
}
