package io.signalfold.correlation;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SloBurnAlert;
import java.util.Optional;
import javax.annotation.Nullable;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The streams the correlation stage reads; any may be absent. Records carry event timestamps from
 * upstream (or set {@code inputs.reassign-timestamps}). The two JSON topics are given as the raw
 * message text (the Kafka record value as UTF-8, its timestamp as the element timestamp): the stage
 * parses them and dead-letters what it cannot use. Already parsed alerts and feedback may be given
 * instead.
 */
public final class CorrelationInputs {

  @Nullable private final DataStream<Anomaly> anomalies;
  @Nullable private final DataStream<SloBurnAlert> sloAlerts;
  @Nullable private final DataStream<CallEdge> callEdges;
  @Nullable private final DataStream<ChangeEvent> changeEvents;
  @Nullable private final DataStream<RedPoint> redPoints;
  @Nullable private final DataStream<MetricPoint> metricPoints;
  @Nullable private final DataStream<LogSignal> logSignals;
  @Nullable private final DataStream<JsonMessage> externalAlertJson;
  @Nullable private final DataStream<ExternalAlert> externalAlerts;
  @Nullable private final DataStream<JsonMessage> feedbackJson;
  @Nullable private final DataStream<HypothesisFeedback> feedback;

  private CorrelationInputs(Builder b) {
    anomalies = b.anomalies;
    sloAlerts = b.sloAlerts;
    callEdges = b.callEdges;
    changeEvents = b.changeEvents;
    redPoints = b.redPoints;
    metricPoints = b.metricPoints;
    logSignals = b.logSignals;
    externalAlertJson = b.externalAlertJson;
    externalAlerts = b.externalAlerts;
    feedbackJson = b.feedbackJson;
    feedback = b.feedback;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<DataStream<Anomaly>> anomalies() {
    return Optional.ofNullable(anomalies);
  }

  public Optional<DataStream<SloBurnAlert>> sloAlerts() {
    return Optional.ofNullable(sloAlerts);
  }

  public Optional<DataStream<CallEdge>> callEdges() {
    return Optional.ofNullable(callEdges);
  }

  public Optional<DataStream<ChangeEvent>> changeEvents() {
    return Optional.ofNullable(changeEvents);
  }

  public Optional<DataStream<RedPoint>> redPoints() {
    return Optional.ofNullable(redPoints);
  }

  public Optional<DataStream<MetricPoint>> metricPoints() {
    return Optional.ofNullable(metricPoints);
  }

  public Optional<DataStream<LogSignal>> logSignals() {
    return Optional.ofNullable(logSignals);
  }

  public Optional<DataStream<JsonMessage>> externalAlertJson() {
    return Optional.ofNullable(externalAlertJson);
  }

  public Optional<DataStream<ExternalAlert>> externalAlerts() {
    return Optional.ofNullable(externalAlerts);
  }

  public Optional<DataStream<JsonMessage>> feedbackJson() {
    return Optional.ofNullable(feedbackJson);
  }

  public Optional<DataStream<HypothesisFeedback>> feedback() {
    return Optional.ofNullable(feedback);
  }

  /** Builder; every stream is optional. */
  public static final class Builder {
    private DataStream<Anomaly> anomalies;
    private DataStream<SloBurnAlert> sloAlerts;
    private DataStream<CallEdge> callEdges;
    private DataStream<ChangeEvent> changeEvents;
    private DataStream<RedPoint> redPoints;
    private DataStream<MetricPoint> metricPoints;
    private DataStream<LogSignal> logSignals;
    private DataStream<JsonMessage> externalAlertJson;
    private DataStream<ExternalAlert> externalAlerts;
    private DataStream<JsonMessage> feedbackJson;
    private DataStream<HypothesisFeedback> feedback;

    private Builder() {}

    /** Anomalies from the anomaly stage. */
    public Builder anomalies(DataStream<Anomaly> s) {
      anomalies = s;
      return this;
    }

    public Builder sloAlerts(DataStream<SloBurnAlert> s) {
      sloAlerts = s;
      return this;
    }

    public Builder callEdges(DataStream<CallEdge> s) {
      callEdges = s;
      return this;
    }

    public Builder changeEvents(DataStream<ChangeEvent> s) {
      changeEvents = s;
      return this;
    }

    /** RED points for impact (failure rates, distinct counts) and dependency evidence. */
    public Builder redPoints(DataStream<RedPoint> s) {
      redPoints = s;
      return this;
    }

    /** Metric points: the configured business metric, and which services emit metrics. */
    public Builder metricPoints(DataStream<MetricPoint> s) {
      metricPoints = s;
      return this;
    }

    /** Log signals: which services emit logs (data gaps). */
    public Builder logSignals(DataStream<LogSignal> s) {
      logSignals = s;
      return this;
    }

    /** Raw Alertmanager / Grafana webhook payloads (topic external-alerts). */
    public Builder externalAlertJson(DataStream<JsonMessage> s) {
      externalAlertJson = s;
      return this;
    }

    public Builder externalAlerts(DataStream<ExternalAlert> s) {
      externalAlerts = s;
      return this;
    }

    /** Raw feedback messages (topic incident-feedback). */
    public Builder feedbackJson(DataStream<JsonMessage> s) {
      feedbackJson = s;
      return this;
    }

    public Builder feedback(DataStream<HypothesisFeedback> s) {
      feedback = s;
      return this;
    }

    public CorrelationInputs build() {
      if (anomalies == null
          && sloAlerts == null
          && externalAlertJson == null
          && externalAlerts == null) {
        throw new IllegalArgumentException(
            "correlation needs at least one signal input: anomalies, sloAlerts or external alerts");
      }
      return new CorrelationInputs(this);
    }
  }
}
