package io.signalfold.anomaly.core;

import io.signalfold.schema.Direction;

/**
 * One anomaly score in [0, 1] per observed point, for consumers that want a score per point rather
 * than episode records: the NAB harness ({@link #forNab}), and the anomaly stage, which publishes
 * the sequence and cycle evidence as pattern records ({@link #forPipeline}, {@link #lastEvidence}).
 * It is the largest of these pieces of evidence:
 *
 * <ul>
 *   <li>the score of the feed record the point produced (an episode opening or escalation of the
 *       {@link SeriesDetector}), 0 when it produced none;
 *   <li>spatial novelty (the "spatial anomaly" rule of Numenta's NAB detector): a value outside the
 *       whole range seen since the first point, once {@code warmupPoints} points and {@code
 *       warmupMs} of event time have been seen. Its score grows with how far outside the range the
 *       value lies (as a fraction of the range: 1% -> 0.90, 10% -> 0.946, 100% -> 0.992), and only
 *       the first novel point of a burst counts: a novel point within {@code quietPoints} points of
 *       the previous one scores nothing (a climb to new highs is one event, not one per point).
 *   <li>optionally, sequence novelty ({@link ContextNovelty}): the value, quantised to a few slices
 *       of the range seen so far, completes a short sequence of slices never seen before. It scores
 *       {@code 0.8 + 0.15 * (new orders / orders)} (a slice never visited: 0.95; with 3 orders, a
 *       new pair of slices 0.90, only a new triple 0.85) under the same warm-up, and again only the
 *       first new sequence of a burst counts (quiet {@code quietPoints} points): a series that
 *       moves into unknown territory produces new sequences for a while, one event.
 *   <li>optionally, a sustained deviation from the earlier cycle ({@link CycleDeviation}): the
 *       values have been far from those at the same time one day (or one week) earlier for long
 *       enough; it scores {@code 0.9}, again only the first of a burst (quiet {@code quietPoints}
 *       points), under the same warm-up.
 * </ul>
 *
 * <p>A point reports that score only when it is higher than the score of each of the previous
 * {@code repeatPoints} points: an escalation right after an opening, or a record followed by a
 * novel value, is the same event reported again.
 *
 * <p>The range here is independent of the detector's own novelty rule (which waits a week of range
 * before it opens an episode, for the pipeline's sake); the warm-up is the caller's choice: NAB's
 * probationary period lets the harness start after {@link #NAB_WARMUP_POINTS} points. Not
 * thread-safe, one instance per series; allocates nothing per point.
 */
public final class PointScore {

  /** Warm-up used by the NAB harness (the first 60 points only learn the range). */
  public static final int NAB_WARMUP_POINTS = 60;

  /** Points after a novel value during which further novel values are the same event. */
  public static final int DEFAULT_QUIET_POINTS = 50;

  /** Points over which a score must be a new high to be reported again. */
  public static final int DEFAULT_REPEAT_POINTS = 25;

  /** Slices of the range for sequence novelty in the NAB configuration. */
  public static final int NAB_CONTEXT_LEVELS = 5;

  /** Longest sequence (points) for sequence novelty in the NAB configuration. */
  public static final int NAB_CONTEXT_ORDERS = 3;

  private static final double CYCLE_SCORE = 0.9;

  private static final double CONTEXT_BASE = 0.8;
  private static final double CONTEXT_SPAN = 0.15;

  private static final double NOVEL_BASE = 0.9;
  private static final double NOVEL_PER_E = 0.02;
  private static final double NOVEL_REF_EXCESS = 0.01;
  private static final double NOVEL_MIN = 0.5;
  private static final double NOVEL_MAX = 0.999;

  private final int warmupPoints;
  private final long warmupMs;
  private final int quietPoints;
  private final Direction sides;
  private final double[] recent;
  private int recentNext;

  private long points;
  private long firstMs;
  private double min;
  private double max;
  private long lastNovel = Long.MIN_VALUE / 2;
  private final ContextNovelty context;
  private long lastContext = Long.MIN_VALUE / 2;
  private final CycleDeviation cycle;
  private long lastCycle = Long.MIN_VALUE / 2;
  private Evidence evidence = Evidence.NONE;

