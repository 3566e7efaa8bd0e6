package io.signalfold.job;

import io.signalfold.correlation.JsonMessage;
import io.signalfold.ingest.IngestSources;
import io.signalfold.slo.SloDefinition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.annotation.Nullable;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What the job graph reads: the raw telemetry streams, the optional external-alert and feedback
 * JSON streams (message text, Flink timestamp = Kafka record time), and the SLO definitions.
 * Production builds it from Kafka ({@link SignalfoldJob}); tests from any bounded sources.
 */
public final class PipelineInputs {

  private final IngestSources telemetry;
  @Nullable private final DataStream<JsonMessage> externalAlertJson;
  @Nullable private final DataStream<JsonMessage> feedbackJson;
  private final List<SloDefinition> sloDefinitions;

  private PipelineInputs(Builder b) {
    this.telemetry = Objects.requireNonNull(b.telemetry, "telemetry");
    this.externalAlertJson = b.externalAlertJson;
    this.feedbackJson = b.feedbackJson;
    this.sloDefinitions = List.copyOf(b.sloDefinitions);
  }

  public static Builder builder(IngestSources telemetry) {
    return new Builder(telemetry);
  }

  public IngestSources telemetry() {
    return telemetry;
  }

  public Optional<DataStream<JsonMessage>> externalAlertJson() {
    return Optional.ofNullable(externalAlertJson);
  }

  public Optional<DataStream<JsonMessage>> feedbackJson() {
    return Optional.ofNullable(feedbackJson);
  }

  public List<SloDefinition> sloDefinitions() {
    return sloDefinitions;
  }

  /** Builder; only the telemetry is required. */
  public static final class Builder {
    private final IngestSources telemetry;
    private DataStream<JsonMessage> externalAlertJson;
    private DataStream<JsonMessage> feedbackJson;
    private List<SloDefinition> sloDefinitions = List.of();

    private Builder(IngestSources telemetry) {
      this.telemetry = telemetry;
    }

    /** External alert webhooks as text (Alertmanager v4, Grafana, Prometheus alert arrays). */
    public Builder externalAlertJson(@Nullable DataStream<JsonMessage> v) {
      this.externalAlertJson = v;
      return this;
    }

    /** Incident feedback as text, one JSON object per element. */
    public Builder feedbackJson(@Nullable DataStream<JsonMessage> v) {
      this.feedbackJson = v;
      return this;
    }

    public Builder sloDefinitions(List<SloDefinition> v) {
      this.sloDefinitions = Objects.requireNonNull(v, "sloDefinitions");
      return this;
    }

    public PipelineInputs build() {
      return new PipelineInputs(this);
    }
  }
}
