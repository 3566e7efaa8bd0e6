package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;

/**
 * Rejects absurd event times: zero, before the configured floor, or further ahead of the Kafka
 * record timestamp than the configured skew (a producer clock that is years off would otherwise
 * drag the watermark into the future and make every later record "too late").
 */
public final class TimestampCheck {

  private final long minMs;
  private final long maxFutureMs;

  public TimestampCheck(IngestConfig config) {
    this.minMs = config.minTimestampMs();
    this.maxFutureMs = config.maxFutureSkew() == null ? -1 : config.maxFutureSkew().toMillis();
  }

  /**
   * Null when {@code timeMs} is plausible, else why not (to be prefixed with the field's location;
   * built only on failure so the per-record path allocates nothing).
   */
  public String problem(long timeMs, long kafkaTimestampMs) {
    if (timeMs <= 0) {
      return "is " + timeMs + " (unset)";
    }
    if (timeMs < minMs) {
      return "= " + timeMs + " ms is before the configured minimum " + minMs + " ms";
    }
    if (maxFutureMs >= 0 && kafkaTimestampMs > 0 && timeMs > kafkaTimestampMs + maxFutureMs) {
      return "= "
          + timeMs
          + " ms is "
          + (timeMs - kafkaTimestampMs)
          + " ms ahead of the Kafka record timestamp (max "
          + maxFutureMs
          + " ms)";
    }
    return null;
  }

  /** Nanoseconds to milliseconds, flooring. */
  public static long nanosToMillis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L);
  }
}
