package io.signalfold.ingest.internal;

import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SpanKind;

/**
 * The parts of one span that RED aggregation and edge matching need, plus where it came from (for a
 * TOO_LATE dead letter). A Flink POJO.
 */
public final class SpanRecord implements KafkaSourced {
  public String traceId;
  public String spanId;

  /** Empty for a root span. */
  public String parentSpanId;

  public String service;
  public String operation;
  public SpanKind kind;
  public ResourceContext resource;

  public long startMs;
  public double durationMs;
  public boolean error;
  public String statusClass;

  /** Status message or exception type of a failing span; null otherwise. */
  public String errorMessage;

  /** Event names, one entry per event. */
  public String[] eventNames;

  /** CLIENT/PRODUCER: the called service or dependency; null when no attribute names it. */
  public String peer;

  public DependencyKind peerKind;
  public String peerSystem;

  /** A client span to a dependency that has no telemetry of its own (database, queue). */
  public boolean external;

  /** Sampling adjusted count (1 when not sampled). */
  public double weight;

  /** Values of the configured impact attributes on failing spans (null entries when absent). */
  public String[] impactValues;

  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public long kafkaTimestampMs;

  public SpanRecord() {}

  public String getTraceId() {
    return traceId;
  }

  @Override
  public int sourcePartition() {
    return sourcePartition;
  }

  @Override
  public long kafkaTimestampMs() {
    return kafkaTimestampMs;
  }
}
