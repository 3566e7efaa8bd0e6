package io.signalfold.anomaly.internal;

import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by service: admits at most {@code maxSeries} distinct series per service into modelling.
 * Records of further series are counted (metric {@code seriesOverflow}) and not modelled, so one
 * service exploding its label cardinality cannot starve the rest. Series unseen for {@code ttlMs}
 * free their place (a cleanup timer per service sweeps them; state falls to zero when all are
 * gone). The service's first-seen time is kept so that subclasses can tell a young service.
 */
public class SeriesCapFunction<T> extends KeyedProcessFunction<String, T, T> {

  private static final long serialVersionUID = 1L;

  private final KeySelector<T, String> seriesOf;
  private final KeySelector<T, Long> timeOf;
  private final int maxSeries;
  private final long ttlMs;

  private transient MapState<String, Long> lastSeen;
  private transient ValueState<Integer> count;
  private transient ValueState<Long> firstSeen;
  private transient ValueState<Long> timer;
  private transient Counter overflow;

  public SeriesCapFunction(
      KeySelector<T, String> seriesOf, KeySelector<T, Long> timeOf, int maxSeries, long ttlMs) {
    this.seriesOf = seriesOf;
    this.timeOf = timeOf;
    this.maxSeries = maxSeries;
    this.ttlMs = ttlMs;
  }

  @Override
  public void open(OpenContext ctx) {
    lastSeen =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("series", String.class, Long.class));
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Integer.class));
    firstSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("firstSeen", Long.class));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Long.class));
    overflow = getRuntimeContext().getMetricGroup().counter("seriesOverflow");
  }

  /** Hook: adjust a record given how long its service has been seen (default: unchanged). */
  protected T adjust(T record, long serviceAgeMs) {
    return record;
  }

  @Override
  public void processElement(T record, Context ctx, Collector<T> out) throws Exception {
    String series = seriesOf.getKey(record);
    long t = timeOf.getKey(record);
    Long first = firstSeen.value();
    if (first == null || t < first) {
      first = t;
      firstSeen.update(t);
    }
    Long seen = lastSeen.get(series);
    if (seen == null) {
      int n = count.value() == null ? 0 : count.value();
      if (n >= maxSeries) {
        overflow.inc();
        return;
      }
      count.update(n + 1);
      lastSeen.put(series, t);
    } else if (t - seen > ttlMs / 8) {
      lastSeen.put(series, t); // coarse updates: fewer state writes, same cleanup guarantee
    }
    if (timer.value() == null) {
      long next = t + ttlMs;
      ctx.timerService().registerEventTimeTimer(next);
      timer.update(next);
    }
    out.collect(adjust(record, t - first));
  }

  @Override
  public void onTimer(long now, OnTimerContext ctx, Collector<T> out) throws Exception {
    timer.clear();
    int n = 0;
    long oldest = Long.MAX_VALUE;
    Iterator<Map.Entry<String, Long>> it = lastSeen.iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() >= ttlMs) {
        it.remove();
      } else {
        n++;
        oldest = Math.min(oldest, e.getValue());
      }
    }
    if (n == 0) {
      lastSeen.clear();
      count.clear();
      firstSeen.clear();
      return;
    }
    count.update(n);
    long next = Math.max(now + 1, oldest + ttlMs);
    ctx.timerService().registerEventTimeTimer(next);
    timer.update(next);
  }
}
