package io.signalfold.ingest;

import java.util.Optional;
import javax.annotation.Nullable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The raw input streams of the ingest stage: Kafka records of the metrics, logs, spans and change
 * events topics. Any of them may be absent. Tests build it from bounded sources; production uses
 * {@link #fromKafka}.
 */
public final class IngestSources {

  @Nullable private final DataStream<RawTelemetry> metrics;
  @Nullable private final DataStream<RawTelemetry> logs;
  @Nullable private final DataStream<RawTelemetry> spans;
  @Nullable private final DataStream<RawTelemetry> changeEvents;

  private IngestSources(Builder b) {
    this.metrics = b.metrics;
    this.logs = b.logs;
    this.spans = b.spans;
    this.changeEvents = b.changeEvents;
    if (metrics == null && logs == null && spans == null && changeEvents == null) {
      throw new IllegalArgumentException("IngestSources needs at least one input stream");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Attaches one Kafka source per configured topic to {@code env} (uids {@code
   * ingest-source-metrics}, {@code -logs}, {@code -spans}, {@code -changes}). Watermarks are
   * assigned after decoding, on event times, so the sources carry none.
   */
  public static IngestSources fromKafka(
      StreamExecutionEnvironment env, KafkaTelemetrySources kafka) {
    Builder b = builder();
    b.metrics(attach(env, kafka.metricsSource(), "metrics"));
    b.logs(attach(env, kafka.logsSource(), "logs"));
    b.spans(attach(env, kafka.spansSource(), "spans"));
    b.changeEvents(attach(env, kafka.changeEventsSource(), "changes"));
    return b.build();
  }

  @Nullable
  private static DataStream<RawTelemetry> attach(
      StreamExecutionEnvironment env, Optional<KafkaSource<RawTelemetry>> source, String what) {
    if (source.isEmpty()) {
      return null;
    }
    return env.fromSource(source.get(), WatermarkStrategy.noWatermarks(), "kafka-" + what)
        .uid("ingest-source-" + what)
        .name("Kafka source: " + what);
  }

  public Optional<DataStream<RawTelemetry>> metrics() {
    return Optional.ofNullable(metrics);
  }

  public Optional<DataStream<RawTelemetry>> logs() {
    return Optional.ofNullable(logs);
  }

  public Optional<DataStream<RawTelemetry>> spans() {
    return Optional.ofNullable(spans);
  }

  public Optional<DataStream<RawTelemetry>> changeEvents() {
    return Optional.ofNullable(changeEvents);
  }

  /** Builder; set the streams you have. */
  public static final class Builder {
    private DataStream<RawTelemetry> metrics;
    private DataStream<RawTelemetry> logs;
    private DataStream<RawTelemetry> spans;
    private DataStream<RawTelemetry> changeEvents;

    private Builder() {}

    public Builder metrics(@Nullable DataStream<RawTelemetry> v) {
      this.metrics = v;
      return this;
    }

    public Builder logs(@Nullable DataStream<RawTelemetry> v) {
      this.logs = v;
      return this;
    }

    public Builder spans(@Nullable DataStream<RawTelemetry> v) {
      this.spans = v;
      return this;
    }

    public Builder changeEvents(@Nullable DataStream<RawTelemetry> v) {
      this.changeEvents = v;
      return this;
    }

    public IngestSources build() {
      return new IngestSources(this);
    }
  }
}
