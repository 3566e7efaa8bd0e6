package io.signalfold.anomaly.internal;

import static io.signalfold.anomaly.internal.Fixtures.DAY;
import static io.signalfold.anomaly.internal.Fixtures.HOUR;
import static io.signalfold.anomaly.internal.Fixtures.START;
import static io.signalfold.anomaly.internal.Fixtures.anomalies;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.schema.ResourceContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // harness close() may throw InterruptedException; fine in tests
class EntityJointFunctionTest {

  private static final long MINUTE = 60_000L;
  private static final AnomalyConfig CONFIG = AnomalyConfig.defaults().withStateTtlMs(2 * DAY);
  private static final ResourceContext POD =
      ResourceContext.newBuilder().setService("checkout").setInstance("checkout-7f9c-1").build();

  /** One instance: CPU follows the request rate (stable cost per request), memory does not. */
  private static final class Instance {
    final Random random = new Random(5);
    boolean broken;

    List<MetricPoint> at(long t) {
      double hour = Math.floorMod(t, DAY) / (double) HOUR;
      double cycle = 0.5 * (1 + Math.cos(2 * Math.PI * (hour - 15) / 24.0));
      double rate = 160 * (0.4 + 0.6 * cycle) * (1 + 0.08 * random.nextGaussian());
      double cpu = 0.05 + 0.003 * rate + 0.005 * random.nextGaussian();
      if (broken) {
        rate *= 0.85; // traffic falls, CPU stays busy
      }
      double memory = 0.55 + 0.01 * random.nextGaussian();
      return List.of(
          MetricPoint.newBuilder()
              .setSeriesId("checkout-7f9c-1|http.server.requests")
              .setName("http.server.requests")
              .setType(MetricType.SUM)
              .setMonotonic(true)
              .setTimestampMs(t)
              .setStartTimestampMs(t - MINUTE)
              .setValue(rate * 60)
              .setRate(rate)
              .setResource(POD)
              .build(),
          gauge("process.cpu.utilization", t, cpu),
          gauge("process.memory.usage", t, memory),
          gauge("system.filesystem.utilization", t, 0.4)); // not a joint metric
    }

