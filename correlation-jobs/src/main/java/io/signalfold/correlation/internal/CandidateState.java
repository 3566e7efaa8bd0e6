package io.signalfold.correlation.internal;

import io.signalfold.schema.HypothesisFeedback;

/**
 * One incident candidate's working state: lifecycle times, members, rate-limit bookkeeping, human
 * feedback, and the impact accumulated from RED points. The emitted {@code IncidentCandidate} is
 * rebuilt from this and the stores at every emission, so it never drifts from the evidence.
 *
 * <p>Public mutable fields: keyed state read by Flink's POJO serializer.
 */
public final class CandidateState {

  /** Statuses. PENDING candidates wait for their open deadline and have never been emitted. */
  public static final int PENDING = 0;

  public static final int OPEN = 1;
  public static final int UPDATED = 2;
  public static final int RESOLVED = 3;

  public String id;
  public int status;
  public int version;

  /** Series and onset bucket the id was derived from (for the record and for tests). */
  public String idSeries;

  public long createdMs;
  public long openDeadlineMs;
  public long openedAtMs;
  public long onsetMs;
  public long lastActivityMs;
  public long lastEmitMs;
  public long nextUpdateMs;
  public long resolveCheckMs;
  public long resolvedAtMs;
  public long retainUntilMs;

  /** Something changed since the last emission. */
  public boolean dirty;

  /** The change is worth an update at the short rate limit (membership, ranking, lifecycle). */
  public boolean significant;

  public String[] signalKeys = new String[0];
  public long rawSignalCount;

  public HypothesisFeedback[] feedback = new HypothesisFeedback[0];

  /** RED series folded into the impact, with totals and the event time folded up to. */
  public String[] impactSeries = new String[0];

  public double[] impactRequests = new double[0];
  public double[] impactErrors = new double[0];
  public double[] impactBaselineRate = new double[0];
  public long[] impactFoldedUntilMs = new long[0];

  /** Union HLL sketch per configured impact attribute (same order as the config list). */
  public byte[][] sketches = new byte[0][];

  /** Change ids ranked or ruled out at the last emission (kept alive while referenced). */
  public String[] linkedChangeIds = new String[0];

  public CandidateState() {}

  public boolean isLive() {
    return status == OPEN || status == UPDATED;
  }

  /** The earliest time this candidate needs attention, or Long.MAX_VALUE. */
  public long nextDeadlineMs() {
    return switch (status) {
      case PENDING -> openDeadlineMs;
      case OPEN, UPDATED -> Math.min(dirty ? nextUpdateMs : Long.MAX_VALUE, resolveCheckMs);
      case RESOLVED -> Math.min(dirty ? nextUpdateMs : Long.MAX_VALUE, retainUntilMs);
      default -> Long.MAX_VALUE;
    };
  }
}
