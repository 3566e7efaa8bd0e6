package io.signalfold.anomaly.internal;

import static io.signalfold.anomaly.internal.Fixtures.DAY;
import static io.signalfold.anomaly.internal.Fixtures.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Counter-derived rates (the per-second rate of a monotonic sum) count events: a history at 1 m
 * followed by live data at 10 s must not alarm on ordinary Poisson noise, while a real surge still
 * does.
 */
@SuppressWarnings("try")
class MetricCounterNoiseTest {

  private static final AnomalyConfig CONFIG = AnomalyConfig.defaults().withStateTtlMs(4 * DAY);
  private static final double RATE_PER_S = 0.11; // failures per second, as a small service shows

  private static MetricPoint counter(long end, long stepMs, double delta) {
    return MetricPoint.newBuilder()
        .setSeriesId("http.server.requests|checkout/checkout-0|outcome=failure")
        .setName("http.server.requests")
        .setUnit("{request}")
        .setType(MetricType.SUM)
        .setMonotonic(true)
        .setTimestampMs(end)
        .setStartTimestampMs(end - stepMs)
        .setValue(delta)
        .setRate(delta / (stepMs / 1000.0))
        .setResource(Fixtures.resource("checkout"))
        .setAttributes(Map.of("outcome", "failure"))
        .build();
  }

  private static int poisson(SplittableRandom rng, double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= rng.nextDouble();
    } while (p > l);
    return k - 1;
  }

  private static List<Anomaly> run(double liveFactor) throws Exception {
    List<Anomaly> out = new ArrayList<>();
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new MetricAnomalyFunction(CONFIG)),
            MetricPoint::getSeriesId,
            Types.STRING)) {
      h.open();
      SplittableRandom rng = new SplittableRandom(7);
      long t = START;
      for (; t < START + 3 * DAY; t += 60_000) {
        h.processElement(new StreamRecord<>(counter(t, 60_000, poisson(rng, RATE_PER_S * 60)), t));
        h.processWatermark(t - 5_000);
      }
      h.getOutput().clear();
      for (long end = t + 2 * 3_600_000L; t < end; t += 10_000) {
        double mean = RATE_PER_S * 10 * liveFactor;
        h.processElement(new StreamRecord<>(counter(t, 10_000, poisson(rng, mean)), t));
        h.processWatermark(t - 5_000);
      }
      out.addAll(Fixtures.anomalies(h));
    }
    return out;
  }

  @Test
  void poissonNoiseAtAFinerResolutionIsNotAnAlarm() throws Exception {
    List<Anomaly> alarms =
        run(1.0).stream()
            .filter(a -> a.getPhase() == AnomalyPhase.OPEN && a.getTier() == AnomalyTier.ALARM)
            .toList();
    assertThat(alarms).isEmpty();
  }

  @Test
  void aRealSurgeOfFailuresStillAlarms() throws Exception {
    List<Anomaly> alarms =
        run(20.0).stream()
            .filter(a -> a.getPhase() == AnomalyPhase.OPEN && a.getTier() == AnomalyTier.ALARM)
            .toList();
    assertThat(alarms).isNotEmpty();
    assertThat(alarms.get(0).getSignal()).isEqualTo("http.server.requests.rate");
  }
}
