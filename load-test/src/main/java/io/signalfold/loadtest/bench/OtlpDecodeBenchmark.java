package io.signalfold.loadtest.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.OtlpMetricsDecoder;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.MetricPoint;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode throughput of {@code otlp_proto} metrics in data points per second (one thread = one
 * core), beside a bare {@code ExportMetricsServiceRequest.parseFrom} of the same messages in the
 * same run. The ratio {@code decode / parseFrom} is the figure (target >= 0.7).
 *
 * <p>Input: {@value #MESSAGES} messages shaped like an OpenTelemetry SDK export of one service
 * instance (10 resource attributes; CPU and memory gauges with pool attributes, cumulative request
 * counters per route/method/status, a 15-bucket latency histogram per route), {@value
 * #POINTS_PER_MESSAGE} data points each, built in {@code @Setup} from a fixed seed.
 *
 * <p>Run (after {@code mvn -q -DskipTests package}):
 *
 * <pre>
 * java -cp load-test/target/load-test.jar org.openjdk.jmh.Main OtlpDecodeBenchmark \
 *     -prof gc                                  # allocation per point
 * java -cp load-test/target/load-test.jar org.openjdk.jmh.Main OtlpDecodeBenchmark \
 *     -f 1 -wi 2 -w 2s -i 3 -r 3s               # short run
 * java -cp load-test/target/load-test.jar io.signalfold.loadtest.bench.OtlpDecodeBenchmark
 * </pre>
 *
 * <p>The last form is a CLI harness for shared, busy machines: it alternates short rounds of both
 * paths in one thread and divides by the thread's CPU time (not wall time), so neighbours competing
 * for the cores inflate neither side; it prints both rates and their ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class OtlpDecodeBenchmark {

  static final int MESSAGES = 64;
  static final int ROUTES = 6;

  /** 4 gauges + 2 pools x 2 gauges + routes x 3 statuses counters + routes histograms. */
  static final int POINTS_PER_MESSAGE = 4 + 4 + ROUTES * 3 + ROUTES;

  static final int TOTAL_POINTS = MESSAGES * POINTS_PER_MESSAGE;

  private byte[][] messages;
  private OtlpMetricsDecoder decoder;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    long t0 = 1_772_409_600_000L;
    messages = new byte[MESSAGES][];
    for (int i = 0; i < MESSAGES; i++) {
      messages[i] = message(random, i, t0 + i * 10_000L).toByteArray();
    }
    decoder = new OtlpMetricsDecoder(IngestConfig.defaults());
    int decoded = 0;
    for (byte[] m : messages) {
      decoded += decoder.decode(m, TelemetryEncoding.OTLP_PROTO, t0, p -> {}, r -> {});
    }
    if (decoded != TOTAL_POINTS) {
      throw new IllegalStateException("expected " + TOTAL_POINTS + " points, decoded " + decoded);
    }
  }

  /** Bare protobuf parsing of every message. */
  @Benchmark
  @OperationsPerInvocation(TOTAL_POINTS)
  public void parseFrom(Blackhole bh) throws InvalidProtocolBufferException {
    for (byte[] m : messages) {
      bh.consume(ExportMetricsServiceRequest.parseFrom(m));
    }
  }

  /** Parsing plus normalization into MetricPoint records (what the ingest stage's decoder does). */
  @Benchmark
  @OperationsPerInvocation(TOTAL_POINTS)
  public void decode(Blackhole bh) {
    Consumer<MetricPoint> points = bh::consume;
    Consumer<DeadLetterReason> rejected = bh::consume;
    for (byte[] m : messages) {
      decoder.decode(m, TelemetryEncoding.OTLP_PROTO, 0L, points, rejected);
    }
  }

  /** Interleaved CPU-time comparison (see the class comment). */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    OtlpDecodeBenchmark b = new OtlpDecodeBenchmark();
    b.setUp();
    java.lang.management.ThreadMXBean cpu =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long[] sink = new long[1];
    Consumer<MetricPoint> points = p -> sink[0] += p.getTimestampMs();
    Consumer<DeadLetterReason> rejected = r -> sink[0]++;
    int reps = 50;
    long parseNanos = 0;
    long decodeNanos = 0;
    for (int round = 0; round < rounds; round++) {
      long t0 = cpu.getCurrentThreadCpuTime();
      for (int rep = 0; rep < reps; rep++) {
        for (byte[] m : b.messages) {
          sink[0] += ExportMetricsServiceRequest.parseFrom(m).getResourceMetricsCount();
        }
      }
      long t1 = cpu.getCurrentThreadCpuTime();
      for (int rep = 0; rep < reps; rep++) {
        for (byte[] m : b.messages) {
          b.decoder.decode(m, TelemetryEncoding.OTLP_PROTO, 0L, points, rejected);
        }
      }
      long t2 = cpu.getCurrentThreadCpuTime();
      if (round >= rounds / 4) { // the first quarter warms up the JIT
        parseNanos += t1 - t0;
        decodeNanos += t2 - t1;
      }
    }
    double measured = (double) (rounds - rounds / 4) * reps * TOTAL_POINTS;
    double parseRate = measured / (parseNanos / 1e9);
    double decodeRate = measured / (decodeNanos / 1e9);
    System.out.printf(
        "otlp_proto metrics, points per CPU-second: parseFrom=%.0f decode=%.0f ratio=%.2f (checksum %d)%n",
        parseRate, decodeRate, decodeRate / parseRate, sink[0] & 0xff);
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static KeyValue attr(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  private static NumberDataPoint.Builder point(long timeMs, long startMs) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(timeMs * 1_000_000L)
        .setStartTimeUnixNano(startMs * 1_000_000L);
  }

  static ExportMetricsServiceRequest message(Random r, int instance, long timeMs) {
    String service = "svc-" + (instance % 8);
    Resource resource =
        Resource.newBuilder()
            .addAttributes(attr("service.name", service))
            .addAttributes(attr("service.version", "1.4." + (instance % 3)))
            .addAttributes(attr("service.namespace", "shop"))
            .addAttributes(attr("service.instance.id", "0b6f-" + instance))
            .addAttributes(attr("host.name", service + "-" + instance))
            .addAttributes(attr("k8s.pod.name", service + "-7d9f-" + instance))
            .addAttributes(attr("k8s.namespace.name", "prod"))
            .addAttributes(attr("cloud.availability_zone", "az-" + (instance % 3)))
            .addAttributes(attr("telemetry.sdk.language", "java"))
            .addAttributes(attr("telemetry.sdk.version", "1.63.0"))
            .build();
    long start = timeMs - 3_600_000L;
    ScopeMetrics.Builder runtime =
        ScopeMetrics.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder().setName("io.opentelemetry.runtime-telemetry"));
    for (String g :
        List.of(
            "process.cpu.utilization",
            "system.cpu.utilization",
            "jvm.thread.count",
            "queue.depth")) {
      runtime.addMetrics(
          Metric.newBuilder()
              .setName(g)
              .setUnit("1")
              .setGauge(
                  Gauge.newBuilder().addDataPoints(point(timeMs, 0).setAsDouble(r.nextDouble()))));
    }
    for (String m : List.of("jvm.memory.used", "jvm.memory.limit")) {
      Gauge.Builder gauge = Gauge.newBuilder();
      for (String pool : List.of("G1 Eden Space", "G1 Old Gen")) {
        gauge.addDataPoints(
            point(timeMs, 0)
                .setAsInt(r.nextInt(1 << 30))
                .addAttributes(attr("jvm.memory.type", "heap"))
                .addAttributes(attr("jvm.memory.pool.name", pool)));
      }
      runtime.addMetrics(Metric.newBuilder().setName(m).setUnit("By").setGauge(gauge));
    }
    ScopeMetrics.Builder http =
        ScopeMetrics.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.http-server"));
    Sum.Builder requests =
        Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    Histogram.Builder duration =
        Histogram.newBuilder()
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    List<Double> bounds =
        List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    for (int route = 0; route < ROUTES; route++) {
      for (long status : new long[] {200, 404, 500}) {
        requests.addDataPoints(
            point(timeMs, start)
                .setAsInt(r.nextInt(100_000))
                .addAttributes(attr("http.route", "/api/v1/resource" + route + "/{id}"))
                .addAttributes(attr("http.request.method", route % 2 == 0 ? "GET" : "POST"))
                .addAttributes(attr("http.response.status_code", status))
                .addAttributes(attr("network.protocol.version", "1.1"))
                .addAttributes(attr("url.scheme", "https")));
      }
      HistogramDataPoint.Builder h =
          HistogramDataPoint.newBuilder()
              .setTimeUnixNano(timeMs * 1_000_000L)
              .setStartTimeUnixNano(start * 1_000_000L)
              .addAllExplicitBounds(bounds)
              .addAttributes(attr("http.route", "/api/v1/resource" + route + "/{id}"))
              .addAttributes(attr("http.request.method", route % 2 == 0 ? "GET" : "POST"))
              .addAttributes(attr("url.scheme", "https"));
      long count = 0;
      double sum = 0;
      for (int b = 0; b <= bounds.size(); b++) {
        long c = r.nextInt(1000);
        h.addBucketCounts(c);
        count += c;
        sum += c * (b < bounds.size() ? bounds.get(b) : 12.0) * 0.7;
      }
      h.setCount(count).setSum(sum).setMin(0.001).setMax(11.0);
      duration.addDataPoints(h);
    }
    http.addMetrics(
        Metric.newBuilder()
            .setName("http.server.request.count")
            .setUnit("{request}")
            .setSum(requests));
    http.addMetrics(
        Metric.newBuilder()
            .setName("http.server.request.duration")
            .setUnit("s")
            .setHistogram(duration));
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource)
                .addScopeMetrics(runtime)
                .addScopeMetrics(http))
        .build();
  }
}
