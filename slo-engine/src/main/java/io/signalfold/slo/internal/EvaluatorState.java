package io.signalfold.slo.internal;

import java.util.Arrays;

/**
 * The mutable per-SLO (per group) state of the evaluator: two bucket rings and the alert state
 * machines, in primitive arrays sized once. This is what lives in Flink keyed state (serialized by
 * {@link EvaluatorStateSerializer}).
 *
 * <p>Fine buckets are floats: per-bucket counts are exact integers up to 2^24 (16.7 million events
 * per bucket) and weighted counts keep a relative precision of 6e-8; window sums are done in
 * doubles. Coarse buckets are doubles.
 */
public final class EvaluatorState {

  public static final long NONE = Long.MIN_VALUE;

  public static final byte INACTIVE = 0;
  public static final byte PENDING = 1;
  public static final byte FIRING = 2;

  /** Canonical group labels, {@code operation=GET /x,zone=az-1}, empty when ungrouped. */
  public String groupKey;

  public long fineHead = NONE;
  public float[] fineBad;
  public float[] fineTotal;
  public long coarseHead = NONE;
  public double[] coarseBad;
  public double[] coarseTotal;

  /** Last evaluated fine bucket and instant; NONE before the first evaluation. */
  public long evalBucket = NONE;

  public long lastEvalMs = NONE;
  public long lastDataMs = NONE;
  public long nextStatusMs = NONE;
  public byte lastStatus = -1;
  public long lateEvents;

  /** Per rule (burn-rate rules first, then budget rules). */
  public final byte[] ruleState;

  public final long[] activeSinceMs;
  public final long[] firingSinceMs;
  public final long[] keepFiringSinceMs;

  EvaluatorState(String groupKey, int fineSize, int coarseSize, int rules) {
    this.groupKey = groupKey;
    this.fineBad = new float[fineSize];
    this.fineTotal = new float[fineSize];
    this.coarseBad = new double[coarseSize];
    this.coarseTotal = new double[coarseSize];
    this.ruleState = new byte[rules];
    this.activeSinceMs = new long[rules];
    this.firingSinceMs = new long[rules];
    this.keepFiringSinceMs = new long[rules];
    Arrays.fill(activeSinceMs, NONE);
    Arrays.fill(firingSinceMs, NONE);
    Arrays.fill(keepFiringSinceMs, NONE);
  }

  /** Bytes of the arrays and fields, as held on the heap (object headers included). */
  public long retainedBytes() {
    long arrays =
        arrayBytes(fineBad.length, 4) * 2
            + arrayBytes(coarseBad.length, 8) * 2
            + arrayBytes(ruleState.length, 1)
            + arrayBytes(activeSinceMs.length, 8) * 3;
    long self = 16 + 8 * 8 + 4 + 1 + 4 * 10;
    long key = groupKey == null ? 0 : 40 + groupKey.length();
    return arrays + self + key;
  }

  private static long arrayBytes(int n, int width) {
    long raw = 16 + (long) n * width;
    return (raw + 7) / 8 * 8;
  }

  /**
   * Re-lays the fine ring out with {@code size} buckets, keeping the newest buckets that fit (the
   * ring grows while data runs ahead of evaluation and shrinks back afterwards).
   */
  public void resizeFine(int size) {
    float[] b = new float[size];
    float[] t = new float[size];
    if (fineHead != NONE) {
      int old = fineBad.length;
      long from = Math.max(fineHead - old + 1, fineHead - size + 1);
      for (long k = from; k <= fineHead; k++) {
        int src = (int) Math.floorMod(k, (long) old);
        int dst = (int) Math.floorMod(k, (long) size);
        b[dst] = fineBad[src];
        t[dst] = fineTotal[src];
      }
    }
    fineBad = b;
    fineTotal = t;
  }

  /** As {@link #resizeFine} for the coarse ring. */
  public void resizeCoarse(int size) {
    double[] b = new double[size];
    double[] t = new double[size];
    if (coarseHead != NONE) {
      int old = coarseBad.length;
      long from = Math.max(coarseHead - old + 1, coarseHead - size + 1);
      for (long k = from; k <= coarseHead; k++) {
        int src = (int) Math.floorMod(k, (long) old);
        int dst = (int) Math.floorMod(k, (long) size);
        b[dst] = coarseBad[src];
        t[dst] = coarseTotal[src];
      }
    }
    coarseBad = b;
    coarseTotal = t;
  }

  /** Whether any alert is pending or firing. */
  public boolean anyActive() {
    for (byte b : ruleState) {
      if (b != INACTIVE) {
        return true;
      }
    }
    return false;
  }
}
