package io.signalfold.slo;

import java.io.Serializable;
import java.util.Objects;

/**
 * What counts as a good event for an SLO: the service level indicator.
 *
 * <ul>
 *   <li>{@link Availability}: good = requests - errors of the service's SERVER spans (RedPoint).
 *   <li>{@link Latency}: good = requests faster than a threshold, from the RedPoint latency
 *       histogram or from a metric histogram.
 *   <li>{@link Ratio}: any ratio of two series (metric deltas, histogram counts, log counts).
 * </ul>
 */
public sealed interface Sli extends Serializable permits Sli.Availability, Sli.Latency, Sli.Ratio {

  /**
   * Availability from span status / HTTP status as aggregated into RedPoints.
   *
   * @param operation one operation (span name), or null for the whole service (its {@code '*'}
   *     rollup series, or every operation when the SLO is grouped by operation)
   */
  record Availability(String operation) implements Sli {}

  /**
   * Share of requests at or under a latency threshold.
   *
   * @param thresholdMs the threshold in milliseconds
   * @param operation one operation, or null as for {@link Availability}
   * @param histogram null to read the RedPoint latency histogram of the service's SERVER spans; or
   *     a histogram metric (e.g. {@code http.server.request.duration}), whose unit ({@code s} or
   *     {@code ms}) decides how the threshold is converted
   */
  record Latency(double thresholdMs, String operation, SeriesSelector.Metric histogram)
      implements Sli {
    public Latency {
      if (!(thresholdMs > 0) || Double.isInfinite(thresholdMs)) {
        throw new IllegalArgumentException(
            "latency threshold must be a positive number of milliseconds, got " + thresholdMs);
      }
    }
  }

  /**
   * A ratio of two series. {@code numerator} counts good events ({@code numeratorIsGood}) or bad
   * ones; {@code total} counts all events. The two may come from different signals (bad log lines
   * per request, say): the engine adds their contributions to the same time buckets.
   */
  record Ratio(SeriesSelector numerator, boolean numeratorIsGood, SeriesSelector total)
      implements Sli {
    public Ratio {
      Objects.requireNonNull(numerator, "numerator");
      Objects.requireNonNull(total, "total");
    }
  }
}
