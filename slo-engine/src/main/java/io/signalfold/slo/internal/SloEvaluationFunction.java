package io.signalfold.slo.internal;

import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloEvaluator;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by SLO and group: feeds each sample into the group's {@link SloEvaluator} state and
 * evaluates in event time.
 *
 * <ul>
 *   <li>Each sample schedules an evaluation at the end of its fine bucket, so every incoming
 *       interval is evaluated as soon as the watermark says all points of that interval (all
 *       instances) are in. The event-time timer is set 1 ms before the bucket end and evaluates at
 *       the bucket end: aggregated inputs carry Flink timestamps {@code intervalEnd - 1} (a
 *       window's max timestamp) and the watermark that releases them is {@code intervalEnd - 1}, so
 *       waiting for {@code intervalEnd} itself would cost one more watermark step.
 *   <li>An evaluation also runs at every status-cadence instant while the state lives, so alerts
 *       resolve and statuses keep coming when a service goes quiet.
 *   <li>State cleanup: when nothing is left in any window and no alert is active, the state is
 *       cleared and no timer is registered again. Once the input has ended (watermark at
 *       Long.MAX_VALUE) no further cadence timers are registered either.
 * </ul>
 */
public final class SloEvaluationFunction
    extends KeyedProcessFunction<String, SliSample, SloStatus> {

  private static final long serialVersionUID = 1L;

  /** Side output of the burn and budget alerts. */
  public static final OutputTag<SloBurnAlert> ALERTS =
      new OutputTag<>("slo-alerts", new AvroTypeInfo<>(SloBurnAlert.class));

  private final List<SloDefinition> slos;
  private final SloConfig config;

  private transient Map<String, SloEvaluator> evaluators;
  private transient Map<String, CompiledSlo> compiled;
  private transient ValueState<EvaluatorState> state;
  private transient Emitter emitter;
  private transient Counter late;
  private transient Counter invalid;
  private transient Counter unknownSlo;
  private transient Counter resets;
  private transient Counter transitions;

  public SloEvaluationFunction(List<SloDefinition> slos, SloConfig config) {
    this.slos = List.copyOf(slos);
    this.config = config;
  }

  @Override
  public void open(OpenContext context) {
    io.signalfold.schema.AvroCoders.enable();
    evaluators = new HashMap<>();
    compiled = new HashMap<>();
    for (SloDefinition d : slos) {
      CompiledSlo c = CompiledSlo.compile(d, config);
      compiled.put(d.name(), c);
      evaluators.put(d.name(), SloEvaluator.of(c, c.newState("")));
    }
    state =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("slo-evaluator", new EvaluatorStateSerializer()));
    emitter = new Emitter();
    var metrics = getRuntimeContext().getMetricGroup();
    late = metrics.counter("lateEventsIgnored");
    invalid = metrics.counter("invalidSliSamples");
    unknownSlo = metrics.counter("samplesForUnknownSlo");
    resets = metrics.counter("stateResetsAfterConfigChange");
    transitions = metrics.counter("alertTransitions");
  }

  @Override
  public void processElement(SliSample sample, Context ctx, Collector<SloStatus> out)
      throws Exception {
    String key = ctx.getCurrentKey();
    String name = SliKeys.sloName(key);
    SloEvaluator ev = evaluators.get(name);
    if (ev == null) {
      unknownSlo.inc();
      return;
    }
    CompiledSlo c = compiled.get(name);
    EvaluatorState st = stateFor(c, key);
    ev.bind(st);
    emitter.bind(ctx, out);
    SloEvaluator.Recorded r =
        ev.recordContribution(sample.eventTimeMs(), sample.bad(), sample.total(), emitter);
    if (r == SloEvaluator.Recorded.LATE) {
      late.inc();
    } else if (r == SloEvaluator.Recorded.INVALID) {
      invalid.inc();
    } else {
      long due = c.bucketEndMs(sample.eventTimeMs());
      if (st.lastEvalMs == EvaluatorState.NONE || due > st.lastEvalMs) {
        ctx.timerService().registerEventTimeTimer(due - 1);
      }
    }
    state.update(st);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SloStatus> out)
      throws Exception {
    String key = ctx.getCurrentKey();
    String name = SliKeys.sloName(key);
    SloEvaluator ev = evaluators.get(name);
    if (ev == null || state.value() == null) {
      state.clear(); // the SLO was removed from the configuration, or the state already cleared
      return;
    }
    EvaluatorState st = stateFor(compiled.get(name), key);
    ev.bind(st);
    emitter.bind(ctx, out);
    long at = timestamp + 1; // timers run 1 ms before the instant they evaluate
    ev.evaluate(at, emitter);
    if (ev.isIdle(at)) {
      state.clear();
      return;
    }
    state.update(st);
    if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
      // The next cadence instant, rounded up to a bucket end (evaluations happen at bucket ends).
      long interval = config.statusInterval().toMillis();
      long next = compiled.get(name).bucketEndMs((Math.floorDiv(at, interval) + 1) * interval);
      ctx.timerService().registerEventTimeTimer(next - 1);
    }
  }

  private EvaluatorState stateFor(CompiledSlo c, String key) throws IOException {
    EvaluatorState st = state.value();
    if (st == null) {
      return c.newState(SliKeys.groupKey(key));
    }
    if (!c.fits(st)) {
      resets.inc(); // bucket layout or rules changed since the snapshot: start over
      return c.newState(SliKeys.groupKey(key));
    }
    return st;
  }

  /** Routes evaluator output: statuses to the main output, alerts to the side output. */
  private final class Emitter implements SloEvaluator.Output {
    private KeyedProcessFunction<String, SliSample, SloStatus>.Context ctx;
    private Collector<SloStatus> out;

    void bind(
        KeyedProcessFunction<String, SliSample, SloStatus>.Context c, Collector<SloStatus> o) {
      this.ctx = c;
      this.out = o;
    }

    @Override
    public void status(SloStatus status) {
      out.collect(status);
    }

    @Override
    public void alert(SloBurnAlert alert) {
      transitions.inc();
      ctx.output(ALERTS, alert);
    }
  }
}
