package io.signalfold.anomaly.core;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;

/**
 * One published transition of an anomaly episode on one series. Mutable and reused by the detector
 * so that the per-point path does not allocate; {@link #escalation()} tells whether a CONTINUING
 * record raised the tier or the score (the NAB harness counts those, not refreshes).
 */
public final class EpisodeEvent {

  AnomalyPhase phase;
  AnomalyKind kind;
  AnomalyKind openingKind;
  AnomalyTier tier;
  Direction direction;
  long timestampMs;
  long onsetMs;
  double value;
  double expected;
  double lower;
  double upper;
  double score;
  boolean escalation;
  boolean recurring;
  double recurringMagnitude;
  double slopePerHour;
  double limit = Double.NaN;
  long timeToLimitMs = -1;
  long historyPoints;
  long historyMs;
  boolean onsetCensored;

  public AnomalyPhase phase() {
    return phase;
  }

  /** The current kind (a SPIKE that persists is refined to LEVEL_SHIFT). */
  public AnomalyKind kind() {
    return kind;
  }

  /** The kind the episode opened with; part of its stable id. */
  public AnomalyKind openingKind() {
    return openingKind;
  }

  public AnomalyTier tier() {
    return tier;
  }

  public Direction direction() {
    return direction;
  }

  public long timestampMs() {
    return timestampMs;
  }

  public long onsetMs() {
    return onsetMs;
  }

  public double value() {
    return value;
  }

  public double expected() {
    return expected;
  }

  public double lower() {
    return lower;
  }

  public double upper() {
    return upper;
  }

  /** Anomaly score in [0, 1]. */
  public double score() {
    return score;
  }

  /** True for OPEN, and for a CONTINUING record that raised the tier or the score markedly. */
  public boolean escalation() {
    return escalation;
  }

  public boolean recurring() {
    return recurring;
  }

  /** Typical size of the recurring deviation in the series' unit (NaN when not recurring). */
  public double recurringMagnitude() {
    return recurringMagnitude;
  }

  /** Trend slope per hour (TREND and DRIFT; NaN otherwise). */
  public double slopePerHour() {
    return slopePerHour;
  }

  /** Limit the trend heads to (NaN when none is configured). */
  public double limit() {
    return limit;
  }

  /** Forecast time until the limit is reached, or -1. */
  public long timeToLimitMs() {
    return timeToLimitMs;
  }

  public long historyPoints() {
    return historyPoints;
  }

  public long historyMs() {
    return historyMs;
  }

  /**
   * The series was already off its baseline when it first had enough history to alert: the
   * deviation began at an unknown time before {@link #onsetMs()}.
   */
  public boolean onsetCensored() {
    return onsetCensored;
  }
}
