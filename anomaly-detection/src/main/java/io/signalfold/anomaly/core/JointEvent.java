package io.signalfold.anomaly.core;

import io.signalfold.schema.AnomalyPhase;

/**
 * One published transition of a joint-check episode of one entity. Mutable and reused by the check
 * so that the per-vector path does not allocate.
 */
public final class JointEvent {

  /** How many contributors an event names at most. */
  public static final int CONTRIBUTORS = 3;

  AnomalyPhase phase;
  long timestampMs;
  long onsetMs;
  double distance;
  double typicalDistance;
  double upperDistance;
  double score;
  boolean accepted;
  long historyVectors;
  long historyMs;
  final int[] contributorSlots = new int[CONTRIBUTORS];
  final double[] contributorShares = new double[CONTRIBUTORS];
  int contributorCount;

  public AnomalyPhase phase() {
    return phase;
  }

  /** Event time of the vector (end of its bucket). */
  public long timestampMs() {
    return timestampMs;
  }

  /** Event time of the first flagged vector of the episode; part of its stable id. */
  public long onsetMs() {
    return onsetMs;
  }

  /** Mahalanobis distance of the standardized vector (square root of the quadratic form). */
  public double distance() {
    return distance;
  }

  /** The entity's typical distance (exponentially weighted mean over in-band vectors). */
  public double typicalDistance() {
    return typicalDistance;
  }

  /** The distance at which a vector of this many metrics reaches the investigate score. */
  public double upperDistance() {
    return upperDistance;
  }

  public double score() {
    return score;
  }

  /** A RECOVERED event that closes an episode lasting {@code acceptMs} as the new normal. */
  public boolean accepted() {
    return accepted;
  }

  public long historyVectors() {
    return historyVectors;
  }

  public long historyMs() {
    return historyMs;
  }

  /** How many contributors are named (0 to {@link #CONTRIBUTORS}). */
  public int contributorCount() {
    return contributorCount;
  }

  /** Slot of the i-th largest contributor to the distance. */
  public int contributorSlot(int i) {
    return contributorSlots[i];
  }

  /** Share of the squared distance the i-th contributor accounts for (may exceed 1 or be < 0). */
  public double contributorShare(int i) {
    return contributorShares[i];
  }
}
