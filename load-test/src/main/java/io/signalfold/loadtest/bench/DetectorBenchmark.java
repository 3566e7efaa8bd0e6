package io.signalfold.loadtest.bench;

import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.anomaly.core.EpisodeListener;
import io.signalfold.anomaly.core.SeriesDetector;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.anomaly.core.SeriesStateCodec;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one point through the series detector (the per-record work of the anomaly operator), and
 * of the state round trip the operator does per record (decode + encode of one series).
 *
 * <p>Run: {@code java -cp load-test/target/load-test.jar org.openjdk.jmh.Main DetectorBenchmark
 * -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DetectorBenchmark {

  private static final int POINTS = 1 << 16;
  private final double[] values = new double[POINTS];
  private SeriesDetector detector;
  private SeriesDetector[] slot;
  private boolean[] present;
  private byte[] state;
  private long t;
  private int i;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    for (int k = 0; k < POINTS; k++) {
      double hour = (k % 1440) / 60.0;
      values[k] =
          300
              * (0.3 + 0.7 * 0.5 * (1 + Math.cos(2 * Math.PI * (hour - 15) / 24)))
              * (1 + 0.05 * random.nextGaussian());
    }
    detector = new SeriesDetector(DetectorConfig.defaults(), SeriesSpec.generic());
    t = 1_772_409_600_000L;
    // two weeks of history so that every detector path is warm
    for (int k = 0; k < 20_160; k++, t += 60_000) {
      detector.observe(t, values[k % POINTS], EpisodeListener.NONE);
    }
    slot = new SeriesDetector[] {detector};
    present = new boolean[] {true};
    state = SeriesStateCodec.encode(slot, present, SeriesStateCodec.CURRENT_VERSION);
  }

  @Benchmark
  public double observe() {
    detector.observe(t, values[i], EpisodeListener.NONE);
    t += 60_000;
    i = (i + 1) & (POINTS - 1);
    return detector.lastScore();
  }

  @Benchmark
  public int stateRoundTrip() {
    SeriesStateCodec.decode(state, slot, present);
    state = SeriesStateCodec.encode(slot, present, SeriesStateCodec.CURRENT_VERSION);
    return state.length;
  }
}
