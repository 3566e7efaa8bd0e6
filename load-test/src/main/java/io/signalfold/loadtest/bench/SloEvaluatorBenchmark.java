package io.signalfold.loadtest.bench;

import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloEvaluator;
import io.signalfold.slo.SloWindow;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the SLO evaluation core ({@link SloEvaluator}) for a 30-day availability SLO with
 * the default SRE-workbook policy (5 windows: 5m, 30m, 1h, 6h, 3d on 1-minute buckets; 30 days on
 * 1-hour buckets), rings pre-filled with 4 days of traffic so every window sum runs over full
 * rings.
 *
 * <ul>
 *   <li>{@code recordAndEvaluate}: one incoming interval and the evaluation it triggers (the
 *       stage's per-event path): "SLO evaluations per second".
 *   <li>{@code record}: adding an interval to the buckets only (more instances in the same minute).
 * </ul>
 *
 * <p>{@code statusInterval} 1m emits a SloStatus (an Avro record) at every evaluation, 1h almost
 * never, which separates the cost of building records from the evaluation itself.
 *
 * <p>Run: {@code java -cp load-test/target/load-test.jar org.openjdk.jmh.Main SloEvaluatorBenchmark
 * -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SloEvaluatorBenchmark {

  private static final long MIN = 60_000L;

  @Param({"1m", "1h"})
  public String statusInterval;

  private SloEvaluator evaluator;
  private long t;
  private Sink sink;

  /** Hands every output to the blackhole. */
  private static final class Sink implements SloEvaluator.Output {
    Blackhole bh;

    @Override
    public void status(SloStatus status) {
      bh.consume(status);
    }

    @Override
    public void alert(SloBurnAlert alert) {
      bh.consume(alert);
    }
  }

  @Setup
  public void setUp(Blackhole bh) {
    SloDefinition slo =
        SloDefinition.builder("checkout-availability")
            .service("checkout")
            .sli(new Sli.Availability(null))
            .objective(0.999)
            .window(SloWindow.parse("30d"))
            .build();
    SloConfig config =
        SloConfig.defaults()
            .withStatusInterval(Duration.ofMillis(statusInterval.equals("1m") ? MIN : 60 * MIN));
    evaluator = SloEvaluator.create(slo, Map.of("zone", "az-1"), config, 0L);
    sink = new Sink();
    sink.bh = bh;
    t = 1_772_409_600_000L;
    for (int m = 0; m < 4 * 1440; m++) {
      t += MIN;
      evaluator.record(t, 999, 1000, sink);
      evaluator.evaluate(t, sink);
    }
  }

  @Benchmark
  public void recordAndEvaluate() {
    t += MIN;
    evaluator.record(t, 999, 1000, sink);
    evaluator.evaluate(t, sink);
  }

  @Benchmark
  public SloEvaluator.Recorded record() {
    return evaluator.record(t, 999, 1000, sink);
  }
}
