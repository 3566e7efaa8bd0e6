package io.signalfold.ingest.internal;

/** Last cumulative totals of one series (keyed state of {@link CumulativeToDeltaFunction}). */
public final class CumulativeState {
  public long startNanos;
  public long timeNanos;
  public double value;
  public long count;
  public double sum;
  public long[] explicit = new long[0];
  public int scale;
  public int positiveOffset;
  public long[] positive = new long[0];
  public int negativeOffset;
  public long[] negative = new long[0];
  public long zeroCount;
  public long lastSeenMs;
  public long timerMs;

  public CumulativeState() {}
}
