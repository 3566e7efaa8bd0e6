package io.signalfold.correlation;

import io.signalfold.correlation.internal.BusinessIndex;
import io.signalfold.correlation.internal.CorrelationFunction;
import io.signalfold.correlation.internal.CorrelationInput;
import io.signalfold.correlation.internal.JsonInputParser;
import io.signalfold.correlation.internal.RedRollup;
import io.signalfold.correlation.internal.ResourceSightings;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RedPoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The correlation stage: topology, grouping of anomalies and alerts into incident candidates, their
 * lifecycle, and ranked root-cause hypotheses with evidence and impact.
 *
 * <p>Graph: every input is mapped into one envelope type and unioned into a single keyed operator
 * ({@value #ENGINE_UID}) keyed by correlation domain (one domain: incidents cross services, so the
 * whole call graph is correlated together). Volume is cut before that operator: RED points are
 * rolled up per series and interval across instances ({@value #RED_ROLLUP_UID}), metric points only
 * contribute the configured business metric, and metric/RED/log records only contribute rare
 * inventory facts. Every stateful operator has a stable uid.
 */
public final class CorrelationStage {

  public static final String ENGINE_UID = "correlation-engine";
  public static final String RED_ROLLUP_UID = "correlation-red-rollup";

  private static final OutputTag<RedPoint> LATE_RED =
      new OutputTag<>("correlation-late-red", new AvroTypeInfo<>(RedPoint.class));

  private CorrelationStage() {}

  /** Incident candidates (every version: OPEN, UPDATED..., RESOLVED). */
  public static DataStream<IncidentCandidate> build(
      CorrelationInputs in, CorrelationConfig config) {
    return buildAll(in, config).candidates();
  }

  /** Candidates plus the second outputs: NEW_DEPENDENCY anomalies and dead letters. */
  public static CorrelationOutputs buildAll(CorrelationInputs in, CorrelationConfig config) {
    TypeInformation<CorrelationInput> type = TypeInformation.of(CorrelationInput.class);
    List<DataStream<CorrelationInput>> parts = new ArrayList<>();
    List<DataStream<DeadLetter>> dead = new ArrayList<>();
    long refresh = config.inventoryRefreshMs();

    in.anomalies()
        .ifPresent(
            s ->
                parts.add(
                    times(s, Anomaly::getTimestampMs, config, "anomalies")
                        .map(CorrelationInput::of)
                        .returns(type)
                        .name("correlation: anomalies")
                        .uid("correlation-in-anomalies")));
    in.sloAlerts()
        .ifPresent(
            s ->
                parts.add(
                    times(s, a -> a.getTimestampMs(), config, "slo-alerts")
                        .map(CorrelationInput::of)
                        .returns(type)
                        .name("correlation: SLO alerts")
                        .uid("correlation-in-slo-alerts")));
    in.callEdges()
        .ifPresent(
            s ->
                parts.add(
                    times(s, e -> e.getIntervalEndMs(), config, "edges")
                        .map(CorrelationInput::of)
                        .returns(type)
                        .name("correlation: call edges")
                        .uid("correlation-in-edges")));
    in.changeEvents()
        .ifPresent(
            s ->
                parts.add(
                    times(s, c -> c.getTimestampMs(), config, "changes")
                        .map(CorrelationInput::of)
                        .returns(type)
                        .name("correlation: change events")
                        .uid("correlation-in-changes")));
    in.redPoints()
        .ifPresent(
            s -> {
              DataStream<RedPoint> red = times(s, r -> r.getIntervalEndMs(), config, "red");
              parts.add(
                  red.flatMap(ResourceSightings.traces(refresh))
                      .returns(type)
                      .name("correlation: trace sightings")
                      .uid("correlation-sightings-traces"));
              SingleOutputStreamOperator<RedPoint> rolled =
                  red.keyBy(new RedRollup.Key(), Types.STRING)
                      .window(
                          TumblingEventTimeWindows.of(Duration.ofMillis(config.redIntervalMs())))
                      .sideOutputLateData(LATE_RED)
                      .aggregate(
                          new RedRollup(config.hllLgK()),
                          TypeInformation.of(RedRollup.Acc.class),
                          new AvroTypeInfo<>(RedPoint.class))
                      .name("correlation: RED rollup")
                      .uid(RED_ROLLUP_UID);
              parts.add(
                  rolled
                      .map(CorrelationInput::of)
                      .returns(type)
                      .name("correlation: RED")
                      .uid("correlation-in-red"));
              dead.add(
                  rolled
                      .getSideOutput(LATE_RED)
                      .map(CorrelationStage::tooLate)
                      .returns(new AvroTypeInfo<>(DeadLetter.class))
                      .name("correlation: late RED")
                      .uid("correlation-late-red"));
            });
    in.metricPoints()
        .ifPresent(
            s -> {
              parts.add(
                  s.flatMap(ResourceSightings.metrics(refresh))
                      .returns(type)
                      .name("correlation: metric sightings")
                      .uid("correlation-sightings-metrics"));
              if (config.businessMetric() != null) {
                parts.add(
                    times(
                            s.filter(m -> BusinessIndex.matches(config, m))
                                .name("correlation: business metric")
                                .uid("correlation-business-filter"),
                            m -> m.getTimestampMs(),
                            config,
                            "business")
                        .map(CorrelationInput::of)
                        .returns(type)
                        .name("correlation: business points")
                        .uid("correlation-in-business"));
              }
            });
    in.logSignals()
        .ifPresent(
            s ->
                parts.add(
                    s.flatMap(ResourceSightings.logs(refresh))
                        .returns(type)
                        .name("correlation: log sightings")
                        .uid("correlation-sightings-logs")));
    in.externalAlerts()
        .ifPresent(
            s ->
                parts.add(
                    times(s, CorrelationInput::externalAlertTimeMs, config, "external-alerts")
                        .map(CorrelationInput::of)
                        .returns(type)
                        .name("correlation: external alerts")
                        .uid("correlation-in-external-alerts")));
    in.feedback()
        .ifPresent(
            s ->
                parts.add(
                    s.map(CorrelationInput::of)
                        .returns(type)
                        .name("correlation: feedback")
                        .uid("correlation-in-feedback")));
    in.externalAlertJson()
        .ifPresent(
            s ->
                parts.add(
                    parseJson(
                        s,
                        JsonInputParser.Kind.EXTERNAL_ALERTS,
                        config.externalAlertsTopic(),
                        config,
                        dead)));
    in.feedbackJson()
        .ifPresent(
            s ->
                parts.add(
                    parseJson(
                        s, JsonInputParser.Kind.FEEDBACK, config.feedbackTopic(), config, dead)));

    DataStream<CorrelationInput> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.union(parts.get(i));
    }
    SingleOutputStreamOperator<IncidentCandidate> candidates =
        all.keyBy(CorrelationInput::getDomain, Types.STRING)
            .process(new CorrelationFunction(config), new AvroTypeInfo<>(IncidentCandidate.class))
            .name("correlation: engine")
            .uid(ENGINE_UID);
    dead.add(candidates.getSideOutput(CorrelationFunction.DEAD_LETTERS));
    DataStream<DeadLetter> deadLetters = dead.get(0);
    for (int i = 1; i < dead.size(); i++) {
      deadLetters = deadLetters.union(dead.get(i));
    }
    return new CorrelationOutputs(
        candidates, candidates.getSideOutput(CorrelationFunction.TOPOLOGY_ANOMALIES), deadLetters);
  }

  private static DataStream<CorrelationInput> parseJson(
      DataStream<JsonMessage> s,
      JsonInputParser.Kind kind,
      String topic,
      CorrelationConfig config,
      List<DataStream<DeadLetter>> dead) {
    String name = kind == JsonInputParser.Kind.EXTERNAL_ALERTS ? "external-alerts" : "feedback";
    SingleOutputStreamOperator<CorrelationInput> parsed =
        s.process(new JsonInputParser(kind, topic), TypeInformation.of(CorrelationInput.class))
            .name("correlation: parse " + name)
            .uid("correlation-parse-" + name);
    dead.add(parsed.getSideOutput(CorrelationFunction.DEAD_LETTERS));
    // The messages carry their own time (alert start/end, feedback time): watermarks come from it.
    return parsed
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<CorrelationInput>forBoundedOutOfOrderness(
                    Duration.ofMillis(config.outOfOrdernessMs()))
                .withTimestampAssigner((e, ts) -> e.eventTimeMs())
                .withIdleness(Duration.ofMillis(config.idlenessMs())))
        .name("correlation: " + name + " watermarks")
        .uid("correlation-ts-" + name);
  }

  private static <T> DataStream<T> times(
      DataStream<T> s,
      SerializableTimestampAssigner1<T> time,
      CorrelationConfig config,
      String name) {
    if (!config.reassignTimestamps()) {
      return s;
    }
    return s.assignTimestampsAndWatermarks(
            WatermarkStrategy.<T>forBoundedOutOfOrderness(
                    Duration.ofMillis(config.outOfOrdernessMs()))
                .withTimestampAssigner((SerializableTimestampAssigner<T>) (e, ts) -> time.apply(e))
                .withIdleness(Duration.ofMillis(config.idlenessMs())))
        .name("correlation: " + name + " watermarks")
        .uid("correlation-ts-" + name);
  }

  /** The event time of a record. */
  @FunctionalInterface
  interface SerializableTimestampAssigner1<T> extends java.io.Serializable {
    long apply(T t);
  }

  private static DeadLetter tooLate(RedPoint r) {
    byte[] text = r.toString().getBytes(StandardCharsets.UTF_8);
    return DeadLetter.newBuilder()
        .setTimestampMs(r.getIntervalEndMs())
        .setSourceTopic("signals.red")
        .setSourcePartition(-1)
        .setSourceOffset(-1L)
        .setStage("correlation.red-rollup")
        .setReason(DeadLetterReason.TOO_LATE)
        .setDetail(
            "RED point of "
                + r.getService()
                + " for interval starting "
                + r.getIntervalStartMs()
                + " arrived after its rollup window closed")
        .setEncoding("avro-json")
        .setPayload(ByteBuffer.wrap(text))
        .build();
  }
}
