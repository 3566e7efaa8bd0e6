package io.signalfold.ingest;

import io.signalfold.ingest.internal.CumulativeToDeltaFunction;
import io.signalfold.ingest.internal.DecodeFunction;
import io.signalfold.ingest.internal.DecodedMetric;
import io.signalfold.ingest.internal.EdgeMatcher;
import io.signalfold.ingest.internal.EdgeObservation;
import io.signalfold.ingest.internal.EventTimeWatermarks;
import io.signalfold.ingest.internal.IntervalAggregates;
import io.signalfold.ingest.internal.KeyedSpan;
import io.signalfold.ingest.internal.LogEvent;
import io.signalfold.ingest.internal.ResourceSighting;
import io.signalfold.ingest.internal.Routers;
import io.signalfold.ingest.internal.SeriesCapFunction;
import io.signalfold.ingest.internal.SpanRecord;
import io.signalfold.ingest.internal.TemplateHit;
import io.signalfold.ingest.internal.TemplateMinerFunction;
import io.signalfold.ingest.internal.VersionTracker;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The ingest stage: raw Kafka records of the OTLP and change-event topics in, normalized signals
 * out (metric points, RED points, call edges, log signals, change events) plus dead letters.
 *
 * <p>Operator uids (stable across versions, for savepoints): {@code ingest-decode-metrics}, {@code
 * ingest-metrics-timestamps}, {@code ingest-metrics-cumulative-to-delta}, {@code
 * ingest-metrics-series-cap}, {@code ingest-decode-spans}, {@code ingest-spans-timestamps}, {@code
 * ingest-red}, {@code ingest-edge-matcher}, {@code ingest-edges}, {@code ingest-decode-logs},
 * {@code ingest-logs-timestamps}, {@code ingest-log-severity}, {@code ingest-log-miner}, {@code
 * ingest-log-templates}, {@code ingest-decode-changes}, {@code ingest-changes-timestamps}, {@code
 * ingest-sightings-timestamps}, {@code ingest-version-tracker}.
 */
public final class IngestStage {

  private static final OutputTag<KeyedSpan> LATE_SPANS = new OutputTag<>("ingest-late-spans") {};
  private static final OutputTag<EdgeObservation> LATE_EDGES =
      new OutputTag<>("ingest-late-edges") {};
  private static final OutputTag<IntervalAggregates.SeverityInput> LATE_LOGS =
      new OutputTag<>("ingest-late-logs") {};
  private static final OutputTag<TemplateHit> LATE_TEMPLATES =
      new OutputTag<>("ingest-late-templates") {};

  private IngestStage() {}

