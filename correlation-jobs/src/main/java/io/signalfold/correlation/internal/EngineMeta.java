package io.signalfold.correlation.internal;

/**
 * Per-domain bookkeeping of the engine: event-time progress, cleanup schedule, counters for the
 * raw-signal-to-candidate ratio. Public mutable fields: keyed state (Flink POJO).
 */
public final class EngineMeta {

  /** Largest event time of any input seen (end of input never resolves past it). */
  public long maxEventTimeMs = Long.MIN_VALUE;

  /** First call edge seen: no NEW_DEPENDENCY events until the topology has warmed up. */
  public long topologyStartMs = Long.MIN_VALUE;

  public long nextCleanupMs = Long.MIN_VALUE;
  public long nextSlowCleanupMs = Long.MIN_VALUE;

  /** Raw anomaly/alert records processed. */
  public long rawSignals;

  public long candidatesOpened;
  public long candidatesResolved;
  public long transientDiscarded;

  public EngineMeta() {}
}
