package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.CorrelationEngine;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.IncidentCandidate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The correlation operator: one {@link CorrelationEngine} over Flink keyed state per correlation
 * domain. Event-time timers drive the engine; at the end of input (watermark Long.MAX_VALUE) the
 * engine advances only to the last event time it saw. NEW_DEPENDENCY anomalies and dead letters go
 * to side outputs.
 */
public final class CorrelationFunction
    extends KeyedProcessFunction<String, CorrelationInput, IncidentCandidate> {

  private static final long serialVersionUID = 1L;

  /** NEW_DEPENDENCY anomalies for the anomaly feed. */
  public static final OutputTag<Anomaly> TOPOLOGY_ANOMALIES =
      new OutputTag<>("correlation-topology-anomalies", new AvroTypeInfo<>(Anomaly.class));

  /** Inputs the engine could not use (e.g. feedback for an unknown candidate). */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("correlation-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

  private final CorrelationConfig config;
  private transient CorrelationEngine engine;
  private transient Bridge bridge;

  public CorrelationFunction(CorrelationConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    io.signalfold.schema.AvroCoders.enable();
    engine = new CorrelationEngine(config, new FlinkCorrelationState(getRuntimeContext()));
    bridge = new Bridge();
    CorrelationEngine.Stats stats = engine.stats();
    MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("correlation");
    g.gauge("rawSignals", stats::rawSignals);
    g.gauge("candidatesOpened", stats::candidatesOpened);
    g.gauge("candidatesResolved", stats::candidatesResolved);
    g.gauge("candidatesReopened", stats::candidatesReopened);
    g.gauge("updatesEmitted", stats::updatesEmitted);
    g.gauge("transientDiscarded", stats::transientDiscarded);
    g.gauge("feedOnlyRecordsNotCorrelated", stats::feedOnlyRecords);
    g.gauge("lateRecords", stats::lateRecords);
    g.gauge("deadLetters", stats::deadLetters);
    g.gauge("topologyAnomalies", stats::topologyAnomalies);
    g.gauge("rawSignalsPerCandidate", stats::rawSignalsPerCandidate);
  }

  /** The engine of this instance (tests read its counters). */
  public CorrelationEngine engine() {
    return engine;
  }

  @Override
  public void processElement(CorrelationInput in, Context ctx, Collector<IncidentCandidate> out) {
    bridge.bind(ctx.timerService(), ctx, out);
    if (in.getAnomaly() != null) {
      engine.onAnomaly(in.getAnomaly(), bridge);
    } else if (in.getSloAlert() != null) {
      engine.onSloAlert(in.getSloAlert(), bridge);
    } else if (in.getChange() != null) {
      engine.onChange(in.getChange(), bridge);
    } else if (in.getEdge() != null) {
      engine.onCallEdge(in.getEdge(), bridge);
    } else if (in.getRed() != null) {
      engine.onRedPoint(in.getRed(), bridge);
    } else if (in.getMetric() != null) {
      engine.onMetricPoint(in.getMetric(), bridge);
    } else if (in.getExternalAlert() != null) {
      engine.onExternalAlert(in.getExternalAlert(), bridge);
    } else if (in.getFeedback() != null) {
      engine.onFeedback(in.getFeedback(), bridge);
    } else if (in.getInventory() != null) {
      engine.onInventory(in.getInventory(), bridge);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<IncidentCandidate> out) {
    bridge.bind(ctx.timerService(), ctx, out);
    long wm = ctx.timerService().currentWatermark();
    engine.advanceTo(wm == Long.MAX_VALUE ? Long.MAX_VALUE : timestamp, bridge);
  }

  /** Adapts the Flink context of the current call to the engine's context. */
  private static final class Bridge implements CorrelationEngine.Context {
    private TimerService timers;
    private KeyedProcessFunction<String, CorrelationInput, IncidentCandidate>.Context ctx;
    private Collector<IncidentCandidate> out;

    void bind(
        TimerService timers,
        KeyedProcessFunction<String, CorrelationInput, IncidentCandidate>.Context ctx,
        Collector<IncidentCandidate> out) {
      this.timers = timers;
      this.ctx = ctx;
      this.out = out;
    }

    @Override
    public long currentWatermark() {
      return timers.currentWatermark();
    }

    @Override
    public void scheduleAt(long eventTimeMs) {
      timers.registerEventTimeTimer(eventTimeMs);
    }

    @Override
    public void candidate(IncidentCandidate candidate) {
      out.collect(candidate);
    }

    @Override
    public void topologyAnomaly(Anomaly anomaly) {
      ctx.output(TOPOLOGY_ANOMALIES, anomaly);
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
      ctx.output(DEAD_LETTERS, deadLetter);
    }
  }
}
