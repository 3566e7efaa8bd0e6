package io.signalfold.loadtest.worlds;

import java.time.Duration;

/**
 * Caps on the size of generated worlds, for quicker runs on the real pipeline. Sizes are drawn
 * within the caps, so the same seed with the same caps gives the same world; the caps a report was
 * made with are part of its numbers.
 *
 * @param maxServices services at most
 * @param maxInstances instances per service at most
 * @param maxHistory history before T0 at most
 */
public record WorldLimits(int maxServices, int maxInstances, Duration maxHistory) {

  /** The ranges of the benchmark's definition: 5-60 services, 2-40 instances, 1-7 days. */
  public static WorldLimits full() {
    return new WorldLimits(60, 40, Duration.ofDays(7));
  }

  public WorldLimits {
    if (maxServices < 3) {
      throw new IllegalArgumentException("maxServices must be at least 3, got " + maxServices);
    }
    if (maxInstances < 2) {
      throw new IllegalArgumentException("maxInstances must be at least 2, got " + maxInstances);
    }
    // Less than a day of history leaves the seasonal detector warming up: nothing would be found.
    if (maxHistory.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException(
          "maxHistory must be at least 1d (the detector warms up on a day), got " + maxHistory);
    }
  }
}