  /** Which piece of evidence set a point's score. */
  public enum Evidence {
    /** Nothing: the point scored 0. */
    NONE,
    /** The feed record the point produced. */
    RECORD,
    /** A value outside the whole range seen so far. */
    RANGE,
    /** A short sequence of range slices never seen before ({@link ContextNovelty}). */
    SEQUENCE,
    /** A sustained deviation from the same time one day or one week earlier. */
    CYCLE
  }

  /**
   * @param warmupPoints points that only learn the range
   * @param warmupMs event time that only learns the range
   * @param quietPoints points after a novel value during which novel values score nothing
   * @param repeatPoints a score is reported only when higher than those of this many points before
   * @param sides UP or DOWN to score novelty on one side only, NONE for both
   */
  public PointScore(
      int warmupPoints, long warmupMs, int quietPoints, int repeatPoints, Direction sides) {
    this(warmupPoints, warmupMs, quietPoints, repeatPoints, sides, 0, 0, 0L);
  }

  /**
   * @param warmupPoints points that only learn the range
   * @param warmupMs event time that only learns the range
   * @param quietPoints points after a novel value (or new sequence) during which further ones score
   *     nothing
   * @param repeatPoints a score is reported only when higher than those of this many points before
   * @param sides UP or DOWN to score novelty on one side only, NONE for both (sequence novelty has
   *     no side)
   * @param contextLevels slices of the range for sequence novelty, 0 to leave it out
   * @param contextOrders longest sequence for sequence novelty (points)
   * @param cycleSlotMs slot length of the week kept to score sustained deviations from the earlier
   *     day or week (a day must be a whole number of slots), 0 to leave them out
   */
  public PointScore(
      int warmupPoints,
      long warmupMs,
      int quietPoints,
      int repeatPoints,
      Direction sides,
      int contextLevels,
      int contextOrders,
      long cycleSlotMs) {
    this.cycle = cycleSlotMs > 0 ? new CycleDeviation(cycleSlotMs) : null;
    this.context = contextLevels > 0 ? new ContextNovelty(contextLevels, contextOrders) : null;
    this.warmupPoints = warmupPoints;
    this.warmupMs = warmupMs;
    this.quietPoints = quietPoints;
    this.recent = new double[Math.max(repeatPoints, 0)];
    this.sides = sides;
  }

  /**
   * The NAB configuration: 60 points of warm-up, bursts of 50 points, repeats over 25, both sides,
   * sequence novelty over 5 slices and up to 3 points, deviations from the earlier cycle.
   */
  public static PointScore forNab() {
    return new PointScore(
        NAB_WARMUP_POINTS,
        0L,
        DEFAULT_QUIET_POINTS,
        DEFAULT_REPEAT_POINTS,
        Direction.NONE,
        NAB_CONTEXT_LEVELS,
        NAB_CONTEXT_ORDERS,
        CycleDeviation.FIVE_MINUTES);
  }

  /**
   * The configuration the anomaly stage runs for its pattern records: the NAB configuration, except
   * that nothing scores before a week of event time (a week is what the weekly comparison and a
   * range worth comparing against need; the NAB harness starts after its probationary rows), and
   * the cycle memory keeps 15-minute slots instead of 5 (a third of the state; telemetry arrives
   * every 10-60 s, so every slot is written).
   */
  public static PointScore forPipeline() {
    return new PointScore(
        NAB_WARMUP_POINTS,
        7 * 86_400_000L,
        DEFAULT_QUIET_POINTS,
        DEFAULT_REPEAT_POINTS,
        Direction.NONE,
        NAB_CONTEXT_LEVELS,
        NAB_CONTEXT_ORDERS,
        PIPELINE_CYCLE_SLOT_MS);
  }

  /** Slot length of the pipeline's cycle memory: 672 slots over a week, 5.4 KB. */
  public static final long PIPELINE_CYCLE_SLOT_MS = 900_000L;

  private static final byte STATE_VERSION = 1;

