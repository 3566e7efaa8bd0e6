package io.signalfold.ingest.internal;

import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.EdgeResolution;

/** One observed call from a caller to a callee (one client span), before interval aggregation. */
public final class EdgeObservation {
  public String caller;
  public String callerOperation;
  public String callee;
  public String calleeOperation;
  public DependencyKind calleeKind;
  public String calleeSystem;
  public EdgeResolution resolution;
  public double calls;
  public boolean error;
  public double durationMs;
  public String traceId;

  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public long kafkaTimestampMs;

  public EdgeObservation() {}

  public String key() {
    return caller
        + "|"
        + callerOperation
        + "|"
        + callee
        + "|"
        + calleeOperation
        + "|"
        + calleeKind
        + "|"
        + resolution;
  }

  static EdgeObservation of(
      SpanRecord client,
      String callee,
      String calleeOperation,
      DependencyKind kind,
      String system,
      EdgeResolution resolution) {
    EdgeObservation o = new EdgeObservation();
    o.caller = client.service;
    o.callerOperation = client.operation;
    o.callee = callee;
    o.calleeOperation = calleeOperation;
    o.calleeKind = kind;
    o.calleeSystem = system;
    o.resolution = resolution;
    o.calls = client.weight;
    o.error = client.error;
    o.durationMs = client.durationMs;
    o.traceId = client.traceId;
    o.sourceTopic = client.sourceTopic;
    o.sourcePartition = client.sourcePartition;
    o.sourceOffset = client.sourceOffset;
    o.kafkaTimestampMs = client.kafkaTimestampMs;
    return o;
  }
}
