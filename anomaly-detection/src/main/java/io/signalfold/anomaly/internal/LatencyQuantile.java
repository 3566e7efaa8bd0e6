package io.signalfold.anomaly.internal;

import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.HistogramValue;
import java.util.List;

/**
 * Quantiles from the histograms on the records: the OpenTelemetry base-2 exponential layout (bucket
 * i covers (base^(offset+i), base^(offset+i+1)], base = 2^(2^-scale); the estimate is the geometric
 * middle of the bucket that holds the quantile) and explicit-bucket histograms (linear
 * interpolation inside the bucket, the convention Prometheus' histogram_quantile uses).
 */
final class LatencyQuantile {

  private LatencyQuantile() {}

  static double of(ExponentialHistogram h, double q) {
    if (h == null) {
      return Double.NaN;
    }
    List<Double> counts = h.getCounts();
    double total = h.getZeroCount();
    for (int i = 0; i < counts.size(); i++) {
      total += counts.get(i);
    }
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double acc = h.getZeroCount();
    if (acc >= rank) {
      return 0.0;
    }
    double base = Math.pow(2.0, Math.pow(2.0, -h.getScale()));
    for (int i = 0; i < counts.size(); i++) {
      acc += counts.get(i);
      if (acc >= rank) {
        double lower = Math.pow(base, h.getOffset() + i);
        return lower * Math.sqrt(base);
      }
    }
    return Math.pow(base, h.getOffset() + counts.size());
  }

  static double of(HistogramValue h, double q) {
    List<Double> bounds = h.getExplicitBounds();
    List<Long> counts = h.getExplicitCounts();
    if (counts.isEmpty() || h.getCount() <= 0) {
      return Double.NaN;
    }
    long total = 0;
    for (Long c : counts) {
      total += c;
    }
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double acc = 0;
    for (int i = 0; i < counts.size(); i++) {
      double before = acc;
      acc += counts.get(i);
      if (acc >= rank) {
        double lo = i == 0 ? (h.getMin() != null ? h.getMin() : 0.0) : bounds.get(i - 1);
        double hi =
            i < bounds.size()
                ? bounds.get(i)
                : (h.getMax() != null ? h.getMax() : bounds.get(i - 1));
        double within = counts.get(i) > 0 ? (rank - before) / counts.get(i) : 1.0;
        return lo + (hi - lo) * within;
      }
    }
    return bounds.isEmpty() ? Double.NaN : bounds.get(bounds.size() - 1);
  }
}
