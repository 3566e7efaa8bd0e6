package io.signalfold.anomaly;

import io.signalfold.anomaly.internal.EntityJointFunction;
import io.signalfold.anomaly.internal.LogAnomalyFunction;
import io.signalfold.anomaly.internal.LogCapFunction;
import io.signalfold.anomaly.internal.MetricAnomalyFunction;
import io.signalfold.anomaly.internal.RedAnomalyFunction;
import io.signalfold.anomaly.internal.SeriesCapFunction;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The anomaly stage: normalized signals in, the anomaly feed out. Each input is first capped per
 * service ({@code anomaly-cap-*}), then keyed by series id into the detector operators ({@code
 * anomaly-*}); the three outputs are merged. Metric points that carry an instance are also keyed by
 * entity (service and instance) into the entity joint check ({@code anomaly-multivariate}, unless
 * turned off), whose MULTIVARIATE records join the output. Inputs must carry event-time timestamps
 * and watermarks (ingest assigns them); missing-data and cleanup timers run in event time.
 */
public final class AnomalyStage {

  /**
   * Prefix of the {@code detector} of pattern records (sequence novelty, deviation from the earlier
   * day or week): feed records that consumers such as the correlation stage may tell apart.
   */
  public static final String PATTERN_DETECTOR_PREFIX = "signalfold.pattern/";

  private AnomalyStage() {}

  /** Any input may be null (absent). */
  public static DataStream<Anomaly> build(
      DataStream<MetricPoint> metrics,
      DataStream<RedPoint> red,
      DataStream<LogSignal> logs,
      AnomalyConfig config) {
    TypeInformation<Anomaly> out = new AvroTypeInfo<>(Anomaly.class);
    DataStream<Anomaly> result = null;
    if (metrics != null) {
      DataStream<Anomaly> m =
          metrics
              .keyBy(p -> serviceOf(p.getResource()))
              .process(
                  new SeriesCapFunction<>(
                      MetricPoint::getSeriesId,
                      MetricPoint::getTimestampMs,
                      config.maxSeriesPerService(),
                      config.stateTtlMs()),
                  new AvroTypeInfo<>(MetricPoint.class))
              .uid("anomaly-cap-metrics")
              .name("anomaly: series cap (metrics)")
              .keyBy(MetricPoint::getSeriesId)
              .process(new MetricAnomalyFunction(config), out)
              .uid("anomaly-metrics")
              .name("anomaly: metric series");
      result = m;
      if (config.jointCheckEnabled()) {
        Set<String> names = new HashSet<>(config.jointMetrics());
        DataStream<Anomaly> joint =
            metrics
                .filter(p -> EntityJointFunction.accepts(p, names))
                .uid("anomaly-multivariate-input")
                .name("anomaly: entity joint check input")
                .keyBy(EntityJointFunction::entityKey)
                .process(new EntityJointFunction(config), out)
                .uid("anomaly-multivariate")
                .name("anomaly: entity joint check");
        result = result.union(joint);
      }
    }
    if (red != null) {
      DataStream<Anomaly> r =
          red.keyBy(RedPoint::getService)
              .process(
                  new SeriesCapFunction<>(
                      RedPoint::getSeriesId,
                      RedPoint::getIntervalEndMs,
                      config.maxSeriesPerService(),
                      config.stateTtlMs()),
                  new AvroTypeInfo<>(RedPoint.class))
              .uid("anomaly-cap-red")
              .name("anomaly: series cap (RED)")
              .keyBy(RedPoint::getSeriesId)
              .process(new RedAnomalyFunction(config), out)
              .uid("anomaly-red")
              .name("anomaly: RED series");
      result = result == null ? r : result.union(r);
    }
    if (logs != null) {
      DataStream<Anomaly> l =
          logs.keyBy(s -> serviceOf(s.getResource()))
              .process(
                  new LogCapFunction(
                      config.maxSeriesPerService(),
                      config.stateTtlMs(),
                      config.newTemplateWarmupMs()),
                  new AvroTypeInfo<>(LogSignal.class))
              .uid("anomaly-cap-logs")
              .name("anomaly: series cap (logs)")
              .keyBy(LogSignal::getSeriesId)
              .process(new LogAnomalyFunction(config), out)
              .uid("anomaly-logs")
              .name("anomaly: log series");
      result = result == null ? l : result.union(l);
    }
    if (result == null) {
      throw new IllegalArgumentException("AnomalyStage needs at least one input stream");
    }
    return result;
  }

  static String serviceOf(ResourceContext r) {
    return r.getService() == null ? "" : r.getService();
  }
}
