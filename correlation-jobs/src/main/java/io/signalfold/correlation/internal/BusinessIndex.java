package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import javax.annotation.Nullable;

/**
 * The configured business metric (e.g. orders.placed) in fixed event-time buckets, so an incident
 * can report "observed minus expected" over its duration.
 *
 * <p>Design note: the expected value of a bucket is the same bucket one week earlier (seasonal
 * naive forecast, which carries the weekly and daily cycle and weekends), falling back to one day
 * earlier, then to the mean of the hour before onset (Hyndman and Athanasopoulos, Forecasting:
 * Principles and Practice, ch. 5.2). Buckets are sums of deltas, so the export interval (1 m in
 * history, 10 s after T0) does not matter.
 */
public final class BusinessIndex {

  private static final long DAY = 86_400_000L;

  private final CorrelationConfig config;
  private final KeyedStore<double[]> buckets;

  public BusinessIndex(CorrelationConfig config, CorrelationState state) {
    this.config = config;
    this.buckets = state.business();
  }

  public boolean enabled() {
    return config.businessMetric() != null;
  }

  /** True for points of the configured metric (and service, when configured). */
  public static boolean matches(CorrelationConfig config, MetricPoint m) {
    if (config.businessMetric() == null || !config.businessMetric().equals(m.getName())) {
      return false;
    }
    String svc = config.businessService();
    return svc == null || (m.getResource() != null && svc.equals(m.getResource().getService()));
  }

  public void observe(MetricPoint m) {
    if (!matches(config, m) || !Double.isFinite(m.getValue())) {
      return;
    }
    long bucket =
        Math.floorDiv(m.getTimestampMs(), config.businessBucketMs()) * config.businessBucketMs();
    String key = key(bucket);
    double[] v = buckets.get(key);
    if (v == null) {
      v = new double[2];
    }
    double x = m.getType() == MetricType.GAUGE ? m.getValue() : m.getValue();
    v[0] += x;
    v[1] += 1;
    buckets.put(key, v);
  }

  private static String key(long bucket) {
    return String.format("%016x", bucket);
  }

  @Nullable
  private Double value(long bucket) {
    double[] v = buckets.get(key(bucket));
    if (v == null || v[1] == 0) {
      return null;
    }
    return config.businessSum() ? v[0] : v[0] / v[1];
  }

  /**
   * Observed and expected totals over complete buckets in [from, to), or null when the metric has
   * no data there or nothing to compare with.
   */
  @Nullable
  public double[] delta(long from, long to) {
    if (!enabled()) {
      return null;
    }
    long b = config.businessBucketMs();
    long first = Math.floorDiv(from, b) * b;
    long last = Math.floorDiv(to, b) * b; // exclusive: the bucket containing 'to' is incomplete
    if (last <= first) {
      return null;
    }
    double preSum = 0;
    int preN = 0;
    for (long t = first - 3_600_000L; t < first; t += b) {
      Double v = value(t);
      if (v != null) {
        preSum += v;
        preN++;
      }
    }
    Double preMean = preN == 0 ? null : preSum / preN;
    double observed = 0;
    double expected = 0;
    int seen = 0;
    for (long t = first; t < last; t += b) {
      Double ref = value(t - 7 * DAY);
      if (ref == null) {
        ref = value(t - DAY);
      }
      if (ref == null) {
        ref = preMean;
      }
      if (ref == null) {
        continue;
      }
      Double v = value(t);
      observed += v == null ? 0 : v;
      expected += ref;
      seen++;
    }
    return seen == 0 ? null : new double[] {observed, expected};
  }

  public void cleanup(long now) {
    String horizon = key(now - config.businessRetentionMs());
    for (String k : buckets.sortedKeys()) {
      if (k.compareTo(horizon) < 0) {
        buckets.remove(k);
      } else {
        break;
      }
    }
  }
}
