package io.signalfold.loadtest.bench;

import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.anomaly.core.EpisodeEvent;
import io.signalfold.anomaly.core.EpisodeListener;
import io.signalfold.anomaly.core.SeriesDetector;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.anomaly.core.SeriesStateCodec;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;
import java.util.Locale;
import java.util.Random;

/**
 * Measures, over many seeds, how many 30 s RED intervals an error-ratio step (0.5% to a given
 * ratio, about 1800 requests per interval with a daily cycle) takes to become an ALARM, and how
 * many bytes of state one series keeps. Prints one line per step size and the state sizes.
 *
 * <p>Run: {@code java -cp load-test/target/load-test.jar
 * io.signalfold.loadtest.bench.DetectorStepLatency}
 */
public final class DetectorStepLatency {

  private static final long INTERVAL = 30_000L;
  private static final long DAY = 86_400_000L;

  private DetectorStepLatency() {}

  public static void main(String[] args) {
    SeriesSpec errors =
        new SeriesSpec(
            SignalClass.LAGGING, Direction.UP, SeriesSpec.NoiseModel.BINOMIAL, null, false);
    DetectorConfig config = DetectorConfig.defaults().withShiftAcceptMs(6 * 3_600_000L);
    int seeds = 20;
    for (double step : new double[] {0.02, 0.05, 0.2, 0.6}) {
      int[] latency = new int[seeds];
      int[] firstEpisode = new int[seeds];
      int missed = 0;
      long bytes = 0;
      for (int seed = 0; seed < seeds; seed++) {
        Random random = new Random(seed);
        SeriesDetector d = new SeriesDetector(config, errors);
        long t = 1_772_409_600_000L;
        for (; t < 1_772_409_600_000L + 14 * DAY; t += INTERVAL) {
          double n = requests(t, random);
          d.observe(t, binomial(random, n, 0.005) / n, n, EpisodeListener.NONE);
        }
        bytes =
            SeriesStateCodec.encode(
                    new SeriesDetector[] {d},
                    new boolean[] {true},
                    SeriesStateCodec.CURRENT_VERSION)
                .length;
        boolean[] alarmed = new boolean[1];
        int[] k = {0};
        int[] opened = {-1};
        EpisodeListener listener =
            (EpisodeEvent e) -> {
              alarmed[0] |= e.tier() == AnomalyTier.ALARM;
              if (opened[0] < 0) {
                opened[0] = k[0] + 1;
              }
            };
        // the step starts at a random time of day
        t += (long) (random.nextDouble() * DAY);
        while (!alarmed[0] && k[0] < 120) {
          double n = requests(t, random);
          d.observe(t, binomial(random, n, step) / n, n, listener);
          t += INTERVAL;
          k[0]++;
        }
        if (!alarmed[0]) {
          missed++;
        }
        latency[seed] = k[0];
        firstEpisode[seed] = opened[0] < 0 ? 999 : opened[0];
      }
      java.util.Arrays.sort(latency);
      java.util.Arrays.sort(firstEpisode);
      System.out.printf(
          Locale.ROOT,
          "step error_ratio 0.005->%.3f: first episode after p50=%d intervals; ALARM after p50=%d"
              + " p95=%d max=%d intervals of 30 s (%d of %d without ALARM within 120);"
              + " state bytes per series=%d (+%d for pattern records)%n",
          step,
          firstEpisode[seeds / 2],
          latency[seeds / 2],
          latency[(int) Math.ceil(seeds * 0.95) - 1],
          latency[seeds - 1],
          missed,
          seeds,
          bytes,
          io.signalfold.anomaly.core.PointScore.forPipeline().toBytes().length);
    }
  }

  private static double requests(long t, Random random) {
    double hour = Math.floorMod(t, DAY) / 3_600_000.0;
    double cycle = 0.5 * (1 + Math.cos(2 * Math.PI * (hour - 15) / 24.0));
    return Math.max(1, Math.rint(1800 * (0.4 + 0.6 * cycle) * (1 + 0.05 * random.nextGaussian())));
  }

  private static double binomial(Random random, double n, double p) {
    double mean = n * p;
    double v = mean + Math.sqrt(mean * (1 - p)) * random.nextGaussian();
    return Math.max(0, Math.min(n, Math.rint(v)));
  }
}
