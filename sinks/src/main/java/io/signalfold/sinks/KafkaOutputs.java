package io.signalfold.sinks;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.sinks.internal.OutputRecordSerializer;
import io.signalfold.sinks.internal.OutputRecordSerializer.Format;
import java.util.Objects;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Attaches the Kafka output sinks to the pipeline's streams: for each topic an Avro sink (Avro
 * single-object encoding, see {@link AvroEncoding}) and a CloudEvents-JSON twin on {@code
 * <topic>.json}, exactly-once by default (Kafka transactions committed on Flink checkpoints;
 * consumers must read with {@code isolation.level=read_committed}).
 *
 * <pre>{@code
 * KafkaOutputs out = KafkaOutputs.create(KafkaOutputConfig.builder(bootstrap).build());
 * out.incidentCandidates(candidates);
 * out.anomalies(anomalies);
 * }</pre>
 *
 * <p>Each sink has the uid {@code sink-<topic>-avro} / {@code sink-<topic>-json} and the
 * transactional id prefix {@code <prefix>-<topic>-avro|json}, so several sinks (and several jobs
 * with different prefixes) never fence each other.
 */
public final class KafkaOutputs {

  private final KafkaOutputConfig config;

  private KafkaOutputs(KafkaOutputConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public static KafkaOutputs create(KafkaOutputConfig config) {
    return new KafkaOutputs(config);
  }

  public KafkaOutputConfig config() {
    return config;
  }

  public void incidentCandidates(DataStream<IncidentCandidate> stream) {
    attach(stream, OutputTopics.INCIDENT_CANDIDATES);
  }

  public void anomalies(DataStream<Anomaly> stream) {
    attach(stream, OutputTopics.ANOMALIES);
  }

  public void sloAlerts(DataStream<SloBurnAlert> stream) {
    attach(stream, OutputTopics.SLO_ALERTS);
  }

  public void sloStatuses(DataStream<SloStatus> stream) {
    attach(stream, OutputTopics.SLO_STATUS);
  }

  public void deadLetters(DataStream<DeadLetter> stream) {
    attach(stream, OutputTopics.DEAD_LETTERS);
  }

  /** Attaches the configured formats of {@code topic} to {@code stream}. */
  public <T extends SpecificRecord> void attach(DataStream<T> stream, OutputTopic<T> topic) {
    String name = config.topicName(topic.name());
    if (config.avro()) {
      stream.sinkTo(sink(topic, Format.AVRO)).uid("sink-" + name + "-avro").name("kafka " + name);
    }
    if (config.json()) {
      String jsonName = name + config.jsonSuffix();
      stream
          .sinkTo(sink(topic, Format.CLOUDEVENTS_JSON))
          .uid("sink-" + name + "-json")
          .name("kafka " + jsonName);
    }
  }

  /** The Kafka sink for one topic and format (for callers that wire sinks themselves). */
  public <T extends SpecificRecord> KafkaSink<T> sink(OutputTopic<T> topic, Format format) {
    String name = config.topicName(topic.name());
    String topicName = format == Format.AVRO ? name : name + config.jsonSuffix();
    Redactor redactor = config.redact() ? Redactor.create(config.redactIpAddresses()) : null;
    Properties props = config.producerProperties();
    props.setProperty(
        "transaction.timeout.ms", Long.toString(config.transactionTimeout().toMillis()));
    var builder =
        KafkaSink.<T>builder()
            .setBootstrapServers(config.bootstrapServers())
            .setKafkaProducerConfig(props)
            .setDeliveryGuarantee(config.deliveryGuarantee())
            .setRecordSerializer(
                new OutputRecordSerializer<>(
                    topic,
                    topicName,
                    format,
                    config.cloudEventsSource(),
                    redactor,
                    config.fallbackClock()));
    if (config.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
      builder.setTransactionNamingStrategy(config.transactionNamingStrategy());
      builder.setTransactionalIdPrefix(
          config.transactionalIdPrefix()
              + "-"
              + name
              + (format == Format.AVRO ? "-avro" : "-json"));
    }
    return builder.build();
  }
}
