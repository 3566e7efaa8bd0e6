package io.signalfold.slo.internal;

import io.signalfold.schema.ExponentialHistogram;
import java.util.List;

/**
 * How many observations of a histogram lie at or under a threshold.
 *
 * <p>Buckets entirely under the threshold count fully, buckets entirely above not at all, and the
 * one bucket that holds the threshold is interpolated: log-linearly for OpenTelemetry exponential
 * histograms (their buckets are uniform in log space), linearly for explicit-bounds histograms
 * (Prometheus {@code histogram_quantile} makes the same within-bucket assumption). The error is
 * therefore at most the count of that one bucket: for an exponential histogram of scale s it is the
 * share of observations within a factor {@code 2^(2^-s)} below or above the threshold (scale 3: 9%;
 * scale 5: 2.2%), for explicit bounds the share in the bucket around the threshold. A threshold on
 * a bucket boundary is exact. Observations in an open-ended top bucket above the last bound count
 * as slower than any threshold beyond that bound unless the histogram's max says otherwise.
 */
public final class LatencyShare {

  private LatencyShare() {}

  /**
   * Observations at or under {@code threshold} in an exponential histogram (positive range plus the
   * zero bucket), in the histogram's unit.
   */
  public static double atOrBelow(ExponentialHistogram h, double threshold) {
    double good = threshold >= 0 ? h.getZeroCount() : 0.0;
    List<Double> counts = h.getCounts();
    int n = counts.size();
    if (n == 0 || threshold <= 0) {
      return good;
    }
    int scale = h.getScale();
    int offset = h.getOffset();
    for (int i = 0; i < n; i++) {
      double c = counts.get(i);
      if (c == 0) {
        continue;
      }
      double lower = bound(offset + i, scale);
      double upper = bound(offset + i + 1, scale);
      if (upper <= threshold) {
        good += c;
      } else if (lower < threshold) {
        good += c * (Math.log(threshold / lower) / Math.log(upper / lower));
      } else {
        break; // every later bucket is above the threshold too
      }
    }
    return good;
  }

  /** Total count of an exponential histogram. */
  public static double total(ExponentialHistogram h) {
    double t = h.getZeroCount();
    List<Double> counts = h.getCounts();
    for (int i = 0, n = counts.size(); i < n; i++) {
      t += counts.get(i);
    }
    return t;
  }

  /** {@code base^index} with {@code base = 2^(2^-scale)}. */
  static double bound(int index, int scale) {
    return Math.pow(2.0, Math.scalb((double) index, -scale));
  }

  /**
   * Observations at or under {@code threshold} in an explicit-bounds histogram: bucket i holds
   * ({@code bounds[i-1]}, {@code bounds[i]}], the first from {@code min} (or 0) and the last up to
   * {@code max} (or +infinity, never interpolated).
   */
  public static double atOrBelow(
      List<Double> bounds, List<Long> counts, Double min, Double max, double threshold) {
    double good = 0;
    int n = counts.size();
    for (int i = 0; i < n; i++) {
      long c = counts.get(i);
      if (c == 0) {
        continue;
      }
      double upper =
          i < bounds.size() ? bounds.get(i) : (max != null ? max : Double.POSITIVE_INFINITY);
      double lower =
          i == 0 ? (min != null ? Math.min(min, upper) : Math.min(0.0, upper)) : bounds.get(i - 1);
      if (upper <= threshold) {
        good += c;
      } else if (lower < threshold && !Double.isInfinite(upper)) {
        good += c * ((threshold - lower) / (upper - lower));
      } else {
        break;
      }
    }
    return good;
  }
}
