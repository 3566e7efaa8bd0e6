package io.signalfold.slo.internal;

import io.signalfold.schema.HistogramValue;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.slo.SeriesSelector;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Ratio SLIs (and histogram latency SLIs) from MetricPoints: SUM deltas, histogram counts, or
 * histogram counts at or under a bound. A point can feed both sides of a ratio (good {@code
 * status=ok} of total); each side becomes its own sample and the buckets add them up.
 */
public final class MetricSliExtractor extends RichFlatMapFunction<MetricPoint, SliSample> {

  private static final long serialVersionUID = 1L;

  /** What a matching point contributes to. */
  private enum Side {
    GOOD,
    BAD,
    /** Total side of a good/total ratio: counts towards bad too (bad = total - good). */
    TOTAL_OF_GOOD,
    /** Total side of a bad/total ratio. */
    TOTAL_OF_BAD,
    LATENCY
  }

  private record Entry(int slo, Side side, SeriesSelector.Metric selector) {}

  private final List<SloDefinition> slos;
  private transient Map<String, List<Entry>> byMetric;
  private transient Counter invalid;
  private transient Counter unsupported;

  public MetricSliExtractor(List<SloDefinition> slos) {
    this.slos = List.copyOf(slos);
  }

  @Override
  public void open(OpenContext context) {
    byMetric = index(slos);
    invalid = getRuntimeContext().getMetricGroup().counter("invalidMetricPoints");
    unsupported = getRuntimeContext().getMetricGroup().counter("unsupportedMetricPoints");
  }

  private static Map<String, List<Entry>> index(List<SloDefinition> slos) {
    Map<String, List<Entry>> m = new HashMap<>();
    for (int i = 0; i < slos.size(); i++) {
      Sli sli = slos.get(i).sli();
      if (sli instanceof Sli.Ratio) {
        Sli.Ratio r = (Sli.Ratio) sli;
        if (r.numerator() instanceof SeriesSelector.Metric) {
          SeriesSelector.Metric s = (SeriesSelector.Metric) r.numerator();
          m.computeIfAbsent(s.name(), k -> new ArrayList<>())
              .add(new Entry(i, r.numeratorIsGood() ? Side.GOOD : Side.BAD, s));
        }
        if (r.total() instanceof SeriesSelector.Metric) {
          SeriesSelector.Metric s = (SeriesSelector.Metric) r.total();
          Side side = r.numeratorIsGood() ? Side.TOTAL_OF_GOOD : Side.TOTAL_OF_BAD;
          m.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(new Entry(i, side, s));
        }
      } else if (sli instanceof Sli.Latency && ((Sli.Latency) sli).histogram() != null) {
        SeriesSelector.Metric s = ((Sli.Latency) sli).histogram();
        m.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(new Entry(i, Side.LATENCY, s));
      }
    }
    return m;
  }

  @Override
  public void flatMap(MetricPoint p, Collector<SliSample> out) {
    if (byMetric == null) {
      byMetric = index(slos);
    }
    List<Entry> entries = byMetric.get(p.getName());
    if (entries == null) {
      return;
    }
    for (int e = 0; e < entries.size(); e++) {
      Entry entry = entries.get(e);
      SloDefinition slo = slos.get(entry.slo());
      if (!matches(entry.selector(), slo.service(), p)) {
        continue;
      }
      String key = SliKeys.key(slo.name(), GroupKeys.of(slo.groupBy(), null, p.getResource()));
      long t = p.getTimestampMs();
      if (entry.side() == Side.LATENCY) {
        HistogramValue h = p.getHistogram();
        double scale = toMetricUnit(p.getUnit());
        if (h == null || Double.isNaN(scale)) {
          count(unsupported);
          continue;
        }
        double total = h.getCount();
        double good = atOrBelow(h, ((Sli.Latency) slo.sli()).thresholdMs() * scale);
        if (!(total >= 0) || !(good >= 0)) {
          count(invalid);
          continue;
        }
        out.collect(new SliSample(key, t, total - good, total));
        continue;
      }
      double v = countOf(p, entry.selector().le());
      if (Double.isNaN(v)) {
        count(unsupported);
        continue;
      }
      if (!(v >= 0) || Double.isInfinite(v)) {
        count(invalid);
        continue;
      }
      switch (entry.side()) {
        case GOOD:
          out.collect(new SliSample(key, t, -v, 0));
          break;
        case BAD:
          out.collect(new SliSample(key, t, v, 0));
          break;
        case TOTAL_OF_GOOD:
          out.collect(new SliSample(key, t, v, v));
          break;
        default:
          out.collect(new SliSample(key, t, 0, v));
          break;
      }
    }
  }

  private static boolean matches(SeriesSelector.Metric s, String sloService, MetricPoint p) {
    String service = s.service() == null ? sloService : s.service();
    if (!"*".equals(service)) {
      String actual = p.getResource() == null ? null : p.getResource().getService();
      if (!service.equals(actual)) {
        return false;
      }
    }
    if (!s.attributes().isEmpty()) {
      Map<String, String> attrs = p.getAttributes();
      for (Map.Entry<String, String> a : s.attributes().entrySet()) {
        if (!a.getValue().equals(attrs.get(a.getKey()))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The count a point contributes, NaN when its type cannot be counted. */
  private static double countOf(MetricPoint p, Double le) {
    MetricType type = p.getType();
    if (type == MetricType.SUM) {
      return le == null ? p.getValue() : Double.NaN;
    }
    if (type == MetricType.HISTOGRAM || type == MetricType.EXPONENTIAL_HISTOGRAM) {
      HistogramValue h = p.getHistogram();
      if (le == null) {
        return h != null ? h.getCount() : p.getValue();
      }
      return h == null ? Double.NaN : atOrBelow(h, le);
    }
    return Double.NaN;
  }

  private static double atOrBelow(HistogramValue h, double bound) {
    if (h.getPositive() != null) {
      // The OTLP zero bucket may be carried on the point or on the positive range; count it once.
      double zero = Math.max(h.getZeroCount(), h.getPositive().getZeroCount());
      return zero + LatencyShare.atOrBelow(h.getPositive(), bound) - h.getPositive().getZeroCount();
    }
    return LatencyShare.atOrBelow(
        h.getExplicitBounds(), h.getExplicitCounts(), h.getMin(), h.getMax(), bound);
  }

  /** Factor from milliseconds to the metric's unit (UCUM as OpenTelemetry writes it), or NaN. */
  static double toMetricUnit(String unit) {
    switch (unit == null ? "" : unit.toLowerCase(Locale.ROOT)) {
      case "s":
        return 1e-3;
      case "ms":
        return 1.0;
      case "us":
        return 1e3;
      case "ns":
        return 1e6;
      default:
        return Double.NaN;
    }
  }

  private static void count(Counter c) {
    if (c != null) {
      c.inc();
    }
  }
}
