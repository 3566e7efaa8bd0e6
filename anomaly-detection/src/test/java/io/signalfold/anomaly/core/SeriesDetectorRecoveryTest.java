package io.signalfold.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * An error ratio steps from 0.4% to 30% for 40 minutes and comes back: the episode recovers within
 * minutes of the clear (the value is back at its long-run level), not after the level-shift
 * statistic has slowly drained its memory of the fault.
 */
class SeriesDetectorRecoveryTest {

  private static final long START = 1_772_409_600_000L;
  private static final long STEP = 30_000L;

  private static double ratio(SplittableRandom rng, double n, double p) {
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (rng.nextDouble() < p) {
        k++;
      }
    }
    return k / n;
  }

  @Test
  void aClearedFaultRecoversWithinMinutes() {
    SeriesSpec errors =
        new SeriesSpec(
            SignalClass.LAGGING, Direction.UP, SeriesSpec.NoiseModel.BINOMIAL, null, false);
    SeriesDetector d = new SeriesDetector(DetectorConfig.defaults(), errors);
    SplittableRandom rng = new SplittableRandom(9);
    double n = 1500;
    long t = START;
    for (; t < START + 2 * 86_400_000L; t += STEP) {
      d.observe(t, ratio(rng, n, 0.004), n, EpisodeListener.NONE);
    }
    RecordingListener out = new RecordingListener();
    long faultEnd = t + 40 * 60_000L;
    for (; t < faultEnd; t += STEP) {
      d.observe(t, ratio(rng, n, 0.3), n, out);
    }
    assertThat(out.alarms()).isNotEmpty();
    assertThat(out.events).noneMatch(e -> e.phase() == AnomalyPhase.RECOVERED);
    for (; t < faultEnd + 60 * 60_000L; t += STEP) {
      d.observe(t, ratio(rng, n, 0.004), n, out);
    }
    assertThat(out.events)
        .filteredOn(e -> e.phase() == AnomalyPhase.RECOVERED)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.timestampMs() - faultEnd).isLessThan(10 * 60_000L));
    assertThat(out.events.get(out.events.size() - 1).phase()).isEqualTo(AnomalyPhase.RECOVERED);
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

  /** The same for an ERROR log rate, whose raised expectation leaves the normal rate below band. */
  @Test
  void aClearedLogSurgeRecoversWithinMinutes() {
    SeriesSpec logs =
        new SeriesSpec(
            SignalClass.LAGGING, Direction.UP, SeriesSpec.NoiseModel.POISSON, null, false);
    SeriesDetector d = new SeriesDetector(DetectorConfig.defaults(), logs);
    SplittableRandom rng = new SplittableRandom(4);
    double seconds = STEP / 1000.0;
    long t = START;
    for (; t < START + 2 * 86_400_000L; t += STEP) {
      d.observe(t, poisson(rng, 0.04 * seconds) / seconds, seconds, EpisodeListener.NONE);
    }
    RecordingListener out = new RecordingListener();
    long faultEnd = t + 18 * 60_000L;
    for (; t < faultEnd; t += STEP) {
      d.observe(t, poisson(rng, 2.0 * seconds) / seconds, seconds, out);
    }
    assertThat(out.alarms()).isNotEmpty();
    for (; t < faultEnd + 30 * 60_000L; t += STEP) {
      d.observe(t, poisson(rng, 0.04 * seconds) / seconds, seconds, out);
    }
    assertThat(out.events)
        .filteredOn(e -> e.phase() == AnomalyPhase.RECOVERED)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.timestampMs() - faultEnd).isLessThan(3 * 60_000L));
  }
}
