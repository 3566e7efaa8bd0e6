package io.signalfold.sinks.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.signalfold.sinks.AvroEncoding;
import io.signalfold.sinks.AvroJson;
import io.signalfold.sinks.OutputTopic;
import io.signalfold.sinks.RecordRedaction;
import io.signalfold.sinks.Redactor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns one output record into one Kafka message: Avro single-object bytes or a structured-mode
 * CloudEvents 1.0 JSON document. The Kafka timestamp is always the record's event time (records
 * emitted from end-of-input timers carry Flink timestamp Long.MAX_VALUE, which brokers reject).
 */
public final class OutputRecordSerializer<T extends SpecificRecord>
    implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {

  private static final long serialVersionUID = 1L;

  /** Content type of structured-mode CloudEvents (CloudEvents Kafka protocol binding). */
  public static final String CLOUDEVENTS_CONTENT_TYPE =
      "application/cloudevents+json; charset=UTF-8";

  /** Epoch millis beyond this are not real event times (year 9999). */
  private static final long MAX_REAL_TIME_MS = 253402300799999L;

  /** The two message formats. */
  public enum Format {
    AVRO,
    CLOUDEVENTS_JSON
  }

  private final OutputTopic<T> topic;
  private final String topicName;
  private final Format format;
  private final String source;
  private final Redactor redactor;
  private final Clock fallbackClock;
  private transient JsonFormat jsonFormat;
  private transient URI sourceUri;

  public OutputRecordSerializer(
      OutputTopic<T> topic,
      String topicName,
      Format format,
      String cloudEventsSource,
      Redactor redactor,
      Clock fallbackClock) {
    this.topic = topic;
    this.topicName = topicName;
    this.format = format;
    this.source = cloudEventsSource.endsWith("/") ? cloudEventsSource : cloudEventsSource + "/";
    this.redactor = redactor;
    this.fallbackClock = fallbackClock;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ts) {
    T record = redactor == null ? element : RecordRedaction.redact(element, redactor);
    long time = realTimestamp(topic.eventTime(record), ts, fallbackClock);
    byte[] key = topic.key(record).getBytes(StandardCharsets.UTF_8);
    RecordHeaders headers = new RecordHeaders();
    byte[] value;
    if (format == Format.AVRO) {
      value = AvroEncoding.encode(record);
      headers.add("content-type", AvroEncoding.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
    } else {
      value = cloudEvent(record, time);
      headers.add("content-type", CLOUDEVENTS_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(topicName, null, time, key, value, headers);
  }

  private byte[] cloudEvent(T record, long time) {
    if (jsonFormat == null) {
      jsonFormat = new JsonFormat();
      sourceUri = URI.create(source + topic.stage());
    }
    CloudEvent event =
        CloudEventBuilder.v1()
            .withId(topic.eventId(record))
            .withSource(sourceUri)
            .withType(topic.eventType(record))
            .withSubject(topic.subject(record))
            .withTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(time), ZoneOffset.UTC))
            .withDataContentType("application/json")
            .withData(JsonCloudEventData.wrap(AvroJson.toJson(record)))
            .build();
    return jsonFormat.serialize(event);
  }

  /** The target topic, for lineage and for the POOLING transaction naming strategy. */
  @Override
  public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
    return Optional.of(
        new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topicName))));
  }

  /**
   * The event time when it is a real time; else the Flink record timestamp when real; else the wall
   * clock. Never Long.MAX_VALUE, never negative.
   */
  public static long realTimestamp(long eventTime, Long flinkTimestamp, Clock fallbackClock) {
    if (eventTime >= 0 && eventTime <= MAX_REAL_TIME_MS) {
      return eventTime;
    }
    if (flinkTimestamp != null && flinkTimestamp >= 0 && flinkTimestamp <= MAX_REAL_TIME_MS) {
      return flinkTimestamp;
    }
    return fallbackClock.millis();
  }

  /** Shared JSON reader for tests and tools that parse the CloudEvents back. */
  public static ObjectMapper objectMapper() {
    return new ObjectMapper();
  }
}