  /** Wires the stage onto the given input streams. */
  public static IngestOutputs build(IngestSources sources, IngestConfig config) {
    List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
    List<DataStream<ResourceSighting>> sightings = new ArrayList<>();
    DataStream<RawTelemetry> any =
        sources
            .metrics()
            .or(sources::spans)
            .or(sources::logs)
            .or(sources::changeEvents)
            .orElseThrow();
    Duration interval = config.interval();

    // Metrics.
    DataStream<MetricPoint> metricPoints;
    if (sources.metrics().isPresent()) {
      SingleOutputStreamOperator<DecodedMetric> decoded =
          sources
              .metrics()
              .get()
              .process(new DecodeFunction.Metrics(config))
              .uid("ingest-decode-metrics")
              .name("decode OTLP metrics");
      deadLetters.add(decoded.getSideOutput(DecodeFunction.DEAD_LETTERS));
      sightings.add(decoded.getSideOutput(DecodeFunction.SIGHTINGS));
      DataStream<DecodedMetric> timed =
          decoded
              .assignTimestampsAndWatermarks(
                  watermarks(config, (DecodedMetric m, long ts) -> m.point.getTimestampMs()))
              .uid("ingest-metrics-timestamps")
              .name("metric event time");
      DataStream<DecodedMetric> deltas =
          timed
              .filter(m -> m.cumulative)
              .name("cumulative points")
              .keyBy(DecodedMetric::getIdentityKey)
              .process(new CumulativeToDeltaFunction(config))
              .uid("ingest-metrics-cumulative-to-delta")
              .name("cumulative to delta");
      DataStream<DecodedMetric> direct = timed.filter(m -> !m.cumulative).name("delta points");
      metricPoints =
          deltas
              .union(direct)
              .keyBy(DecodedMetric::getCapKey)
              .process(new SeriesCapFunction(config))
              .uid("ingest-metrics-series-cap")
              .name("series cap");
    } else {
      metricPoints = empty(any, MetricPoint.class);
    }

    // Spans.
    DataStream<RedPoint> redPoints;
    DataStream<CallEdge> callEdges;
    if (sources.spans().isPresent()) {
      SingleOutputStreamOperator<SpanRecord> decoded =
          sources
              .spans()
              .get()
              .process(new DecodeFunction.Spans(config))
              .uid("ingest-decode-spans")
              .name("decode OTLP spans");
      deadLetters.add(decoded.getSideOutput(DecodeFunction.DEAD_LETTERS));
      sightings.add(decoded.getSideOutput(DecodeFunction.SIGHTINGS));
      DataStream<SpanRecord> timed =
          decoded
              .assignTimestampsAndWatermarks(
                  watermarks(config, (SpanRecord s, long ts) -> s.startMs))
              .uid("ingest-spans-timestamps")
              .name("span event time");
      SingleOutputStreamOperator<RedPoint> red =
          timed
              .flatMap(new Routers.RedRouter(config))
              .name("route spans to RED series")
              .keyBy(KeyedSpan::getKey)
              .window(TumblingEventTimeWindows.of(interval))
              .allowedLateness(config.allowedLateness())
              .sideOutputLateData(LATE_SPANS)
              .aggregate(
                  new IntervalAggregates.Red(config), new IntervalAggregates.RedWindow(config))
              .uid("ingest-red")
              .name("RED per interval");
      redPoints = red;
      deadLetters.add(
          red.getSideOutput(LATE_SPANS).flatMap(new Routers.LateSpans(config)).name("late spans"));
      SingleOutputStreamOperator<CallEdge> edges =
          timed
              .keyBy(SpanRecord::getTraceId)
              .process(new EdgeMatcher(config))
              .uid("ingest-edge-matcher")
              .name("match client/server spans")
              .keyBy(EdgeObservation::key)
              .window(TumblingEventTimeWindows.of(interval))
              .allowedLateness(config.allowedLateness())
              .sideOutputLateData(LATE_EDGES)
              .aggregate(new IntervalAggregates.Edge(config), new IntervalAggregates.EdgeWindow())
              .uid("ingest-edges")
              .name("call edges per interval");
      callEdges = edges;
      deadLetters.add(
          edges
              .getSideOutput(LATE_EDGES)
              .flatMap(new Routers.CountOnly<EdgeObservation>(config, "lateEdgeObservations"))
              .returns(DeadLetter.class)
              .name("late edges"));
    } else {
      redPoints = empty(any, RedPoint.class);
      callEdges = empty(any, CallEdge.class);
    }

    // Logs.
    DataStream<LogSignal> logSignals;
    if (sources.logs().isPresent()) {
      SingleOutputStreamOperator<LogEvent> decoded =
          sources
              .logs()
              .get()
              .process(new DecodeFunction.Logs(config))
              .uid("ingest-decode-logs")
              .name("decode OTLP logs");
      deadLetters.add(decoded.getSideOutput(DecodeFunction.DEAD_LETTERS));
      sightings.add(decoded.getSideOutput(DecodeFunction.SIGHTINGS));
      DataStream<LogEvent> timed =
          decoded
              .assignTimestampsAndWatermarks(watermarks(config, (LogEvent e, long ts) -> e.timeMs))
              .uid("ingest-logs-timestamps")
              .name("log event time");
      SingleOutputStreamOperator<LogSignal> severity =
          timed
              .flatMap(new Routers.SeverityRouter())
              .name("route logs to severity series")
              .keyBy(IntervalAggregates.SeverityInput::key)
              .window(TumblingEventTimeWindows.of(interval))
              .allowedLateness(config.allowedLateness())
              .sideOutputLateData(LATE_LOGS)
              .aggregate(
                  new IntervalAggregates.SeverityCount(), new IntervalAggregates.SeverityWindow())
              .uid("ingest-log-severity")
              .name("log severity per interval");
      deadLetters.add(
          severity
              .getSideOutput(LATE_LOGS)
              .flatMap(new Routers.LateLogs(config))
              .name("late logs"));
      SingleOutputStreamOperator<LogSignal> templates =
          timed
              .keyBy(LogEvent::getService)
              .process(new TemplateMinerFunction(config))
              .uid("ingest-log-miner")
              .name("mine log templates")
              .keyBy(TemplateHit::key)
              .window(TumblingEventTimeWindows.of(interval))
              .allowedLateness(config.allowedLateness())
              .sideOutputLateData(LATE_TEMPLATES)
              .aggregate(
                  new IntervalAggregates.TemplateCount(config),
                  new IntervalAggregates.TemplateWindow())
              .uid("ingest-log-templates")
              .name("log templates per interval");
      deadLetters.add(
          templates
              .getSideOutput(LATE_TEMPLATES)
              .flatMap(new Routers.CountOnly<TemplateHit>(config, "lateTemplateHits"))
              .returns(DeadLetter.class)
              .name("late template hits"));
      logSignals = severity.union(templates);
    } else {
      logSignals = empty(any, LogSignal.class);
    }

    // Change events: reported ones plus deploys derived from service.version.
    List<DataStream<ChangeEvent>> changes = new ArrayList<>();
    if (sources.changeEvents().isPresent()) {
      SingleOutputStreamOperator<ChangeEvent> decoded =
          sources
              .changeEvents()
              .get()
              .process(new DecodeFunction.Changes(config))
              .uid("ingest-decode-changes")
              .name("decode change events");
      deadLetters.add(decoded.getSideOutput(DecodeFunction.DEAD_LETTERS));
      changes.add(
          decoded
              .assignTimestampsAndWatermarks(
                  watermarks(config, (ChangeEvent e, long ts) -> e.getTimestampMs()))
              .uid("ingest-changes-timestamps")
              .name("change event time"));
    }
    if (!sightings.isEmpty()) {
      DataStream<ResourceSighting> all = sightings.get(0);
      for (int i = 1; i < sightings.size(); i++) {
        all = all.union(sightings.get(i));
      }
      changes.add(
          all.assignTimestampsAndWatermarks(
                  watermarks(config, (ResourceSighting s, long ts) -> s.timeMs))
              .uid("ingest-sightings-timestamps")
              .name("sighting event time")
              .keyBy(ResourceSighting::key)
              .process(new VersionTracker(config))
              .uid("ingest-version-tracker")
              .name("derive deploys from service.version"));
    }
    DataStream<ChangeEvent> changeEvents =
        changes.isEmpty() ? empty(any, ChangeEvent.class) : unionAll(changes);

    DataStream<DeadLetter> dead =
        deadLetters.isEmpty() ? empty(any, DeadLetter.class) : unionAll(deadLetters);
    return new IngestOutputs(metricPoints, redPoints, callEdges, logSignals, changeEvents, dead);
  }

  private static <T> DataStream<T> unionAll(List<DataStream<T>> streams) {
    DataStream<T> out = streams.get(0);
    for (int i = 1; i < streams.size(); i++) {
      out = out.union(streams.get(i));
    }
    return out;
  }

  private static <T> WatermarkStrategy<T> watermarks(
      IngestConfig config, SerializableTimestampAssigner<T> assigner) {
    return EventTimeWatermarks.strategy(
        config.maxOutOfOrderness(),
        config.idleness().orElse(null),
        config.firstRecordIdleness().orElse(null),
        assigner);
  }

  private static <T> DataStream<T> empty(DataStream<RawTelemetry> any, Class<T> type) {
    return any.flatMap(new Nothing<T>()).returns(TypeInformation.of(type)).name("no input");
  }

  /** Emits nothing: an empty stream of the right type for an absent input. */
  private static final class Nothing<T> implements FlatMapFunction<RawTelemetry, T> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(RawTelemetry value, Collector<T> out) {}
  }
}
