package io.signalfold.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;
import io.signalfold.schema.SpanKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole stage on a MiniCluster (parallelism 2): RED, metrics and logs in, the feed out. */
class AnomalyStageITCase {

  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final long START = 1_772_409_600_000L;
  private static final long INTERVAL = 30_000L;
  private static final long DAY = 86_400_000L;
  private static final long STEP = START + 2 * DAY + 11 * 3_600_000L;

  private static ResourceContext resource(String service) {
    return ResourceContext.newBuilder().setService(service).build();
  }

  @Test
  void botforgeErrorStepIsAnAlarmAndQuietSeriesStayQuiet() throws Exception {
    List<RedPoint> red = new ArrayList<>();
    List<MetricPoint> metrics = new ArrayList<>();
    for (long t = START; t < STEP + 10 * 60_000; t += INTERVAL) {
      for (String service : List.of("botforge", "gateway")) {
        double n = 1500 + 300 * Math.sin(2 * Math.PI * (t - START) / DAY) + (t / INTERVAL) % 7;
        boolean fault = service.equals("botforge") && t >= STEP;
        double errors = fault ? Math.rint(n * 0.3) : Math.rint(n * 0.005) + (t / INTERVAL) % 2;
        red.add(
            RedPoint.newBuilder()
                .setSeriesId("red|" + service + "|*")
                .setIntervalStartMs(t - INTERVAL)
                .setIntervalEndMs(t)
                .setService(service)
                .setOperation("*")
                .setSpanKind(SpanKind.SERVER)
                .setResource(resource(service))
                .setRequests(n)
                .setErrors(errors)
                .setDurationSumMs(n * 20)
                .setP95Ms(40.0 + (t / INTERVAL) % 5)
                .setLatency(ExponentialHistogram.newBuilder().setScale(3).build())
                .setErrorTraceIds(List.of("0af7651916cd43dd8448eb211c80319c"))
                .build());
      }
      metrics.add(
          MetricPoint.newBuilder()
              .setSeriesId("process.cpu.utilization|gateway-0")
              .setName("process.cpu.utilization")
              .setType(MetricType.GAUGE)
              .setTimestampMs(t)
              .setValue(
                  0.3
                      + 0.1 * Math.sin(2 * Math.PI * (t - START) / DAY)
                      + ((t / INTERVAL) % 3) * 0.005)
              .setResource(resource("gateway"))
              .build());
    }
    List<LogSignal> logs =
        List.of(
            LogSignal.newBuilder()
                .setSeriesId("log|botforge|t-9")
                .setKind(LogSignalKind.TEMPLATE_COUNT)
                .setIntervalStartMs(START)
                .setIntervalEndMs(START + INTERVAL)
                .setResource(resource("botforge"))
                .setSeverity(Severity.INFO)
                .setCount(3)
                .setTemplateId("t-9")
                .setTemplate("started in <*> ms")
                .setNewTemplate(true)
                .build());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<RedPoint> redStream =
        env.fromData(red, new AvroTypeInfo<>(RedPoint.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<RedPoint>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((r, ts) -> r.getIntervalEndMs()));
    DataStream<MetricPoint> metricStream =
        env.fromData(metrics, new AvroTypeInfo<>(MetricPoint.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<MetricPoint>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((m, ts) -> m.getTimestampMs()));
    DataStream<LogSignal> logStream =
        env.fromData(logs, new AvroTypeInfo<>(LogSignal.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<LogSignal>forMonotonousTimestamps()
                    .withTimestampAssigner((l, ts) -> l.getIntervalEndMs()));

    List<Anomaly> out = new ArrayList<>();
    try (CloseableIterator<Anomaly> it =
        AnomalyStage.build(metricStream, redStream, logStream, AnomalyConfig.defaults())
            .executeAndCollect()) {
      it.forEachRemaining(out::add);
    }

    List<Anomaly> alarms = out.stream().filter(a -> a.getTier() == AnomalyTier.ALARM).toList();
    assertThat(alarms).isNotEmpty();
    assertThat(alarms)
        .allSatisfy(
            a -> {
              assertThat(a.getResource().getService()).isEqualTo("botforge");
              assertThat(a.getTimestampMs()).isGreaterThanOrEqualTo(STEP);
            });
    Anomaly first =
        alarms.stream()
            .filter(a -> a.getSignal().equals("http.server.error_rate"))
            .findFirst()
            .orElseThrow();
    assertThat(first.getTimestampMs()).isLessThanOrEqualTo(STEP + 2 * INTERVAL);
    assertThat(first.getEvidence().getTraceIds()).isNotEmpty();
    // a template seen at start-up is not news; the end of the bounded input is not silence
    assertThat(out).noneMatch(a -> a.getKind() == AnomalyKind.NEW_LOG_TEMPLATE);
    assertThat(out).noneMatch(a -> a.getKind() == AnomalyKind.MISSING_DATA);
  }
}
