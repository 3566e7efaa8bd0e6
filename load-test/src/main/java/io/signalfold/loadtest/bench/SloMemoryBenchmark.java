package io.signalfold.loadtest.bench;

import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloEvaluator;
import io.signalfold.slo.SloWindow;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory per SLO (per SLO group) of a 30-day window: builds N evaluators, feeds each 31 days of
 * one-minute traffic, and prints the heap they hold (measured after full GCs) divided by N, next to
 * the computed size of the state arrays, for the default 1-minute/1-hour buckets and for coarser
 * and finer layouts.
 *
 * <p>Run: {@code java -cp load-test/target/load-test.jar
 * io.signalfold.loadtest.bench.SloMemoryBenchmark [N]}
 */
public final class SloMemoryBenchmark {

  private SloMemoryBenchmark() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    SloDefinition slo =
        SloDefinition.builder("checkout-availability")
            .service("checkout")
            .sli(new Sli.Availability(null))
            .objective(0.999)
            .window(SloWindow.parse("30d"))
            .build();
    System.out.println("SLO memory, 30-day rolling window, SRE-workbook policy, " + n + " SLOs");
    measure("fine 1m / coarse 1h (default)", slo, SloConfig.defaults(), n);
    measure(
        "fine 5m / coarse 1h",
        slo,
        SloConfig.defaults().withFineResolution(Duration.ofMinutes(5)),
        n);
    measure(
        "fine 30s / coarse 1h",
        slo,
        SloConfig.defaults().withFineResolution(Duration.ofSeconds(30)),
        n);
  }

  private static void measure(String label, SloDefinition slo, SloConfig config, int n) {
    SloEvaluator.Output none =
        new SloEvaluator.Output() {
          @Override
          public void status(SloStatus status) {}

          @Override
          public void alert(SloBurnAlert alert) {}
        };
    long before = usedAfterGc();
    List<SloEvaluator> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(SloEvaluator.create(slo, Map.of("zone", "az-" + i), config, 0L));
    }
    long start = 1_772_409_600_000L;
    long step = config.fineResolution().toMillis();
    long end = start + Duration.ofDays(31).toMillis();
    long day = Duration.ofDays(1).toMillis();
    for (SloEvaluator ev : all) {
      for (long t = start + day; t <= end - day; t += day) {
        ev.evaluate(t, none); // evaluate first: no catch-up of the minutes in between
        ev.record(t, 999, 1000, none);
      }
      for (long t = end - 3_600_000L; t <= end; t += step) {
        ev.record(t, 999, 1000, none);
        ev.evaluate(t, none);
      }
    }
    long after = usedAfterGc();
    double perSlo = (double) (after - before) / n;
    System.out.printf(
        Locale.ROOT,
        "%-32s heap per SLO: %8.0f bytes measured, %8d bytes computed%n",
        label,
        perSlo,
        all.get(0).retainedBytes());
    if (all.size() != n) {
      throw new IllegalStateException(); // keeps the list reachable until here
    }
  }

  private static long usedAfterGc() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
