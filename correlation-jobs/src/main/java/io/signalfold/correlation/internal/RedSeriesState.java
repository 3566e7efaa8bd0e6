package io.signalfold.correlation.internal;

/**
 * What is known of one service/operation/span-kind/peer RED series besides its interval counts
 * (which live in their own small state entries, one per interval): identity, interval length, the
 * latest failing and slow trace ids, and a bounded digest of error messages. Public mutable fields:
 * keyed state (Flink POJO).
 */
public final class RedSeriesState {

  public String service;
  public String operation;

  /** SpanKind ordinal. */
  public int spanKind;

  public String peer;

  /** DependencyKind ordinal of the peer, or -1. */
  public int peerKind = -1;

  public long intervalMs;

  /** Oldest slot start still stored (slots before it were deleted by cleanup). */
  public long firstIntervalStartMs = Long.MAX_VALUE;

  /** Oldest slot start whose impact sketches may still be stored. */
  public long firstSketchSlotMs = Long.MAX_VALUE;

  public long lastIntervalEndMs;
  public String[] errorTraceIds = new String[0];
  public String[] slowTraceIds = new String[0];

  /** Bounded error-message digest: text, weighted count, last seen. */
  public String[] messages = new String[0];

  public double[] messageCounts = new double[0];
  public long[] messageLastMs = new long[0];

  public RedSeriesState() {}
}
