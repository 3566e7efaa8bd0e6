package io.signalfold.anomaly.core;

/**
 * Sequence novelty: which short sequences of coarsely quantised values have never been seen before.
 * Each value is put in one of {@code levels} equal slices of the range seen so far (values beyond
 * it fall in the first or last slice). For every order k = 1..{@code orders} the sequence of the
 * last k slices is a context; the answer for a point is how many of its contexts are new. A new
 * slice (order 1) is also new at every longer order, so the answer is {@code orders} for a value in
 * a slice never visited, down to 1 for a known step taken after a known history of {@code orders -
 * 1} steps for the first time.
 *
 * <p>This is evidence a residual against a forecast does not carry: a flat line held at a level the
 * series only passes through, spikes arriving at a new rhythm, or a known level reached from an
 * unusual one are all small residuals but new sequences. With few slices and short orders the
 * number of possible contexts is small (5 slices, 3 orders: 155), so a noisy series soon knows all
 * of them and stays quiet.
 *
 * <p>Memory is one flag per possible context, allocated once. Not thread-safe; allocates nothing
 * per point.
 */
final class ContextNovelty {

  private final int levels;
  private final int orders;
  private final boolean[] seen;
  private final int[] offset;
  private final int[] recent; // last slices, newest first
  private int filled;
  private double min = Double.NaN;
  private double max = Double.NaN;

  /**
   * @param levels slices of the observed range (at least 2)
   * @param orders longest context, in points (at least 1)
   */
  ContextNovelty(int levels, int orders) {
    if (levels < 2 || orders < 1) {
      throw new IllegalArgumentException("levels >= 2 and orders >= 1 required");
    }
    this.levels = levels;
    this.orders = orders;
    this.offset = new int[orders + 1];
    long size = 0;
    long block = 1;
    for (int k = 1; k <= orders; k++) {
      block *= levels;
      offset[k] = (int) size;
      size += block;
      if (size > 1 << 20) {
        throw new IllegalArgumentException("too many contexts: " + levels + "^" + orders);
      }
    }
    this.seen = new boolean[(int) size];
    this.recent = new int[orders];
  }

  /**
   * Observes one value (finite) and returns the number of orders whose context ending at it was new
   * (0 until the range is more than one value and {@code orders} points have been sliced: a partial
   * history is not a context).
   */
  int observe(double x) {
    if (Double.isNaN(min) || max <= min) {
      // no range yet, so no slices: a constant start is not a history
      min = Double.isNaN(min) ? x : Math.min(min, x);
      max = Double.isNaN(max) ? x : Math.max(max, x);
      return 0;
    }
    int slice = slice(x);
    min = Math.min(min, x);
    max = Math.max(max, x);
    System.arraycopy(recent, 0, recent, 1, orders - 1);
    recent[0] = slice;
    filled = Math.min(filled + 1, orders);
    int novel = 0;
    int index = 0;
    int place = 1;
    for (int k = 1; k <= filled; k++) {
      index += recent[k - 1] * place;
      place *= levels;
      int at = offset[k] + index;
      if (!seen[at]) {
        seen[at] = true;
        novel++;
      }
    }
    return filled < orders ? 0 : novel;
  }

  /** Bytes {@link #write} produces. */
  int bytes() {
    return (seen.length + 7) / 8 + orders * Integer.BYTES + Integer.BYTES + 2 * Double.BYTES;
  }

  void write(java.nio.ByteBuffer out) {
    for (int i = 0; i < seen.length; i += 8) {
      int b = 0;
      for (int j = 0; j < 8 && i + j < seen.length; j++) {
        b |= seen[i + j] ? 1 << j : 0;
      }
      out.put((byte) b);
    }
    for (int r : recent) {
      out.putInt(r);
    }
    out.putInt(filled);
    out.putDouble(min);
    out.putDouble(max);
  }

  void read(java.nio.ByteBuffer in) {
    for (int i = 0; i < seen.length; i += 8) {
      int b = in.get();
      for (int j = 0; j < 8 && i + j < seen.length; j++) {
        seen[i + j] = (b & (1 << j)) != 0;
      }
    }
    for (int k = 0; k < orders; k++) {
      recent[k] = in.getInt();
    }
    filled = in.getInt();
    min = in.getDouble();
    max = in.getDouble();
  }

  /** Longest context. */
  int orders() {
    return orders;
  }

  private int slice(double x) {
    double f = (x - min) / (max - min);
    return Math.max(0, Math.min(levels - 1, (int) Math.floor(f * levels)));
  }
}
