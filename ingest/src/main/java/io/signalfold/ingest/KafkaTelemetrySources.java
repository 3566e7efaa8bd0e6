package io.signalfold.ingest;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.annotation.Nullable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds the {@link KafkaSource}s of the input topics. Consumer properties (security settings such
 * as {@code security.protocol}, {@code sasl.*}, {@code ssl.*}) pass through unchanged. Each record
 * becomes a {@link RawTelemetry}; decoding happens in {@link IngestStage} so that undecodable
 * records keep their coordinates.
 */
public final class KafkaTelemetrySources {

  public static final String DEFAULT_METRICS_TOPIC = "otlp_metrics";
  public static final String DEFAULT_LOGS_TOPIC = "otlp_logs";
  public static final String DEFAULT_SPANS_TOPIC = "otlp_spans";
  public static final String DEFAULT_CHANGE_EVENTS_TOPIC = "change-events";

  private final String bootstrapServers;
  @Nullable private final String metricsTopic;
  @Nullable private final String logsTopic;
  @Nullable private final String spansTopic;
  @Nullable private final String changeEventsTopic;
  private final String groupId;
  private final Properties consumerProperties;
  private final OffsetsInitializer startingOffsets;
  private final boolean bounded;

  private KafkaTelemetrySources(Builder b) {
    this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "bootstrapServers");
    this.metricsTopic = b.metricsTopic;
    this.logsTopic = b.logsTopic;
    this.spansTopic = b.spansTopic;
    this.changeEventsTopic = b.changeEventsTopic;
    this.groupId = Objects.requireNonNull(b.groupId, "groupId");
    this.consumerProperties = new Properties();
    this.consumerProperties.putAll(b.consumerProperties);
    this.startingOffsets = Objects.requireNonNull(b.startingOffsets, "startingOffsets");
    this.bounded = b.bounded;
  }

  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  public Optional<KafkaSource<RawTelemetry>> metricsSource() {
    return source(metricsTopic);
  }

  public Optional<KafkaSource<RawTelemetry>> logsSource() {
    return source(logsTopic);
  }

  public Optional<KafkaSource<RawTelemetry>> spansSource() {
    return source(spansTopic);
  }

  public Optional<KafkaSource<RawTelemetry>> changeEventsSource() {
    return source(changeEventsTopic);
  }

  /** A source for any topic with these settings. */
  public KafkaSource<RawTelemetry> sourceFor(String topic) {
    var b =
        KafkaSource.<RawTelemetry>builder()
            .setBootstrapServers(bootstrapServers)
            .setTopics(topic)
            .setGroupId(groupId)
            .setProperties(consumerProperties)
            .setStartingOffsets(startingOffsets)
            .setDeserializer(new RawTelemetryDeserializer());
    if (bounded) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }

  private Optional<KafkaSource<RawTelemetry>> source(@Nullable String topic) {
    return topic == null ? Optional.empty() : Optional.of(sourceFor(topic));
  }

  /** Kafka record to {@link RawTelemetry}, keeping coordinates and the record timestamp. */
  static final class RawTelemetryDeserializer
      implements KafkaRecordDeserializationSchema<RawTelemetry> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawTelemetry> out)
        throws IOException {
      out.collect(
          RawTelemetry.create(
              r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
    }

    @Override
    public TypeInformation<RawTelemetry> getProducedType() {
      return TypeInformation.of(RawTelemetry.class);
    }
  }

  /** Builder; topics default to the wire conventions, a null topic disables that input. */
  public static final class Builder {
    private final String bootstrapServers;
    private String metricsTopic = DEFAULT_METRICS_TOPIC;
    private String logsTopic = DEFAULT_LOGS_TOPIC;
    private String spansTopic = DEFAULT_SPANS_TOPIC;
    private String changeEventsTopic = DEFAULT_CHANGE_EVENTS_TOPIC;
    private String groupId = "signalfold-ingest";
    private final Properties consumerProperties = new Properties();

    // The connector offers no replacement yet for Kafka's deprecated OffsetResetStrategy.
    @SuppressWarnings("deprecation")
    private OffsetsInitializer startingOffsets =
        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);

    private boolean bounded;

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    public Builder metricsTopic(@Nullable String v) {
      this.metricsTopic = v;
      return this;
    }

    public Builder logsTopic(@Nullable String v) {
      this.logsTopic = v;
      return this;
    }

    public Builder spansTopic(@Nullable String v) {
      this.spansTopic = v;
      return this;
    }

    public Builder changeEventsTopic(@Nullable String v) {
      this.changeEventsTopic = v;
      return this;
    }

    public Builder groupId(String v) {
      this.groupId = v;
      return this;
    }

    /** Extra consumer properties (security settings etc.), passed to the Kafka client as is. */
    public Builder consumerProperties(Properties v) {
      this.consumerProperties.putAll(v);
      return this;
    }

    public Builder consumerProperty(String key, String value) {
      this.consumerProperties.setProperty(key, value);
      return this;
    }

    /** Where to start: default committed offsets, else earliest. */
    public Builder startingOffsets(OffsetsInitializer v) {
      this.startingOffsets = v;
      return this;
    }

    /** Bounded mode: read up to the latest offsets at start, then finish (tests, replays). */
    public Builder bounded(boolean v) {
      this.bounded = v;
      return this;
    }

    public KafkaTelemetrySources build() {
      return new KafkaTelemetrySources(this);
    }
  }
}
