package io.signalfold.slo;

import io.signalfold.schema.LogSignal;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SloStatus;
import io.signalfold.slo.internal.CompiledSlo;
import io.signalfold.slo.internal.LogSliExtractor;
import io.signalfold.slo.internal.MetricSliExtractor;
import io.signalfold.slo.internal.RedSliExtractor;
import io.signalfold.slo.internal.SliSample;
import io.signalfold.slo.internal.SloEvaluationFunction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The SLO stage: RED points, metric points and log signals in; SLO statuses and burn alerts out.
 *
 * <pre>
 *   RedPoint    --flatMap "slo-sli-red"     --\
 *   MetricPoint --flatMap "slo-sli-metrics" ----> keyBy(SLO + group) --process "slo-evaluate"--> SloStatus
 *   LogSignal   --flatMap "slo-sli-logs"    --/                                 side output --> SloBurnAlert
 * </pre>
 *
 * <p>Event time throughout: the inputs must carry timestamps and watermarks (the ingest stage's).
 * The stage creates no sources or sinks.
 */
public final class SloStage {

  private static final TypeInformation<SliSample> SAMPLE = TypeInformation.of(SliSample.class);

  private SloStage() {}

  /**
   * Wires the stage.
   *
   * @param red RED points, or null
   * @param metrics metric points, or null
   * @param logs log signals, or null
   * @param slos SLO definitions (names must be unique); validated here, failing fast
   * @param config engine settings
   * @throws IllegalArgumentException when no input is given or a definition cannot be compiled
   */
  public static SloOutputs build(
      DataStream<RedPoint> red,
      DataStream<MetricPoint> metrics,
      DataStream<LogSignal> logs,
      List<SloDefinition> slos,
      SloConfig config) {
    Set<String> names = new HashSet<>();
    for (SloDefinition d : slos) {
      if (!names.add(d.name())) {
        throw new IllegalArgumentException("SLO names must be unique: '" + d.name() + "' twice");
      }
      try {
        CompiledSlo.compile(d, config);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("SLO '" + d.name() + "': " + e.getMessage(), e);
      }
    }
    List<DataStream<SliSample>> samples = new ArrayList<>(3);
    if (red != null) {
      samples.add(
          red.flatMap(new RedSliExtractor(slos, config.serviceRollupOperation()), SAMPLE)
              .uid("slo-sli-red")
              .name("SLO SLIs from RED points"));
    }
    if (metrics != null) {
      samples.add(
          metrics
              .flatMap(new MetricSliExtractor(slos), SAMPLE)
              .uid("slo-sli-metrics")
              .name("SLO SLIs from metric points"));
    }
    if (logs != null) {
      samples.add(
          logs.flatMap(new LogSliExtractor(slos), SAMPLE)
              .uid("slo-sli-logs")
              .name("SLO SLIs from log signals"));
    }
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("the SLO stage needs at least one input stream");
    }
    DataStream<SliSample> all = samples.get(0);
    for (int i = 1; i < samples.size(); i++) {
      all = all.union(samples.get(i));
    }
    SingleOutputStreamOperator<SloStatus> statuses =
        all.keyBy(SliSample::key, Types.STRING)
            .process(new SloEvaluationFunction(slos, config), new AvroTypeInfo<>(SloStatus.class))
            .uid("slo-evaluate")
            .name("SLO evaluation");
    return new SloOutputs(statuses, statuses.getSideOutput(SloEvaluationFunction.ALERTS));
  }
}
