package io.signalfold.anomaly.core;

/**
 * Sustained deviation from the same time of day one day earlier and of the week one week earlier (a
 * seasonal-naive comparison): the distance of a value to the closer of those two earlier values, in
 * units of the series' typical such distance, accumulated by a one-sided CUSUM. A series with a
 * daily or weekly cycle has small distances; a day whose pattern changes (a jump that does not
 * come, a plateau at the wrong level, a holiday) has large ones for many points in a row, which the
 * CUSUM adds up, although each point may be unremarkable against the short-term forecast. A series
 * without a cycle has large distances all the time, so its typical distance is large and nothing
 * accumulates; a single spike adds at most {@code CLIP - SLACK} and cannot cross alone.
 *
 * <p>The earlier values are kept in 5-minute slots over a week (the last value of each slot): a
 * value is compared with the slot holding t - 1 day and t - 7 days when that slot was written
 * within 5 minutes of that time, so coarser cadences (hourly) and gaps simply compare less often.
 * The typical distance is an exponentially weighted mean of the distances, each clipped at {@code
 * CLIP} typical distances (a burst cannot widen its own yardstick much), over about 200
 * comparisons.
 *
 * <p>Fixed memory (two arrays of 2016 slots); not thread-safe; allocates nothing per point.
 */
final class CycleDeviation {

  static final long SLOT_MS = 300_000L;
  static final long DAY_MS = 86_400_000L;
  static final int SLOTS = (int) (7 * DAY_MS / SLOT_MS);

  /** Distances (in typical distances) up to this much count as normal: the CUSUM's slack. */
  static final double SLACK = 2.0;

  /** Largest contribution of one distance, in typical distances. */
  static final double CLIP = 6.0;

  /** CUSUM level at which a sustained deviation is reported (then the CUSUM restarts). */
  static final double THRESHOLD = 50.0;

  /** Weight of one distance in the typical distance (about 200 comparisons of memory). */
  static final double SCALE_WEIGHT = 0.005;

  /** Comparisons needed before the CUSUM runs (the typical distance must settle first). */
  static final int MIN_COMPARISONS = 50;

  private final double[] value = new double[SLOTS];
  private final long[] time = new long[SLOTS];
  private final boolean[] filled = new boolean[SLOTS];
  private double scale = Double.NaN;
  private double cusum;
  private long comparisons;

  /**
   * Observes one value and returns whether a sustained deviation from the earlier cycle has just
   * been found (the CUSUM crossed its threshold at this point).
   */
  boolean observe(long t, double x) {
    int slot = slot(t);
    int daySlot = slot(t - DAY_MS);
    double d = Double.POSITIVE_INFINITY;
    if (filled[daySlot] && Math.abs(time[daySlot] - (t - DAY_MS)) < SLOT_MS) {
      d = Math.abs(x - value[daySlot]);
    }
    if (filled[slot] && Math.abs(time[slot] - (t - 7 * DAY_MS)) < SLOT_MS) {
      d = Math.min(d, Math.abs(x - value[slot]));
    }
    value[slot] = x;
    time[slot] = t;
    filled[slot] = true;
    if (d == Double.POSITIVE_INFINITY) {
      return false;
    }
    comparisons++;
    if (Double.isNaN(scale)) {
      scale = d;
      return false;
    }
    boolean found = false;
    if (comparisons > MIN_COMPARISONS) {
      double z = scale > 0 ? Math.min(d / scale, CLIP) : (d > 0 ? CLIP : 0.0);
      cusum = Math.max(0.0, cusum + z - SLACK);
      if (cusum > THRESHOLD) {
        found = true;
        cusum = 0.0;
      }
    }
    if (scale > 0) {
      scale += SCALE_WEIGHT * (Math.min(d, CLIP * scale) - scale);
    } else {
      scale = d; // exact repeats so far: the first distance is the yardstick
    }
    return found;
  }

  /** The CUSUM's current level (for tests). */
  double level() {
    return cusum;
  }

  private static int slot(long t) {
    return (int) Math.floorMod(Math.floorDiv(t, SLOT_MS), (long) SLOTS);
  }
}
