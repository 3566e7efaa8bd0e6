package io.signalfold.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A gauge with a smooth hourly cycle the 48-bin daily profile cannot represent (a heap oscillating
 * +-5%), two days at 1 m, then live data at 10 s: the denser points carry no more evidence per
 * minute, so the level-shift statistic must not open an episode; a real shift still does.
 */
class SeriesDetectorCadenceTest {

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long START = 1_772_409_600_000L;
  private static final SeriesSpec HEAP =
      new SeriesSpec(
          SignalClass.LEADING, Direction.NONE, SeriesSpec.NoiseModel.CONTINUOUS, null, true);

  private static double heap(long t, SplittableRandom rng) {
    double hourly = 0.05 * Math.sin(2 * Math.PI * Math.floorMod(t, HOUR) / (double) HOUR);
    return (0.4 + hourly + 0.01 * rng.nextDouble()) * 1e9;
  }

  private static RecordingListener run(double shiftAfterHour) {
    SeriesDetector d = new SeriesDetector(DetectorConfig.defaults(), HEAP);
    RecordingListener out = new RecordingListener();
    SplittableRandom rng = new SplittableRandom(5);
    long t = START;
    for (; t < START + 48 * HOUR; t += MINUTE) {
      d.observe(t, heap(t, rng), out);
    }
    out.clear();
    long t0 = t;
    for (; t < t0 + 2 * HOUR; t += 10_000) {
      double shift = t >= t0 + HOUR ? shiftAfterHour : 0;
      d.observe(t, heap(t, rng) + shift, out);
    }
    return out;
  }

  @Test
  void finerLiveResolutionDoesNotMakeTheHourlyCycleAShift() {
    assertThat(run(0).opened()).isEmpty();
  }

  @Test
  void aRealShiftAtTheFinerResolutionIsStillFlagged() {
    RecordingListener out = run(0.25e9);
    assertThat(out.alarms()).isNotEmpty();
    assertThat(out.opened()).anyMatch(p -> p.kind() != AnomalyKind.MISSING_DATA);
  }
}
