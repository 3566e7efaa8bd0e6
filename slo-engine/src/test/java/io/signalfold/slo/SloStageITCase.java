package io.signalfold.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AlertState;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.schema.SpanKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole stage on a MiniCluster (parallelism 2) with RED, metric and log inputs. */
class SloStageITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final long MIN = 60_000L;
  private static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00:00Z
  private static final int MINUTES = 180;

  private static final SloDefinition PER_ZONE =
      SloDefinition.builder("checkout-availability")
          .service("checkout")
          .sli(new Sli.Availability(null))
          .objective(0.999)
          .window(SloWindow.parse("30d"))
          .groupBy(GroupDimension.ZONE)
          .build();
  private static final SloDefinition WHOLE =
      SloDefinition.builder("checkout-total")
          .service("checkout")
          .sli(new Sli.Availability(null))
          .objective(0.99)
          .window(SloWindow.parse("30d"))
          .build();
  private static final SloDefinition ORDERS =
      SloDefinition.builder("orders")
          .service("checkout")
          .sli(
              new Sli.Ratio(
                  new SeriesSelector.Metric("orders.failed", null, Map.of(), null),
                  false,
                  new SeriesSelector.Metric("orders.attempted", null, Map.of(), null)))
          .objective(0.99)
          .window(SloWindow.parse("7d"))
          .build();
  private static final SloDefinition LOGS =
      SloDefinition.builder("clean-logs")
          .service("checkout")
          .sli(
              new Sli.Ratio(
                  new SeriesSelector.Logs(null, Set.of(Severity.ERROR), null, null),
                  false,
                  new SeriesSelector.Logs(null, Set.of(), null, null)))
          .objective(0.95)
          .window(SloWindow.parse("7d"))
          .build();

  /**
   * RED points as ingest emits them for one service: per interval the whole-service rollup, a
   * rollup per instance (i-1 and i-2 in az-1, i-3 in az-2) and an operation series; 10% errors in
   * az-1 from minute 60 to 90. The same requests appear in all three levels.
   */
  private static List<RedPoint> redPoints() {
    List<RedPoint> out = new ArrayList<>();
    String[][] instances = {{"i-1", "az-1"}, {"i-2", "az-1"}, {"i-3", "az-2"}};
    ResourceContext whole = ResourceContext.newBuilder().setService("checkout").build();
    for (int half = 1; half <= MINUTES * 2; half++) {
      long end = T0 + half * 30_000L;
      double minute = half / 2.0;
      double allErrors = 0;
      for (String[] inst : instances) {
        boolean burning = inst[1].equals("az-1") && minute > 60 && minute <= 90;
        ResourceContext r = TestRecords.resource("checkout", inst[0], inst[1]);
        double errors = burning ? 25 : 0;
        out.add(TestRecords.red("checkout", "*", SpanKind.SERVER, r, end, 250, errors, null));
        allErrors += errors;
      }
      out.add(TestRecords.red("checkout", "*", SpanKind.SERVER, whole, end, 750, allErrors, null));
      out.add(
          TestRecords.red(
              "checkout", "GET /cart", SpanKind.SERVER, whole, end, 750, allErrors, null));
    }
    return out;
  }

  @Test
  void perZoneAlertsAndStatusesMatchThePlainEvaluatorOnSummedInstances() throws Exception {
    StreamExecutionEnvironment env = environment();
    DataStream<RedPoint> red =
        env.fromData(redPoints(), new AvroTypeInfo<>(RedPoint.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<RedPoint>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((p, ts) -> p.getIntervalEndMs()));
    DataStream<MetricPoint> metrics =
        env.fromData(metricPoints(), new AvroTypeInfo<>(MetricPoint.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<MetricPoint>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((p, ts) -> p.getTimestampMs()));
    DataStream<LogSignal> logs =
        env.fromData(logSignals(), new AvroTypeInfo<>(LogSignal.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<LogSignal>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((p, ts) -> p.getIntervalEndMs()));

    SloOutputs outputs =
        SloStage.build(
            red, metrics, logs, List.of(PER_ZONE, WHOLE, ORDERS, LOGS), SloConfig.defaults());
    List<SloBurnAlert> alerts = new ArrayList<>();
    List<SloStatus> statuses = new ArrayList<>();
    CloseableIterator<SloBurnAlert> a = outputs.alerts().collectAsync();
    CloseableIterator<SloStatus> s = outputs.statuses().collectAsync();
    try {
      env.execute("slo-stage-itcase");
      a.forEachRemaining(alerts::add);
      s.forEachRemaining(statuses::add);
    } finally {
      a.close();
      s.close();
    }

    // az-1: two instances of 250 requests per 30 s -> 1000 a minute; 25 bad in each of the four
    // points of a burning minute -> 100 bad a minute.
    List<String> expected = new ArrayList<>();
    SloEvaluator az1 =
        SloEvaluator.create(PER_ZONE, Map.of("zone", "az-1"), SloConfig.defaults(), 0L);
    CollectingOutput out = new CollectingOutput();
    for (int m = 1; m <= MINUTES; m++) {
      long t = T0 + m * MIN;
      double bad = m > 60 && m <= 90 ? 100 : 0;
      az1.record(t - 30_000, 500 - bad / 2, 500, out);
      az1.record(t, 500 - bad / 2, 500, out);
      az1.evaluate(t, out);
    }
    out.alerts.forEach(x -> expected.add(describe(x)));

    List<String> got =
        alerts.stream()
            .filter(x -> x.getSlo().equals(PER_ZONE.name()))
            .map(SloStageITCase::describe)
            .sorted()
            .collect(Collectors.toList());
    assertThat(got).isNotEmpty().isEqualTo(expected.stream().sorted().collect(Collectors.toList()));
    assertThat(alerts)
        .filteredOn(x -> x.getSlo().equals(PER_ZONE.name()))
        .allSatisfy(x -> assertThat(x.getLabels()).containsEntry("zone", "az-1"));

    // The sources' records reach each key over two channels (a rebalance after the collection
    // source), skewed arbitrarily: all are on time for Flink and must all count.
    assertThat(statuses).allSatisfy(x -> assertThat(x.getLateEventsIgnored()).isZero());
    SloStatus lastAz2 = last(statuses, PER_ZONE.name(), "az-2");
    assertThat(lastAz2.getTotalEvents()).isEqualTo(MINUTES * 500.0);
    assertThat(lastAz2.getSliAttained()).isEqualTo(1.0);
    SloStatus lastAz1 = last(statuses, PER_ZONE.name(), "az-1");
    assertThat(lastAz1.getTotalEvents()).isEqualTo(MINUTES * 1000.0);
    assertThat(lastAz1.getGoodEvents()).isEqualTo(MINUTES * 1000.0 - 30 * 100);

    // The whole-service SLO reads the whole-service rollup only: 1500 requests a minute.
    SloStatus whole = last(statuses, WHOLE.name(), null);
    assertThat(whole.getTotalEvents()).isEqualTo(MINUTES * 1500.0);
    assertThat(whole.getGoodEvents()).isEqualTo(MINUTES * 1500.0 - 30 * 100);

    // Metrics: 2% of orders failed in the last hour (objective 99%): budget overspent.
    SloStatus orders = last(statuses, ORDERS.name(), null);
    assertThat(orders.getTotalEvents()).isEqualTo(MINUTES * 100.0);
    assertThat(orders.getTotalEvents() - orders.getGoodEvents()).isEqualTo(60 * 2.0);
    assertThat(alerts)
        .anyMatch(x -> x.getSlo().equals(ORDERS.name()) && x.getState() == AlertState.FIRING);

    // Logs: 1 ERROR line in 50 -> 2% bad, within a 5% budget.
    SloStatus clean = last(statuses, LOGS.name(), null);
    assertThat(clean.getTotalEvents()).isEqualTo(MINUTES * 50.0);
    assertThat(clean.getSliAttained()).isEqualTo(0.98);
  }

  private static SloStatus last(List<SloStatus> statuses, String slo, String zone) {
    return statuses.stream()
        .filter(s -> s.getSlo().equals(slo))
        .filter(s -> zone == null || zone.equals(s.getLabels().get("zone")))
        .max((x, y) -> Long.compare(x.getTimestampMs(), y.getTimestampMs()))
        .orElseThrow();
  }

  private static List<MetricPoint> metricPoints() {
    List<MetricPoint> out = new ArrayList<>();
    ResourceContext r = TestRecords.resource("checkout", "i-1", "az-1");
    for (int m = 1; m <= MINUTES; m++) {
      long t = T0 + m * MIN;
      out.add(TestRecords.sum("orders.attempted", r, Map.of(), t, 100));
      out.add(TestRecords.sum("orders.failed", r, Map.of(), t, m > MINUTES - 60 ? 2 : 0));
    }
    return out;
  }

  private static List<LogSignal> logSignals() {
    List<LogSignal> out = new ArrayList<>();
    ResourceContext r = TestRecords.resource("checkout", "i-1", "az-1");
    for (int m = 1; m <= MINUTES; m++) {
      long t = T0 + m * MIN;
      out.add(TestRecords.logs(r, LogSignalKind.SEVERITY_COUNT, Severity.INFO, null, t, 49));
      out.add(TestRecords.logs(r, LogSignalKind.SEVERITY_COUNT, Severity.ERROR, null, t, 1));
      out.add(TestRecords.logs(r, LogSignalKind.TEMPLATE_COUNT, Severity.ERROR, "boom <*>", t, 1));
    }
    return out;
  }

  private static String describe(SloBurnAlert a) {
    return a.getId() + " " + a.getState() + " @ " + (a.getTimestampMs() - T0) / MIN;
  }

  private static StreamExecutionEnvironment environment() {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }
}