  /**
   * The state as bytes (for keyed state): a version byte, the scalars, then the sequence and cycle
   * memories of this instance's configuration. {@link #restore} must be called on an instance of
   * the same configuration.
   */
  public byte[] toBytes() {
    int size =
        1
            + recent.length * Double.BYTES
            + 2 * Integer.BYTES
            + 5 * Long.BYTES
            + 2 * Double.BYTES
            + (context == null ? 0 : context.bytes())
            + (cycle == null ? 0 : cycle.bytes());
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
    out.put(STATE_VERSION);
    out.putInt(recent.length);
    for (double r : recent) {
      out.putDouble(r);
    }
    out.putInt(recentNext);
    out.putLong(points);
    out.putLong(firstMs);
    out.putLong(lastNovel);
    out.putLong(lastContext);
    out.putLong(lastCycle);
    out.putDouble(min);
    out.putDouble(max);
    if (context != null) {
      context.write(out);
    }
    if (cycle != null) {
      cycle.write(out);
    }
    return out.array();
  }

  /** Restores what {@link #toBytes} wrote (an instance of the same configuration). */
  public void restore(byte[] state) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(state);
    byte version = in.get();
    if (version != STATE_VERSION) {
      throw new IllegalStateException("unknown point-score state version " + version);
    }
    int repeat = in.getInt();
    if (repeat != recent.length) {
      throw new IllegalStateException(
          "point-score state of another configuration (repeat " + repeat + ")");
    }
    for (int i = 0; i < recent.length; i++) {
      recent[i] = in.getDouble();
    }
    recentNext = in.getInt();
    points = in.getLong();
    firstMs = in.getLong();
    lastNovel = in.getLong();
    lastContext = in.getLong();
    lastCycle = in.getLong();
    min = in.getDouble();
    max = in.getDouble();
    if (context != null) {
      context.read(in);
    }
    if (cycle != null) {
      cycle.read(in);
    }
    evidence = Evidence.NONE;
  }

  /**
   * Scores one point.
   *
   * @param t event time of the point (ms)
   * @param x its value (NaN and infinite values score 0 and are not learned)
   * @param recordScore score of the feed record the point produced, 0 if none
   */
  public double score(long t, double x, double recordScore) {
    evidence = recordScore > 0 ? Evidence.RECORD : Evidence.NONE;
    double s = evidence(t, x, recordScore);
    boolean newHigh = true;
    for (double r : recent) {
      if (r >= s) {
        newHigh = false;
        break;
      }
    }
    if (recent.length > 0) {
      recent[recentNext] = s;
      recentNext = (recentNext + 1) % recent.length;
    }
    if (!newHigh || s <= 0) {
      evidence = Evidence.NONE;
      return 0.0;
    }
    return s;
  }

  /** The evidence behind the score {@link #score} last returned ({@code NONE} when it was 0). */
  public Evidence lastEvidence() {
    return evidence;
  }

  private double evidence(long t, double x, double recordScore) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return recordScore;
    }
    int newContexts = context == null ? 0 : context.observe(x);
    boolean cycleFound = cycle != null && cycle.observe(t, x);
    if (points == 0) {
      firstMs = t;
      min = x;
      max = x;
      points = 1;
      return recordScore;
    }
    double result = recordScore;
    double range = max - min;
    boolean warm = points >= warmupPoints && t - firstMs >= warmupMs;
    if (newContexts > 0) {
      if (warm && points - lastContext > quietPoints) {
        double s = CONTEXT_BASE + CONTEXT_SPAN * newContexts / context.orders();
        if (s > result) {
          result = s;
          evidence = Evidence.SEQUENCE;
        }
      }
      lastContext = points;
    }
    if (cycleFound) {
      if (warm && points - lastCycle > quietPoints && CYCLE_SCORE > result) {
        result = CYCLE_SCORE;
        evidence = Evidence.CYCLE;
      }
      lastCycle = points;
    }
    if (warm && range > 0) {
      double excess = 0.0;
      if (x > max && sides != Direction.DOWN) {
        excess = (x - max) / range;
      } else if (x < min && sides != Direction.UP) {
        excess = (min - x) / range;
      }
      if (excess > 0) {
        if (points - lastNovel > quietPoints) {
          double s = NOVEL_BASE + NOVEL_PER_E * Math.log(excess / NOVEL_REF_EXCESS);
          s = Math.max(NOVEL_MIN, Math.min(NOVEL_MAX, s));
          if (s > result) {
            result = s;
            evidence = Evidence.RANGE;
          }
        }
        lastNovel = points;
      }
    }
    min = Math.min(min, x);
    max = Math.max(max, x);
    points++;
    return result;
  }
}
