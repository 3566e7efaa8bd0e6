package io.signalfold.sinks;

import java.io.Serializable;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.util.function.SerializableFunction;

/**
 * How one record type is published: its Avro topic (the JSON twin adds {@link
 * KafkaOutputConfig#jsonSuffix()}), its message key, its event time (the Kafka record timestamp),
 * and its CloudEvents attributes ({@code type}, {@code subject}, {@code id}). The ready-made ones
 * are in {@link OutputTopics}.
 */
public final class OutputTopic<T extends SpecificRecord> implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final Class<T> type;
  private final String stage;
  private final SerializableFunction<T, String> key;
  private final SerializableFunction<T, Long> eventTime;
  private final SerializableFunction<T, String> eventType;
  private final SerializableFunction<T, String> subject;
  private final SerializableFunction<T, String> eventId;

  private OutputTopic(
      String name,
      Class<T> type,
      String stage,
      SerializableFunction<T, String> key,
      SerializableFunction<T, Long> eventTime,
      SerializableFunction<T, String> eventType,
      SerializableFunction<T, String> subject,
      SerializableFunction<T, String> eventId) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.stage = Objects.requireNonNull(stage, "stage");
    this.key = Objects.requireNonNull(key, "key");
    this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
    this.eventType = Objects.requireNonNull(eventType, "eventType");
    this.subject = Objects.requireNonNull(subject, "subject");
    this.eventId = Objects.requireNonNull(eventId, "eventId");
  }

  /**
   * A topic descriptor.
   *
   * @param name default topic name (overridable in {@link KafkaOutputConfig})
   * @param stage the producing stage, the last segment of the CloudEvents {@code source}
   * @param key the Kafka message key (same key, same partition, so per-key order holds)
   * @param eventTime event time in epoch milliseconds, used as the Kafka record timestamp
   * @param eventType the CloudEvents {@code type}
   * @param subject the CloudEvents {@code subject}
   * @param eventId the CloudEvents {@code id}, unique per distinct event (source + id)
   */
  public static <T extends SpecificRecord> OutputTopic<T> create(
      String name,
      Class<T> type,
      String stage,
      SerializableFunction<T, String> key,
      SerializableFunction<T, Long> eventTime,
      SerializableFunction<T, String> eventType,
      SerializableFunction<T, String> subject,
      SerializableFunction<T, String> eventId) {
    return new OutputTopic<>(name, type, stage, key, eventTime, eventType, subject, eventId);
  }

  public String name() {
    return name;
  }

  public Class<T> type() {
    return type;
  }

  public String stage() {
    return stage;
  }

  public String key(T record) {
    return key.apply(record);
  }

  public long eventTime(T record) {
    Long t = eventTime.apply(record);
    return t == null ? Long.MIN_VALUE : t;
  }

  public String eventType(T record) {
    return eventType.apply(record);
  }

  public String subject(T record) {
    return subject.apply(record);
  }

  public String eventId(T record) {
    return eventId.apply(record);
  }
}
