package io.signalfold.anomaly.internal;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.HistogramValue;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.schema.QuantileValue;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SignalSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Metric series: slot 0 is the gauge value, the per-second rate of a sum (its delta when the
 * interval is unknown; Poisson noise over the interval's seconds for monotonic counters such as
 * requests, failures and restarts), or the mean of a histogram/summary; slot 1 is the p95 of a
 * histogram (explicit or exponential buckets) or a summary's reported 0.95 (else highest) quantile.
 */
public final class MetricAnomalyFunction extends SeriesAnomalyFunction<MetricPoint> {

  private static final long serialVersionUID = 1L;

  public MetricAnomalyFunction(AnomalyConfig config) {
    super(config, 2);
  }

  @Override
  protected long timestampOf(MetricPoint m) {
    return m.getTimestampMs();
  }

  private static boolean distribution(MetricPoint m) {
    MetricType t = m.getType();
    return t == MetricType.HISTOGRAM
        || t == MetricType.EXPONENTIAL_HISTOGRAM
        || t == MetricType.SUMMARY;
  }

  /** The name of a metric point's first signal: the gauge, the sum's rate, the mean. */
  static String firstSignalOf(MetricPoint m) {
    return switch (m.getType()) {
      case GAUGE -> m.getName();
      case SUM -> m.getName() + ".rate";
      default -> m.getName() + ".mean";
    };
  }

  /**
   * The value of a metric point's first signal: a gauge's value, a sum's rate per second (its delta
   * when the interval is unknown), a histogram's or summary's mean; NaN across a counter reset.
   */
  static double firstValueOf(MetricPoint m) {
    switch (m.getType()) {
      case GAUGE:
        return m.getValue();
      case SUM:
        if (m.getCounterReset()) {
          return Double.NaN; // the delta across a reset is not a rate
        }
        return m.getRate() != null ? m.getRate() : m.getValue();
      default:
        HistogramValue h = m.getHistogram();
        if (h != null && h.getCount() > 0 && h.getSum() != null) {
          return h.getSum() / h.getCount();
        }
        return Double.NaN;
    }
  }

  @Override
  protected String signalOf(int slot, MetricPoint m) {
    if (slot == 0) {
      return firstSignalOf(m);
    }
    return distribution(m) ? m.getName() + ".p95" : null;
  }

  @Override
  protected SeriesSpec.NoiseModel noiseOf(int slot) {
    return SeriesSpec.NoiseModel.CONTINUOUS;
  }

  /**
   * The per-second rate of a sum counts events (requests, failures, restarts): Poisson noise over
   * the interval's seconds, so 2 failures in 10 s against 1.1 expected is not news although the
   * spread was learned at 1 m, where the same relative noise is sqrt(6) times smaller.
   */
  @Override
  protected SeriesSpec.NoiseModel noiseOf(int slot, String signal) {
    return slot == 0 && signal.endsWith(".rate")
        ? SeriesSpec.NoiseModel.POISSON
        : SeriesSpec.NoiseModel.CONTINUOUS;
  }

  @Override
  protected double valueOf(int slot, MetricPoint m) {
    if (m.getCounterReset() && m.getType() == MetricType.SUM) {
      return Double.NaN; // the delta across a reset is not a rate
    }
    if (slot == 0) {
      return firstValueOf(m);
    }
    HistogramValue h = m.getHistogram();
    if (m.getType() == MetricType.SUMMARY) {
      List<QuantileValue> qs = m.getQuantiles();
      double best = Double.NaN;
      double bestQ = -1;
      for (QuantileValue q : qs) {
        if (Math.abs(q.getQuantile() - 0.95) < 1e-9) {
          return q.getValue();
        }
        if (q.getQuantile() > bestQ) {
          bestQ = q.getQuantile();
          best = q.getValue();
        }
      }
      return best;
    }
    if (h == null || h.getCount() <= 0) {
      return Double.NaN;
    }
    if (h.getPositive() != null) {
      return LatencyQuantile.of(h.getPositive(), 0.95);
    }
    return LatencyQuantile.of(h, 0.95);
  }

  @Override
  protected double trialsOf(int slot, MetricPoint m) {
    if (slot == 0 && m.getType() == MetricType.SUM) {
      // exposure seconds behind the rate of a monotonic counter (0 = unknown: no count bound)
      Long start = m.getStartTimestampMs();
      if (!m.getMonotonic() || m.getRate() == null || start == null) {
        return 0.0;
      }
      return Math.max(0.0, (m.getTimestampMs() - start) / 1000.0);
    }
    HistogramValue h = m.getHistogram();
    return h != null && distribution(m) ? h.getCount() : 0.0;
  }

  @Override
  protected SignalSource source() {
    return SignalSource.METRIC;
  }

  @Override
  protected ResourceContext resourceOf(MetricPoint m) {
    return m.getResource();
  }

  @Override
  protected Map<String, String> attributesOf(MetricPoint m) {
    Map<String, String> a = new HashMap<>(m.getAttributes());
    a.put("metric.name", m.getName());
    if (!m.getUnit().isEmpty()) {
      a.put("metric.unit", m.getUnit());
    }
    return a;
  }

  @Override
  protected void evidence(int slot, MetricPoint m, AnomalyEvidence.Builder evidence) {
    List<String> ids = m.getExemplarTraceIds();
    evidence.setTraceIds(List.copyOf(ids.subList(0, Math.min(ids.size(), 5))));
  }
}
