package io.signalfold.anomaly.internal;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.anomaly.core.EntityJointCheck;
import io.signalfold.anomaly.core.EntityJointStateCodec;
import io.signalfold.anomaly.core.JointEvent;
import io.signalfold.anomaly.core.JointListener;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SignalClass;
import io.signalfold.schema.SignalSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by entity ({@link #entityKey}: service and instance): runs one {@link EntityJointCheck}
 * over the entity's metric series named in {@link AnomalyConfig#jointMetrics()} (at most {@link
 * EntityJointCheck#MAX_METRICS}, first come first served; more are counted in {@code
 * jointSlotOverflow}) and publishes its episodes as {@link AnomalyKind#MULTIVARIATE} records of
 * tier INVESTIGATE only: the check must not open incidents on its own (correlation opens them on
 * ALARM).
 *
 * <p>State per key: the check ({@code byte[]}, {@link EntityJointStateCodec}, fixed size), the
 * series id and label of each slot, the latest resource and the pending timer. One event-time timer
 * per key cleans everything up once the entity has been silent for {@code stateTtlMs}.
 */
public final class EntityJointFunction extends KeyedProcessFunction<String, MetricPoint, Anomaly> {

  private static final long serialVersionUID = 1L;

  /** The signal name of the published records. */
  public static final String SIGNAL = "entity.joint_distance";

  private final AnomalyConfig config;

  private transient ValueState<byte[]> model;
  private transient ValueState<String[]> slotSeries;
  private transient ValueState<String[]> slotLabels;
  private transient ValueState<ResourceContext> resource;
  private transient ValueState<Long> timer;
  private transient Counter published;
  private transient Counter late;
  private transient Counter overflow;
  private transient EntityJointCheck check;
  private transient Emitter emitter;

  public EntityJointFunction(AnomalyConfig config) {
    this.config = config;
  }

  /** Whether a metric point enters some entity's joint check. */
  public static boolean accepts(MetricPoint p, Set<String> metricNames) {
    ResourceContext r = p.getResource();
    return r.getInstance() != null && !p.getOverflow() && metricNames.contains(p.getName());
  }

  /** The entity of a point: {@code <service>/<instance>}. */
  public static String entityKey(MetricPoint p) {
    ResourceContext r = p.getResource();
    return (r.getService() == null ? "" : r.getService()) + '/' + r.getInstance();
  }

  @Override
  public void open(OpenContext ctx) {
    model = getRuntimeContext().getState(new ValueStateDescriptor<>("model", byte[].class));
    slotSeries =
        getRuntimeContext().getState(new ValueStateDescriptor<>("slotSeries", String[].class));
    slotLabels =
        getRuntimeContext().getState(new ValueStateDescriptor<>("slotLabels", String[].class));
    resource =
        getRuntimeContext().getState(new ValueStateDescriptor<>("resource", ResourceContext.class));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Long.class));
    published = getRuntimeContext().getMetricGroup().counter("anomaliesPublished");
    late = getRuntimeContext().getMetricGroup().counter("lateOrOutOfOrderPoints");
    overflow = getRuntimeContext().getMetricGroup().counter("jointSlotOverflow");
    check = new EntityJointCheck(config.jointCheck());
    emitter = new Emitter();
  }

  @Override
  public void processElement(MetricPoint p, Context ctx, Collector<Anomaly> out) throws Exception {
    double v = MetricAnomalyFunction.firstValueOf(p);
    if (Double.isNaN(v)) {
      return;
    }
    String[] series = slotSeries.value();
    int slot = slotOf(series, p.getSeriesId());
    if (slot < 0) {
      int used = series == null ? 0 : series.length;
      if (used >= EntityJointCheck.MAX_METRICS) {
        overflow.inc();
        return;
      }
      // a new series of this entity: rare, so the arrays are copied
      String[] labels = slotLabels.value();
      series = series == null ? new String[1] : Arrays.copyOf(series, used + 1);
      labels = labels == null ? new String[1] : Arrays.copyOf(labels, used + 1);
      series[used] = p.getSeriesId();
      labels[used] = labelOf(p);
      slotSeries.update(series);
      slotLabels.update(labels);
      slot = used;
    }
    ResourceContext r = p.getResource();
    if (!r.equals(resource.value())) {
      resource.update(r);
    }
    load();
    long t = p.getTimestampMs();
    emitter.bind(ctx.getCurrentKey(), r, slotLabels.value(), out);
    if (!check.observe(slot, t, v, emitter)) {
      late.inc();
    }
    model.update(EntityJointStateCodec.encode(check));
    if (timer.value() == null) {
      long at = t + config.stateTtlMs();
      ctx.timerService().registerEventTimeTimer(at);
      timer.update(at);
    }
  }

  @Override
  public void onTimer(long now, OnTimerContext ctx, Collector<Anomaly> out) throws Exception {
    timer.clear();
    load();
    long last = check.openBucketStartMs();
    if (last == Long.MIN_VALUE || now - last >= config.stateTtlMs()) {
      model.clear();
      slotSeries.clear();
      slotLabels.clear();
      resource.clear();
      return;
    }
    long at = last + config.stateTtlMs();
    ctx.timerService().registerEventTimeTimer(at);
    timer.update(at);
  }

  private static int slotOf(String[] series, String seriesId) {
    if (series != null) {
      for (int i = 0; i < series.length; i++) {
        if (series[i].equals(seriesId)) {
          return i;
        }
      }
    }
    return -1;
  }

  private void load() throws Exception {
    byte[] bytes = model.value();
    if (bytes == null) {
      check.reset();
    } else {
      EntityJointStateCodec.decode(bytes, check);
    }
  }

  /** A readable name of a series within its entity: signal, point attributes, container. */
  static String labelOf(MetricPoint m) {
    String signal = MetricAnomalyFunction.firstSignalOf(m);
    Map<String, String> dims = new TreeMap<>(m.getAttributes());
    String container = m.getResource().getContainer();
    if (container != null) {
      dims.put("container", container);
    }
    if (dims.isEmpty()) {
      return signal;
    }
    StringBuilder b = new StringBuilder(signal).append('{');
    dims.forEach((k, v) -> b.append(k).append('=').append(v).append(','));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }

  /**
   * Builds Anomaly records from joint-check events (allocates only when something is published).
   */
  private final class Emitter implements JointListener {
    private String entity;
    private ResourceContext resourceContext;
    private String[] labels;
    private Collector<Anomaly> out;

    void bind(String key, ResourceContext r, String[] slotNames, Collector<Anomaly> collector) {
      this.entity = key;
      this.resourceContext = r;
      this.labels = slotNames;
      this.out = collector;
    }

    @Override
    public void onJoint(JointEvent e) {
      String seriesId = "entity|" + entity;
      StringBuilder contributors = new StringBuilder();
      for (int c = 0; c < e.contributorCount(); c++) {
        int slot = e.contributorSlot(c);
        if (c > 0) {
          contributors.append(", ");
        }
        contributors
            .append(labels != null && slot < labels.length ? labels[slot] : "slot " + slot)
            .append(String.format(Locale.ROOT, " (%.2f)", e.contributorShare(c)));
      }
      Map<String, String> attributes = new HashMap<>();
      attributes.put("contributors", contributors.toString());
      attributes.put("entity", entity);
      if (e.accepted()) {
        attributes.put("accepted", "true");
      }
      Anomaly a =
          Anomaly.newBuilder()
              .setId(
                  SeriesAnomalyFunction.anomalyId(
                      seriesId, SIGNAL, AnomalyKind.MULTIVARIATE, e.onsetMs()))
              .setSeriesId(seriesId)
              .setSignal(SIGNAL)
              .setSource(SignalSource.METRIC)
              .setTimestampMs(e.timestampMs())
              .setOnsetMs(e.onsetMs())
              .setPhase(e.phase())
              .setResource(resourceContext)
              .setAttributes(attributes)
              .setValue(SeriesAnomalyFunction.finite(e.distance()))
              .setExpected(SeriesAnomalyFunction.finite(e.typicalDistance()))
              .setLower(0)
              .setUpper(SeriesAnomalyFunction.finite(e.upperDistance()))
              .setScore(Math.max(0, Math.min(1, e.score())))
              .setDirection(e.phase() == AnomalyPhase.RECOVERED ? Direction.NONE : Direction.UP)
              .setKind(AnomalyKind.MULTIVARIATE)
              .setSignalClass(SignalClass.LEADING)
              .setTier(AnomalyTier.INVESTIGATE)
              .setHistoryPoints(e.historyVectors())
              .setHistoryMs(e.historyMs())
              .setEvidence(
                  AnomalyEvidence.newBuilder()
                      .setTraceIds(List.of())
                      .setLink(config.linkTo(seriesId, SIGNAL))
                      .build())
              .setDetector("signalfold.entity/joint")
              .build();
      published.inc();
      out.collect(a);
    }
  }
}
