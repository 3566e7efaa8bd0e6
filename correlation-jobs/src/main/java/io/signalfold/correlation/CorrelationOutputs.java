package io.signalfold.correlation;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.IncidentCandidate;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What the correlation stage produces: incident candidates (every version), NEW_DEPENDENCY
 * anomalies for the anomaly feed, and dead letters (unparseable alert/feedback JSON, feedback for
 * unknown candidates, RED points later than the rollup window).
 */
public final class CorrelationOutputs {

  private final DataStream<IncidentCandidate> candidates;
  private final DataStream<Anomaly> topologyAnomalies;
  private final DataStream<DeadLetter> deadLetters;

  CorrelationOutputs(
      DataStream<IncidentCandidate> candidates,
      DataStream<Anomaly> topologyAnomalies,
      DataStream<DeadLetter> deadLetters) {
    this.candidates = candidates;
    this.topologyAnomalies = topologyAnomalies;
    this.deadLetters = deadLetters;
  }

  public DataStream<IncidentCandidate> candidates() {
    return candidates;
  }

  /** Anomalies of kind NEW_DEPENDENCY, source TOPOLOGY: union them into the anomaly feed. */
  public DataStream<Anomaly> topologyAnomalies() {
    return topologyAnomalies;
  }

  public DataStream<DeadLetter> deadLetters() {
    return deadLetters;
  }
}
