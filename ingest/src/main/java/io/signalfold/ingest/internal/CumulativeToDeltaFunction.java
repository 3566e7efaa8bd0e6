package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.HistogramValue;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns cumulative sums, histograms, exponential histograms and summaries into deltas with a
 * per-second rate, keyed by the series identity over all attributes. A reset (the value or count
 * falls, or the start time moves) restarts the series: the point's own cumulative value is its
 * delta since the new start and it is flagged {@code counterReset} (the approach of the
 * OpenTelemetry Collector's cumulativetodelta processor and Prometheus' rate()).
 *
 * <p>The first point of a series is a delta from its start time when that start is recent
 * (configurable); otherwise it only sets the baseline and is counted. A point not newer than the
 * last one is a duplicate or out of order: its increase is already in the newer total, so it is
 * counted and not emitted twice. State is cleared by an event-time timer once a series has been
 * idle for the configured time-out.
 */
public final class CumulativeToDeltaFunction
    extends KeyedProcessFunction<String, DecodedMetric, DecodedMetric> {

  private static final long serialVersionUID = 1L;

  private final long idleMs;
  private final long firstMaxAgeNanos;
  private transient ValueState<CumulativeState> state;
  private transient Counter baselines;
  private transient Counter outOfOrder;
  private transient Counter resets;

  public CumulativeToDeltaFunction(IngestConfig config) {
    this.idleMs = config.seriesIdleTimeout().toMillis();
    this.firstMaxAgeNanos = config.firstCumulativePointMaxAge().toNanos();
  }

  @Override
  public void open(OpenContext ctx) {
    state =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("cumulative", CumulativeState.class));
    var g = getRuntimeContext().getMetricGroup().addGroup("ingest");
    baselines = g.counter("cumulativeBaselinePoints");
    outOfOrder = g.counter("cumulativeOutOfOrderPoints");
    resets = g.counter("cumulativeResets");
  }

  @Override
  public void processElement(DecodedMetric m, Context ctx, Collector<DecodedMetric> out)
      throws Exception {
    CumulativeState st = state.value();
    MetricPoint p = m.point;
    long timeMs = p.getTimestampMs();
    if (st != null && m.timeNanos <= st.timeNanos) {
      outOfOrder.inc();
      return;
    }
    boolean emit;
    boolean reset = false;
    long fromNanos;
    if (st == null) {
      st = new CumulativeState();
      emit =
          m.startTimeNanos > 0
              && m.startTimeNanos < m.timeNanos
              && m.timeNanos - m.startTimeNanos <= firstMaxAgeNanos;
      fromNanos = m.startTimeNanos;
      if (!emit) {
        baselines.inc();
      }
    } else {
      reset = isReset(st, m);
      emit = true;
      fromNanos = reset ? Math.max(m.startTimeNanos, st.timeNanos) : st.timeNanos;
      if (reset && m.startTimeNanos <= 0) {
        fromNanos = st.timeNanos;
      }
    }
    CumulativeState next = snapshot(m, st);
    if (emit) {
      if (reset) {
        resets.inc();
        toDelta(p, null, fromNanos, m.timeNanos, true);
      } else {
        toDelta(p, st.timeNanos == 0 ? null : st, fromNanos, m.timeNanos, false);
      }
      m.cumulative = false;
      out.collect(m);
    }
    next.lastSeenMs = Math.max(timeMs, st.lastSeenMs);
    next.timerMs = st.timerMs;
    long deadline = EventTimeCleanup.deadline(next.lastSeenMs, idleMs);
    if (deadline > next.timerMs) {
      ctx.timerService().registerEventTimeTimer(deadline);
      next.timerMs = deadline;
    }
    state.update(next);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DecodedMetric> out)
      throws Exception {
    CumulativeState st = state.value();
    if (st == null) {
      return;
    }
    if (st.lastSeenMs + idleMs <= timestamp) {
      state.clear();
    } else if (st.timerMs <= timestamp) {
      st.timerMs = EventTimeCleanup.deadline(st.lastSeenMs, idleMs);
      ctx.timerService().registerEventTimeTimer(st.timerMs);
      state.update(st);
    }
  }

  private static boolean isReset(CumulativeState st, DecodedMetric m) {
    if (m.startTimeNanos > 0 && st.startNanos > 0 && m.startTimeNanos != st.startNanos) {
      return true;
    }
    MetricPoint p = m.point;
    HistogramValue h = p.getHistogram();
    if (p.getType() == MetricType.SUM || p.getType() == MetricType.GAUGE) {
      // An up-down counter may fall; only a monotonic sum that falls has restarted.
      return p.getMonotonic() && p.getValue() < st.value;
    }
    if (h.getCount() < st.count) {
      return true;
    }
    if (p.getType() == MetricType.HISTOGRAM) {
      List<Long> c = h.getExplicitCounts();
      if (c.size() != st.explicit.length) {
        return st.explicit.length != 0 || !c.isEmpty();
      }
      for (int i = 0; i < c.size(); i++) {
        if (c.get(i) < st.explicit[i]) {
          return true;
        }
      }
    }
    return false;
  }

  private static CumulativeState snapshot(DecodedMetric m, CumulativeState prev) {
    CumulativeState s = new CumulativeState();
    MetricPoint p = m.point;
    s.startNanos = m.startTimeNanos;
    s.timeNanos = m.timeNanos;
    s.value = p.getValue();
    HistogramValue h = p.getHistogram();
    if (h != null) {
      s.count = h.getCount();
      s.sum = h.getSum() == null ? 0 : h.getSum();
      List<Long> c = h.getExplicitCounts();
      s.explicit = new long[c.size()];
      for (int i = 0; i < s.explicit.length; i++) {
        s.explicit[i] = c.get(i);
      }
      s.zeroCount = h.getZeroCount();
      if (h.getPositive() != null) {
        s.scale = h.getPositive().getScale();
        s.positiveOffset = h.getPositive().getOffset();
        s.positive = toLongs(h.getPositive().getCounts());
      }
      if (h.getNegative() != null) {
        s.negativeOffset = h.getNegative().getOffset();
        s.negative = toLongs(h.getNegative().getCounts());
      }
    }
    return s;
  }

  private static long[] toLongs(List<Double> counts) {
    long[] out = new long[counts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.round(counts.get(i));
    }
    return out;
  }

  /** Rewrites p in place as the delta from {@code prev} (null: the whole cumulative value). */
  private static void toDelta(
      MetricPoint p, CumulativeState prev, long fromNanos, long toNanos, boolean reset) {
    p.setCounterReset(reset);
    p.setStartTimestampMs(fromNanos > 0 ? TimestampCheck.nanosToMillis(fromNanos) : null);
    HistogramValue h = p.getHistogram();
    double delta;
    if (h == null) {
      delta = prev == null ? p.getValue() : p.getValue() - prev.value;
    } else {
      long count = prev == null ? h.getCount() : h.getCount() - prev.count;
      h.setCount(count);
      if (h.getSum() != null && prev != null) {
        h.setSum(h.getSum() - prev.sum);
      }
      if (prev != null) {
        // min and max of a cumulative histogram cover its whole life, not this interval.
        h.setMin(null);
        h.setMax(null);
        h.setZeroCount(h.getZeroCount() - prev.zeroCount);
        List<Long> c = h.getExplicitCounts();
        if (c.size() == prev.explicit.length && !c.isEmpty()) {
          List<Long> d = new ArrayList<>(c.size());
          for (int i = 0; i < c.size(); i++) {
            d.add(c.get(i) - prev.explicit[i]);
          }
          h.setExplicitCounts(d);
        }
        if (h.getPositive() != null) {
          h.setPositive(subtract(h.getPositive(), prev.scale, prev.positiveOffset, prev.positive));
        }
        if (h.getNegative() != null) {
          h.setNegative(subtract(h.getNegative(), prev.scale, prev.negativeOffset, prev.negative));
        }
      }
      delta = count;
    }
    p.setValue(delta);
    p.setRate(MetricDecoder.rate(delta, fromNanos, toNanos));
  }

  /** cur - prev for exponential buckets, bringing prev to cur's (equal or lower) scale. */
  private static ExponentialHistogram subtract(
      ExponentialHistogram cur, int prevScale, int prevOffset, long[] prev) {
    int by = prevScale - cur.getScale();
    List<Double> counts = new ArrayList<>(cur.getCounts());
    for (int i = 0; i < prev.length; i++) {
      if (prev[i] == 0) {
        continue;
      }
      int idx = by >= 0 ? (prevOffset + i) >> by : (prevOffset + i) << -by;
      int j = idx - cur.getOffset();
      if (j >= 0 && j < counts.size()) {
        counts.set(j, counts.get(j) - prev[i]);
      }
    }
    ExponentialHistogram e = new ExponentialHistogram();
    e.setScale(cur.getScale());
    e.setOffset(cur.getOffset());
    e.setZeroCount(cur.getZeroCount());
    e.setCounts(counts);
    return e;
  }
}
