package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.MetricPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Bounds the number of series per metric name and service (the key). Once the cap is reached, a
 * point of a new series is not dropped: it is rewritten into one overflow series with the single
 * attribute {@code otel.metric.overflow=true} and {@code overflow=true}, as the OpenTelemetry SDK
 * does for its cardinality limit, and counted. Series idle for the configured time-out are
 * forgotten (event-time cleanup timer), which frees room under the cap.
 */
public final class SeriesCapFunction
    extends KeyedProcessFunction<String, DecodedMetric, MetricPoint> {

  private static final long serialVersionUID = 1L;

  public static final String OVERFLOW_ATTRIBUTE = "otel.metric.overflow";

  private final int cap;
  private final long idleMs;
  private transient MapState<String, Long> lastSeen;
  private transient ValueState<Integer> count;
  private transient ValueState<Long> timer;
  private transient Counter overflowPoints;

  public SeriesCapFunction(IngestConfig config) {
    this.cap = config.maxSeriesPerMetricPerService();
    this.idleMs = config.seriesIdleTimeout().toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    lastSeen =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("series-last-seen", Types.STRING, Types.LONG));
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("series-count", Types.INT));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("series-timer", Types.LONG));
    overflowPoints =
        getRuntimeContext().getMetricGroup().addGroup("ingest").counter("seriesOverflowPoints");
  }

  @Override
  public void processElement(DecodedMetric m, Context ctx, Collector<MetricPoint> out)
      throws Exception {
    MetricPoint p = m.point;
    String id = p.getSeriesId();
    long ts = p.getTimestampMs();
    Long last = lastSeen.get(id);
    if (last != null) {
      if (ts - last > idleMs / 8) {
        lastSeen.put(id, ts);
      }
    } else {
      int n = count.value() == null ? 0 : count.value();
      if (n >= cap) {
        n = evictIdle(ts);
      }
      if (n < cap) {
        lastSeen.put(id, ts);
        count.update(n + 1);
      } else {
        overflowPoints.inc();
        Map<String, String> attrs = new HashMap<>(2);
        attrs.put(OVERFLOW_ATTRIBUTE, "true");
        p.setAttributes(attrs);
        p.setOverflow(true);
        p.setSeriesId(m.seriesPrefix + "|" + OVERFLOW_ATTRIBUTE + "=true");
      }
    }
    long deadline = EventTimeCleanup.deadline(ts, idleMs);
    Long t = timer.value();
    if (t == null || deadline > t) {
      ctx.timerService().registerEventTimeTimer(deadline);
      timer.update(deadline);
    }
    out.collect(p);
  }

  /** Removes series idle at {@code now}; returns how many remain. */
  private int evictIdle(long now) throws Exception {
    List<String> stale = new ArrayList<>();
    int remaining = 0;
    for (Map.Entry<String, Long> e : lastSeen.entries()) {
      if (e.getValue() + idleMs <= now) {
        stale.add(e.getKey());
      } else {
        remaining++;
      }
    }
    for (String k : stale) {
      lastSeen.remove(k);
    }
    count.update(remaining);
    return remaining;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out)
      throws Exception {
    int remaining = evictIdle(timestamp);
    if (remaining == 0) {
      lastSeen.clear();
      count.clear();
      timer.clear();
    } else {
      Long t = timer.value();
      if (t != null && t <= timestamp) {
        long next = EventTimeCleanup.deadline(timestamp, idleMs);
        ctx.timerService().registerEventTimeTimer(next);
        timer.update(next);
      }
    }
  }
}
