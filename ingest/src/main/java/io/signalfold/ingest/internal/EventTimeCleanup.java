package io.signalfold.ingest.internal;

/**
 * Cleanup-timer arithmetic shared by the keyed operators: timers are rounded up to a coarse grid so
 * a busy key registers a new timer rarely (Flink de-duplicates equal timestamps per key), and a
 * timer that fires early just re-checks and re-registers.
 */
public final class EventTimeCleanup {

  private EventTimeCleanup() {}

  /** {@code timeMs + ttlMs} rounded up to a grid of {@code max(1s, ttl/8)}. */
  public static long deadline(long timeMs, long ttlMs) {
    long grid = Math.max(1000L, ttlMs / 8);
    long t = timeMs + ttlMs;
    return t >= Long.MAX_VALUE - grid
        ? Long.MAX_VALUE - 1
        : Math.floorDiv(t + grid - 1, grid) * grid;
  }
}
