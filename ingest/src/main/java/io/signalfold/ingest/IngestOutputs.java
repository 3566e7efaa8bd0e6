package io.signalfold.ingest;

import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The normalized signals the ingest stage produces. A stream whose input was absent is empty, never
 * null.
 */
public final class IngestOutputs {

  private final DataStream<MetricPoint> metricPoints;
  private final DataStream<RedPoint> redPoints;
  private final DataStream<CallEdge> callEdges;
  private final DataStream<LogSignal> logSignals;
  private final DataStream<ChangeEvent> changeEvents;
  private final DataStream<DeadLetter> deadLetters;

  IngestOutputs(
      DataStream<MetricPoint> metricPoints,
      DataStream<RedPoint> redPoints,
      DataStream<CallEdge> callEdges,
      DataStream<LogSignal> logSignals,
      DataStream<ChangeEvent> changeEvents,
      DataStream<DeadLetter> deadLetters) {
    this.metricPoints = metricPoints;
    this.redPoints = redPoints;
    this.callEdges = callEdges;
    this.logSignals = logSignals;
    this.changeEvents = changeEvents;
    this.deadLetters = deadLetters;
  }

  /** Metric data points; cumulative series as deltas with a rate; event time = point time. */
  public DataStream<MetricPoint> metricPoints() {
    return metricPoints;
  }

  /** RED points per series per interval (operation series plus service '*' rollups). */
  public DataStream<RedPoint> redPoints() {
    return redPoints;
  }

  /** Call-graph edges per interval. */
  public DataStream<CallEdge> callEdges() {
    return callEdges;
  }

  /** Severity counts and template counts per interval. */
  public DataStream<LogSignal> logSignals() {
    return logSignals;
  }

  /** Change events from the change-events topic plus derived deploys (derived=true). */
  public DataStream<ChangeEvent> changeEvents() {
    return changeEvents;
  }

  /** Everything that could not be used, with the reason and the source coordinates. */
  public DataStream<DeadLetter> deadLetters() {
    return deadLetters;
  }
}