    static MetricPoint gauge(String name, long t, double v) {
      return MetricPoint.newBuilder()
          .setSeriesId("checkout-7f9c-1|" + name)
          .setName(name)
          .setType(MetricType.GAUGE)
          .setTimestampMs(t)
          .setValue(v)
          .setResource(POD)
          .build();
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, Anomaly> harness()
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, Anomaly> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new EntityJointFunction(CONFIG)),
            EntityJointFunction::entityKey,
            Types.STRING);
    h.open();
    return h;
  }

  private static long feed(
      KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, Anomaly> h,
      Instance instance,
      long from,
      long to)
      throws Exception {
    long t = from;
    for (; t < to; t += MINUTE) {
      for (MetricPoint p : instance.at(t)) {
        if (EntityJointFunction.accepts(p, CONFIG.jointMetrics())) {
          h.processElement(new StreamRecord<>(p, t));
        }
      }
      h.processWatermark(t - 5_000);
    }
    return t;
  }

  @Test
  void aBrokenRelationshipIsPublishedAsAnInvestigateGradeMultivariateEpisode() throws Exception {
    Instance instance = new Instance();
    try (var h = harness()) {
      long t = feed(h, instance, START, START + 4 * DAY + 14 * HOUR);
      assertThat(anomalies(h)).isEmpty();
      instance.broken = true;
      t = feed(h, instance, t, t + 40 * MINUTE);
      instance.broken = false;
      feed(h, instance, t, t + 2 * HOUR);
      List<Anomaly> out = anomalies(h);
      assertThat(out).isNotEmpty();
      Anomaly open = out.get(0);
      assertThat(open.getPhase()).isEqualTo(AnomalyPhase.OPEN);
      assertThat(open.getKind()).isEqualTo(AnomalyKind.MULTIVARIATE);
      assertThat(open.getSeriesId()).isEqualTo("entity|checkout/checkout-7f9c-1");
      assertThat(open.getSignal()).isEqualTo(EntityJointFunction.SIGNAL);
      assertThat(open.getOnsetMs()).isBetween(START + 4 * DAY + 14 * HOUR, t);
      assertThat(open.getValue()).isGreaterThan(open.getUpper());
      assertThat(open.getExpected()).isLessThan(open.getUpper());
      assertThat(open.getResource()).isEqualTo(POD);
      assertThat(open.getAttributes().get("contributors"))
          .containsAnyOf("process.cpu.utilization", "http.server.requests.rate")
          .doesNotContain("filesystem");
      assertThat(open.getHistoryPoints()).isGreaterThan(4 * 24 * 60 - 10);
      assertThat(open.getId())
          .isEqualTo(
              SeriesAnomalyFunction.anomalyId(
                  open.getSeriesId(),
                  EntityJointFunction.SIGNAL,
                  AnomalyKind.MULTIVARIATE,
                  open.getOnsetMs()));
      assertThat(out).allSatisfy(a -> assertThat(a.getTier()).isEqualTo(AnomalyTier.INVESTIGATE));
      assertThat(out).allSatisfy(a -> assertThat(a.getId()).isEqualTo(open.getId()));
      assertThat(out.get(out.size() - 1).getPhase()).isEqualTo(AnomalyPhase.RECOVERED);
    }
  }

  @Test
  void stateFallsToZeroAfterTheTtl() throws Exception {
    try (var h = harness()) {
      long t = feed(h, new Instance(), START, START + DAY);
      assertThat(h.numKeyedStateEntries()).isPositive();
      assertThat(h.numEventTimeTimers()).isEqualTo(1);
      h.processWatermark(t + HOUR);
      assertThat(h.numEventTimeTimers()).isEqualTo(1);
      h.processWatermark(t + CONFIG.stateTtlMs() + HOUR);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aRestoredSnapshotKeepsTheEntityHistory() throws Exception {
    Instance instance = new Instance();
    OperatorSubtaskState snapshot;
    long t;
    try (var h = harness()) {
      t = feed(h, instance, START, START + 4 * DAY + 14 * HOUR);
      snapshot = h.snapshot(1L, t);
    }
    KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, Anomaly> restored =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new EntityJointFunction(CONFIG)),
            EntityJointFunction::entityKey,
            Types.STRING);
    try (restored) {
      restored.initializeState(snapshot);
      restored.open();
      instance.broken = true;
      t = feed(restored, instance, t, t + 40 * MINUTE);
      assertThat(anomalies(restored))
          .anySatisfy(
              a -> {
                assertThat(a.getPhase()).isEqualTo(AnomalyPhase.OPEN);
                assertThat(a.getKind()).isEqualTo(AnomalyKind.MULTIVARIATE);
                assertThat(a.getHistoryPoints()).isGreaterThan(4 * 24 * 60 - 10);
              });
      restored.processWatermark(t + CONFIG.stateTtlMs() + HOUR);
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void onlyNamedMetricsOfPointsWithAnInstanceEnter() {
    MetricPoint cpu = Instance.gauge("process.cpu.utilization", START, 0.3);
    assertThat(EntityJointFunction.accepts(cpu, CONFIG.jointMetrics())).isTrue();
    MetricPoint noInstance =
        MetricPoint.newBuilder(cpu)
            .setResource(ResourceContext.newBuilder().setService("checkout").build())
            .build();
    assertThat(EntityJointFunction.accepts(noInstance, CONFIG.jointMetrics())).isFalse();
    MetricPoint disk = Instance.gauge("system.filesystem.utilization", START, 0.4);
    assertThat(EntityJointFunction.accepts(disk, CONFIG.jointMetrics())).isFalse();
    assertThat(EntityJointFunction.entityKey(cpu)).isEqualTo("checkout/checkout-7f9c-1");
    MetricPoint labelled =
        MetricPoint.newBuilder(cpu)
            .setAttributes(Map.of("state", "user"))
            .setResource(ResourceContext.newBuilder(POD).setContainer("app").build())
            .build();
    assertThat(EntityJointFunction.labelOf(labelled))
        .isEqualTo("process.cpu.utilization{container=app,state=user}");
  }
}
