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
 * <p>The earlier values are kept in slots over a week (the last value of each slot; 5 minutes for
 * NAB's 5-minute files, 15 minutes in the pipeline): a value is compared with the slot holding t -
 * 1 day and t - 7 days when that slot was written within one slot length of that time, so coarser
 * cadences (hourly) and gaps simply compare less often. The typical distance is an exponentially
 * weighted mean of the distances, each clipped at {@code CLIP} typical distances (a burst cannot
 * widen its own yardstick much), over about 200 comparisons.
 *
 * <p>Fixed memory: per slot a float value and the int event minute it was written at (5-minute
 * slots: 2016, 16 KB; 15-minute slots: 672, 5.4 KB); not thread-safe; allocates nothing per point.
 */
final class CycleDeviation {

  /** Slot length for 5-minute data (NAB). */
  static final long FIVE_MINUTES = 300_000L;

  static final long DAY_MS = 86_400_000L;

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

  /** Marks a slot never written. */
  private static final int EMPTY = Integer.MIN_VALUE;

  private static final long MINUTE_MS = 60_000L;

  // A float keeps 7 significant digits, far finer than the typical distance it is compared with;
  // the minute a slot was written (int minutes since the epoch) is all the "same time" test needs.
  private final long slotMs;
  private final int slots;
  private final float[] value;
  private final int[] minute;
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
    // compared at the precision kept, so a value repeated exactly is still at distance 0
    double xf = (float) x;
    double d = Double.POSITIVE_INFINITY;
    if (writtenNear(daySlot, t - DAY_MS)) {
      d = Math.abs(xf - value[daySlot]);
    }
    if (writtenNear(slot, t - 7 * DAY_MS)) {
      d = Math.min(d, Math.abs(xf - value[slot]));
    }
    value[slot] = (float) x;
    minute[slot] = (int) Math.floorDiv(t, MINUTE_MS);
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

  /** Whether a slot was written within a slot's length of {@code at}. */
  private boolean writtenNear(int slot, long at) {
    return minute[slot] != EMPTY && Math.abs(minute[slot] * MINUTE_MS - at) < slotMs;
  }

  /**
   * @param slotMs slot length: a day must be a whole number of slots, at least a minute long
   */
  CycleDeviation(long slotMs) {
    if (slotMs < MINUTE_MS || DAY_MS % slotMs != 0) {
      throw new IllegalArgumentException("slot length must divide a day: " + slotMs + " ms");
    }
    this.slotMs = slotMs;
    this.slots = (int) (7 * DAY_MS / slotMs);
    this.value = new float[slots];
    this.minute = new int[slots];
    java.util.Arrays.fill(minute, EMPTY);
  }

  /** Bytes {@link #write} produces. */
  int bytes() {
    return slots * (Float.BYTES + Integer.BYTES) + 2 * Double.BYTES + Long.BYTES;
  }

  void write(java.nio.ByteBuffer out) {
    for (int i = 0; i < slots; i++) {
      out.putFloat(value[i]);
      out.putInt(minute[i]);
    }
    out.putDouble(scale);
    out.putDouble(cusum);
    out.putLong(comparisons);
  }

  void read(java.nio.ByteBuffer in) {
    for (int i = 0; i < slots; i++) {
      value[i] = in.getFloat();
      minute[i] = in.getInt();
    }
    scale = in.getDouble();
    cusum = in.getDouble();
    comparisons = in.getLong();
  }

  /** The CUSUM's current level (for tests). */
  double level() {
    return cusum;
  }

  private int slot(long t) {
    return (int) Math.floorMod(Math.floorDiv(t, slotMs), (long) slots);
  }
}
