package io.signalfold.ingest;

import java.util.Arrays;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One Kafka record as it arrived: where it came from (topic, partition, offset), the broker's
 * record timestamp, and the raw key and value bytes. Decoding happens later, in {@link
 * IngestStage}, so that a record that cannot be decoded still has its coordinates for the dead
 * letter.
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters), so it travels through
 * Flink's own serializer rather than Kryo.
 */
public final class RawTelemetry {

  private String topic = "";
  private int partition;
  private long offset;
  private long kafkaTimestampMs = -1L;
  @Nullable private byte[] key;
  private byte[] value = new byte[0];

  /** For Flink's POJO serializer; prefer {@link #create}. */
  public RawTelemetry() {}

  /** A record with the given coordinates and payload; {@code value} is not copied. */
  public static RawTelemetry create(
      String topic,
      int partition,
      long offset,
      long kafkaTimestampMs,
      @Nullable byte[] key,
      byte[] value) {
    RawTelemetry r = new RawTelemetry();
    r.topic = Objects.requireNonNull(topic, "topic");
    r.partition = partition;
    r.offset = offset;
    r.kafkaTimestampMs = kafkaTimestampMs;
    r.key = key;
    r.value = value == null ? new byte[0] : value;
    return r;
  }

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  public int getPartition() {
    return partition;
  }

  public void setPartition(int partition) {
    this.partition = partition;
  }

  public long getOffset() {
    return offset;
  }

  public void setOffset(long offset) {
    this.offset = offset;
  }

  /** The Kafka record timestamp (CreateTime or LogAppendTime), or -1 when the record has none. */
  public long getKafkaTimestampMs() {
    return kafkaTimestampMs;
  }

  public void setKafkaTimestampMs(long kafkaTimestampMs) {
    this.kafkaTimestampMs = kafkaTimestampMs;
  }

  @Nullable
  public byte[] getKey() {
    return key;
  }

  public void setKey(@Nullable byte[] key) {
    this.key = key;
  }

  public byte[] getValue() {
    return value;
  }

  public void setValue(byte[] value) {
    this.value = value == null ? new byte[0] : value;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RawTelemetry)) {
      return false;
    }
    RawTelemetry other = (RawTelemetry) o;
    return partition == other.partition
        && offset == other.offset
        && kafkaTimestampMs == other.kafkaTimestampMs
        && topic.equals(other.topic)
        && Arrays.equals(key, other.key)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return "RawTelemetry{"
        + topic
        + "-"
        + partition
        + "@"
        + offset
        + ", "
        + value.length
        + " bytes}";
  }
}
