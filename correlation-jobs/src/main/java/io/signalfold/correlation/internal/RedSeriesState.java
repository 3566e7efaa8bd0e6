package io.signalfold.correlation.internal;

/**
 * Recent history of one service/operation/span-kind/peer RED series: a ring of interval counts (for
 * failure rates since onset and the baseline before it), plus the latest failing trace ids, error
 * messages and span event counts (throttling, exceptions). Public mutable fields: keyed state.
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
  public long[] slotStart = new long[0];
  public double[] requests = new double[0];
  public double[] errors = new double[0];
  public double[] p95 = new double[0];
  public double[] throttled = new double[0];

  /** Slots whose impact sketches were stored (bit per slot index, as 0/1). */
  public boolean[] hasSketch = new boolean[0];

  public long lastIntervalEndMs;
  public String[] errorTraceIds = new String[0];
  public String[] slowTraceIds = new String[0];

  /** Bounded error-message digest: text, weighted count, last seen. */
  public String[] messages = new String[0];

  public double[] messageCounts = new double[0];
  public long[] messageLastMs = new long[0];

  public RedSeriesState() {}
}
