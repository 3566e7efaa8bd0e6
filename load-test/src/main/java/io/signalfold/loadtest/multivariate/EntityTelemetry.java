package io.signalfold.loadtest.multivariate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One generated service instance, one vector per minute: request rate (req/s, daily cycle, weekend
 * factor 0.7, 8% noise: bursty traffic), CPU utilization that follows the request rate closely (a
 * stable cost per request plus 0.006 of noise), memory utilization that does not (a 7-hour cycle),
 * and the failure rate (0.5% of requests, Poisson noise of the minute's count). After the training
 * days, relationship breaks and ordinary univariate spikes are injected at spread-out times.
 */
final class EntityTelemetry {

  static final long MINUTE = 60_000L;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  /** Monday 2026-03-02 00:00 UTC. */
  static final long START = 1_772_409_600_000L;

  static final String[] METRICS = {
    "http.server.request_rate",
    "process.cpu.utilization",
    "process.memory.utilization",
    "http.server.failure_rate"
  };
  static final int RATE = 0;
  static final int CPU = 1;
  static final int MEMORY = 2;
  static final int FAILURES = 3;

  /** What was injected. The first two break the CPU-load relationship; the others do not. */
  enum Kind {
    /** Traffic falls by 15%, CPU stays where the old load put it (work not tied to requests). */
    RATE_DROP_CPU_STAYS(true, 30),
    /** The cost per request rises by 20% at unchanged traffic (a slower code path). */
    CPU_UP_SAME_LOAD(true, 30),
    /** Traffic x1.8 for 5 minutes; CPU and failures follow as usual. */
    LOAD_SPIKE(false, 5),
    /** Memory +0.12 for 10 minutes, nothing else changes. */
    MEMORY_JUMP(false, 10);

    final boolean relationshipBreak;
    final int minutes;

    Kind(boolean relationshipBreak, int minutes) {
      this.relationshipBreak = relationshipBreak;
      this.minutes = minutes;
    }
  }

  record Injected(Kind kind, long startMs, long endMs) {}

  final long[] times;
  final double[][] rows;
  final int trainRows;
  final List<Injected> injected;
  final int evalDays;

  private EntityTelemetry(
      long[] times, double[][] rows, int trainRows, List<Injected> injected, int evalDays) {
    this.times = times;
    this.rows = rows;
    this.trainRows = trainRows;
    this.injected = injected;
    this.evalDays = evalDays;
  }

  static EntityTelemetry generate(long seed, int days, int trainDays, int breaks, int spikes) {
    Random random = new Random(seed);
    double peak = 100 + 200 * random.nextDouble();
    double peakHour = 12 + 6 * random.nextDouble();
    double costPerRequest = 0.5 / peak;
    double baseCpu = 0.05;

    int n = days * 24 * 60;
    long[] times = new long[n];
    double[][] rows = new double[n][];
    int events = breaks + spikes;
    List<Kind> kinds = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      kinds.add(
          i < breaks
              ? (i % 2 == 0 ? Kind.RATE_DROP_CPU_STAYS : Kind.CPU_UP_SAME_LOAD)
              : ((i - breaks) % 2 == 0 ? Kind.LOAD_SPIKE : Kind.MEMORY_JUMP));
    }
    java.util.Collections.shuffle(kinds, random);
    List<Injected> injected = new ArrayList<>();
    long evalStart = START + trainDays * DAY;
    long spacing = (days - trainDays) * DAY / Math.max(1, events);
    for (int i = 0; i < events; i++) {
      long at = evalStart + i * spacing + spacing / 4 + (long) (random.nextDouble() * spacing / 2);
      at = at / MINUTE * MINUTE;
      Kind k = kinds.get(i);
      injected.add(new Injected(k, at, at + k.minutes * MINUTE));
    }

    for (int i = 0; i < n; i++) {
      long t = START + i * MINUTE;
      times[i] = t;
      double hour = Math.floorMod(t, DAY) / (double) HOUR;
      double cycle = 0.5 * (1 + Math.cos(2 * Math.PI * (hour - peakHour) / 24.0));
      long dayOfWeek = Math.floorMod(Math.floorDiv(t, DAY) + 3, 7L); // 0 = Monday
      double level = peak * (0.35 + 0.65 * cycle) * (dayOfWeek >= 5 ? 0.7 : 1.0);
      double rate = level * (1 + 0.08 * random.nextGaussian());
      double cost = costPerRequest;
      double served = rate;
      double memory =
          0.5 + 0.03 * Math.sin(2 * Math.PI * t / (7.0 * HOUR)) + 0.01 * random.nextGaussian();
      for (Injected e : injected) {
        if (t >= e.startMs() && t < e.endMs()) {
          switch (e.kind()) {
            case RATE_DROP_CPU_STAYS -> served = rate * 0.85;
            case CPU_UP_SAME_LOAD -> cost = costPerRequest * 1.2;
            case LOAD_SPIKE -> {
              rate *= 1.8;
              served = rate;
            }
            case MEMORY_JUMP -> memory += 0.12;
          }
        }
      }
      // CPU follows the load the process is busy with; after a rate drop that is the old rate
      double cpu = baseCpu + cost * rate + 0.006 * random.nextGaussian();
      double perMinute = 0.005 * served * 60;
      double failures =
          Math.max(0, perMinute + Math.sqrt(perMinute) * random.nextGaussian()) / 60.0;
      rows[i] = new double[] {served, cpu, memory, failures};
    }
    int trainRows = trainDays * 24 * 60;
    return new EntityTelemetry(times, rows, trainRows, injected, days - trainDays);
  }
}
