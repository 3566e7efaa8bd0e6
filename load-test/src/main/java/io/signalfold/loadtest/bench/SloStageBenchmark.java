package io.signalfold.loadtest.bench;

import io.signalfold.schema.AlertState;
import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.schema.SpanKind;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloEvaluator;
import io.signalfold.slo.SloOutputs;
import io.signalfold.slo.SloStage;
import io.signalfold.slo.SloWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The SLO stage on a local MiniCluster (parallelism 2), two measurements:
 *
 * <ol>
 *   <li>Throughput: S services, one 30-day availability SLO each, 24 hours of 30-second RED points
 *       from an unthrottled source. Prints RED points per second and evaluations per second (one
 *       per SLO and 1-minute bucket).
 *   <li>Delay from the event that crosses a burn threshold to the alert record: the same shape of
 *       data paced in wall-clock time, each service with a burn starting at a different minute. The
 *       plain evaluator predicts at which minute each alert fires; the source stamps the wall clock
 *       when it emits each record, a map after the stage stamps each alert record. Prints the
 *       event-time delay (alert timestamp minus the crossing interval's end) and the wall-clock
 *       delay (p50, p95, max).
 * </ol>
 *
 * <p>The source emits the RED points of one interval for all services and then a watermark at the
 * interval end minus 1 ms, as the ingest stage's window operator does. Flink's network buffer
 * timeout (100 ms by default) is left as it is: it is part of the real delay.
 *
 * <p>Run: {@code java -cp load-test/target/load-test.jar
 * io.signalfold.loadtest.bench.SloStageBenchmark [services] [records-per-second]
 * [buffer-timeout-ms]} (the last argument sets Flink's network buffer timeout for the delay run; 0
 * flushes every record).
 */
public final class SloStageBenchmark {

  static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00:00Z
  static final long HALF = 30_000L;

  /** Wall-clock nanos at which the source emitted record i (delay run). */
  static volatile AtomicLongArray emitted;

  /** Alerts as they come out of the stage, with the wall clock (delay run). */
  static final ConcurrentLinkedQueue<long[]> RECEIVED = new ConcurrentLinkedQueue<>();

  static final ConcurrentLinkedQueue<SloBurnAlert> ALERTS = new ConcurrentLinkedQueue<>();

  private SloStageBenchmark() {}

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    double rate = args.length > 1 ? Double.parseDouble(args[1]) : 2000;
    long bufferTimeout = args.length > 2 ? Long.parseLong(args[2]) : -1;
    throughput(Math.max(services, 50));
    delay(services, rate, bufferTimeout);
  }

  static List<SloDefinition> slos(int services) {
    List<SloDefinition> out = new ArrayList<>();
    for (int s = 0; s < services; s++) {
      out.add(
          SloDefinition.builder("svc-" + s + "-availability")
              .service("svc-" + s)
              .sli(new Sli.Availability(null))
              .objective(0.999)
              .window(SloWindow.parse("30d"))
              .build());
    }
    return out;
  }

  /** Half-minute index of the burn start of service s: staggered so alerts spread in time. */
  static int burnStart(int s) {
    return 2 * (90 + 7 * s);
  }

  /** Errors of service s in half-minute h: 10% during a 40-minute burn. */
  static double errors(int s, int h) {
    int start = burnStart(s);
    return h > start && h <= start + 80 ? 50 : 0;
  }

  /** Record i: half-minute i / services + 1, service i % services. */
  static final class RedGenerator implements GeneratorFunction<Long, RedPoint> {
    private static final long serialVersionUID = 1L;
    private final int services;
    private final boolean stamp;

    RedGenerator(int services, boolean stamp) {
      this.services = services;
      this.stamp = stamp;
    }

    @Override
    public RedPoint map(Long index) {
      int i = index.intValue();
      int h = i / services + 1;
      int s = i % services;
      long end = T0 + h * HALF;
      String service = "svc-" + s;
      RedPoint p =
          RedPoint.newBuilder()
              .setSeriesId(service + "|*")
              .setIntervalStartMs(end - HALF)
              .setIntervalEndMs(end)
              .setService(service)
              .setOperation("*")
              .setSpanKind(SpanKind.SERVER)
              .setResource(ResourceContext.newBuilder().setService(service).build())
              .setRequests(500)
              .setErrors(errors(s, h))
              .setDurationSumMs(0)
              .setLatency(ExponentialHistogram.newBuilder().setScale(0).build())
              .build();
      if (stamp) {
        emitted.set(i, System.nanoTime());
      }
      return p;
    }
  }

  /** Emits the watermark interval-end - 1 after the last service's point of an interval. */
  static final class IntervalWatermarks implements WatermarkGenerator<RedPoint> {
    private final String lastService;

    IntervalWatermarks(int services) {
      this.lastService = "svc-" + (services - 1);
    }

    @Override
    public void onEvent(RedPoint p, long ts, WatermarkOutput out) {
      if (p.getService().equals(lastService)) {
        out.emitWatermark(new Watermark(p.getIntervalEndMs() - 1));
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput out) {}
  }

  static StreamExecutionEnvironment env() {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  static DataStream<RedPoint> source(
      StreamExecutionEnvironment env,
      int services,
      long count,
      RateLimiterStrategy rate,
      boolean stamp) {
    DataGeneratorSource<RedPoint> src =
        new DataGeneratorSource<>(
            new RedGenerator(services, stamp), count, rate, new AvroTypeInfo<>(RedPoint.class));
    WatermarkStrategy<RedPoint> wm =
        WatermarkStrategy.<RedPoint>forGenerator(ctx -> new IntervalWatermarks(services))
            .withTimestampAssigner((p, ts) -> p.getIntervalEndMs() - 1);
    return env.fromSource(src, wm, "red-points").setParallelism(1);
  }

  static void throughput(int services) throws Exception {
    int halves = 2 * 24 * 60;
    long count = (long) services * halves;
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    // Round 1 warms the JVM up (class loading, JIT); round 2 is measured.
    for (int round = 1; round <= 2; round++) {
      throughputRound(services, halves, count, os, round == 2);
    }
  }

  private static void throughputRound(
      int services,
      int halves,
      long count,
      com.sun.management.OperatingSystemMXBean os,
      boolean print)
      throws Exception {
    // Baseline: the same source into a discarding sink through the same network hop.
    StreamExecutionEnvironment base = env();
    source(base, services, count, RateLimiterStrategy.noOp(), false)
        .rebalance()
        .sinkTo(new DiscardingSink<>())
        .name("discard");
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    base.execute("slo-throughput-baseline");
    double baseWall = (System.nanoTime() - wall0) / 1e9;
    double baseCpu = (os.getProcessCpuTime() - cpu0) / 1e9;

    StreamExecutionEnvironment env = env();
    SloOutputs out =
        SloStage.build(
            source(env, services, count, RateLimiterStrategy.noOp(), false),
            null,
            null,
            slos(services),
            SloConfig.defaults());
    out.statuses().sinkTo(new DiscardingSink<>()).name("statuses");
    out.alerts().sinkTo(new DiscardingSink<>()).name("alerts");
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    env.execute("slo-throughput");
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
    long evaluations = (long) services * (halves / 2);
    double stageCpu = Math.max(1e-9, cpuSeconds - baseCpu);
    if (!print) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "throughput: %d SLOs, %d RED points (24h of 30s intervals), %d evaluations, %d statuses;"
            + " host load average %.1f%n"
            + "  with the SLO stage: %.1f s wall, %.1f s CPU; source-only baseline: %.1f s wall,"
            + " %.1f s CPU (job start included in both)%n"
            + "  SLO stage alone: %.1f us CPU per RED point, %.0f RED points per CPU-second,"
            + " %.0f SLO evaluations (with their statuses) per CPU-second%n",
        services,
        count,
        evaluations,
        evaluations,
        os.getSystemLoadAverage(),
        seconds,
        cpuSeconds,
        baseWall,
        baseCpu,
        stageCpu * 1e6 / count,
        count / stageCpu,
        evaluations / stageCpu);
  }

  static void delay(int services, double recordsPerSecond, long bufferTimeoutMs) throws Exception {
    int halves = 2 * 8 * 60;
    int count = services * halves;
    emitted = new AtomicLongArray(count);
    RECEIVED.clear();
    ALERTS.clear();
    List<SloDefinition> slos = slos(services);

    // Which minute each alert fires at, from the plain evaluator on the same data.
    Map<String, Long> predicted = new HashMap<>();
    for (int s = 0; s < services; s++) {
      SloEvaluator ev = SloEvaluator.create(slos.get(s), SloConfig.defaults());
      List<SloBurnAlert> alerts = new ArrayList<>();
      SloEvaluator.Output o =
          new SloEvaluator.Output() {
            @Override
            public void status(SloStatus status) {}

            @Override
            public void alert(SloBurnAlert alert) {
              alerts.add(alert);
            }
          };
      for (int h = 1; h <= halves; h++) {
        long end = T0 + h * HALF;
        ev.record(end, 500 - errors(s, h), 500, o);
        if (h % 2 == 0) {
          ev.evaluate(end, o);
        }
      }
      for (SloBurnAlert a : alerts) {
        if (a.getState() == AlertState.FIRING) {
          predicted.put(a.getId(), a.getTimestampMs());
        }
      }
    }

    StreamExecutionEnvironment env = env();
    if (bufferTimeoutMs >= 0) {
      env.setBufferTimeout(bufferTimeoutMs);
    }
    SloOutputs out =
        SloStage.build(
            source(env, services, count, RateLimiterStrategy.perSecond(recordsPerSecond), true),
            null,
            null,
            slos,
            SloConfig.defaults());
    out.alerts()
        .map(
            a -> {
              long now = System.nanoTime();
              ALERTS.add(a);
              RECEIVED.add(new long[] {ALERTS.size(), now, a.getTimestampMs()});
              return a;
            },
            new AvroTypeInfo<>(SloBurnAlert.class))
        .name("stamp alerts")
        .sinkTo(new DiscardingSink<>());
    out.statuses().sinkTo(new DiscardingSink<>());
    env.execute("slo-delay");

    List<Double> wallMs = new ArrayList<>();
    List<Long> eventMs = new ArrayList<>();
    Map<String, Long> receivedAt = new HashMap<>();
    List<SloBurnAlert> alerts = new ArrayList<>(ALERTS);
    List<long[]> stamps = new ArrayList<>(RECEIVED);
    for (int i = 0; i < alerts.size(); i++) {
      receivedAt.put(alerts.get(i).getId() + "/" + alerts.get(i).getState(), stamps.get(i)[1]);
    }
    int matched = 0;
    for (SloBurnAlert a : alerts) {
      if (a.getState() != AlertState.FIRING) {
        continue;
      }
      Long expectedAt = predicted.get(a.getId());
      if (expectedAt == null) {
        System.out.println("unexpected alert (not predicted by the plain evaluator): " + a.getId());
        continue;
      }
      matched++;
      eventMs.add(a.getTimestampMs() - expectedAt);
      // The crossing record: the last interval of the firing minute for this service.
      int s = Integer.parseInt(a.getSlo().substring(4, a.getSlo().indexOf('-', 4)));
      int h = (int) ((expectedAt - T0) / HALF);
      int index = (h - 1) * services + s;
      long sent = emitted.get(index);
      wallMs.add((receivedAt.get(a.getId() + "/FIRING") - sent) / 1e6);
    }
    double[] w = wallMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    long maxEvent = eventMs.stream().mapToLong(Long::longValue).map(Math::abs).max().orElse(-1);
    System.out.printf(
        Locale.ROOT,
        "delay: %d SLOs, %.0f RED points/s paced, buffer timeout %s, %d firing alerts (%d"
            + " predicted);"
            + " event-time delay max |alert time - crossing interval end| = %d ms;"
            + " wall clock from crossing record to alert record: p50 %.1f ms, p95 %.1f ms,"
            + " max %.1f ms%n",
        services,
        recordsPerSecond,
        bufferTimeoutMs < 0 ? "default (100 ms)" : bufferTimeoutMs + " ms",
        matched,
        predicted.size(),
        maxEvent,
        percentile(w, 0.5),
        percentile(w, 0.95),
        w.length == 0 ? Double.NaN : w[w.length - 1]);
    if (matched != predicted.size()) {
      System.out.println(
          "MISMATCH: alerts differ from the plain evaluator's " + predicted.keySet());
    }
    System.out.println("wall-clock delays (ms): " + Arrays.toString(w));
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
