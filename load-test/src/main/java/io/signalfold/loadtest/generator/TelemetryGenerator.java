package io.signalfold.loadtest.generator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.signalfold.loadtest.generator.Scenario.Change;
import io.signalfold.loadtest.generator.Scenario.Fault;
import io.signalfold.loadtest.generator.Scenario.Service;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.annotation.Nullable;

/**
 * Turns a {@link Scenario} into OTLP protobuf metrics, spans and logs and change-event JSON, in
 * event-time order, one export interval at a time ({@code history_resolution} before T0, {@code
 * resolution} after).
 *
 * <p>Design note. Requests are not emitted one by one. Per interval the generator computes, for
 * every service instance and operation, the expected number of requests and of failures from the
 * traffic model (daily cosine, weekend factor, relative noise) and the active faults, and emits a
 * few sampled server spans per stratum (success / error) whose W3C tracestate {@code ot=th:T}
 * threshold makes the span's adjusted count (1/p, p = 1 - T/2^56, OpenTelemetry consistent
 * probability sampling) equal to the stratum's count divided by the spans emitted. Fractional
 * counts are carried to the next interval, so long-run totals are exact and low error rates show no
 * quantization noise. Each service samples with its own threshold (allowed by the specification),
 * so every span carries its own weight. Callee server spans are children of a CLIENT span in a
 * caller server span of the same trace, which gives the ingest stage its PARENT_CHILD edges; calls
 * to dependencies are CLIENT spans with {@code db.system.name} / {@code messaging.system} / {@code
 * peer.service} / {@code server.address}. Fault errors of a callee propagate to its callers (client
 * spans, then server spans); baseline errors are assumed to be retried away. Randomness comes from
 * one {@link SplittableRandom} seeded from the scenario seed and consumed in a fixed order, so the
 * same scenario gives byte-identical output.
 */
public final class TelemetryGenerator {

  /** Topic names. */
  public record Topics(String metrics, String spans, String logs, String changes) {
    /** {@code otlp_metrics}, {@code otlp_spans}, {@code otlp_logs}, {@code change-events}. */
    public static Topics defaults() {
      return withPrefix("");
    }

    /** The default names with a prefix. */
    public static Topics withPrefix(String prefix) {
      return new Topics(
          prefix + "otlp_metrics",
          prefix + "otlp_spans",
          prefix + "otlp_logs",
          prefix + "change-events");
    }
  }

  /** What one run produced. */
  public record Stats(
      long points, long spans, long logs, long changes, long records, long bytes, long intervals) {}

  /** Called before each interval is generated (real-time pacing); may sleep. */
  public interface Pacer {
    void beforeInterval(long intervalEndMs) throws InterruptedException;
  }

  /** Called after each interval (progress reporting). */
  public interface Progress {
    void afterInterval(long intervalEndMs, Stats soFar);
  }

  private static final double TWO_POW_56 = 0x1p56;
  private static final long DAY_MS = 86_400_000L;
  private static final double BASE_HEAP = 0.35;
  private static final long MAX_HEAP_BYTES = 1L << 30;
  private static final int ATTRIBUTE_CARDINALITY = 3000;
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder()
          .setName("io.signalfold.loadtest.generator")
          .setVersion("1")
          .build();
  private static final String[] ROUTINE_LOGS = {
    "request completed in %d ms status=200",
    "connection pool stats active=%d idle=8 pending=0",
    "cache refresh finished entries=%d",
    "health check passed in %d ms",
  };

  private final Scenario scenario;
  private final Topics topics;
  private final byte[] batchKey;
  private final ObjectMapper json = new ObjectMapper();

  // ---- topology, in topological order (callers before callees) ----
  private final Svc[] svcs;
  private final Edge[] edges;
  private final AttributePool[] attrPools;

  private SplittableRandom rng;
  private long points;
  private long spans;
  private long logs;
  private long changes;
  private long records;
  private long bytes;
  private long intervals;

  private TelemetryGenerator(Scenario scenario, Topics topics) {
    this.scenario = scenario;
    this.topics = topics;
    this.batchKey = scenario.name().getBytes(StandardCharsets.UTF_8);
    List<Service> ordered = topologicalOrder(scenario);
    svcs = new Svc[ordered.size()];
    for (int i = 0; i < svcs.length; i++) {
      svcs[i] = new Svc(i, ordered.get(i));
    }
    List<Edge> es = new ArrayList<>();
    for (Scenario.Call c : scenario.calls()) {
      Svc from = svc(c.from());
      Svc to = svc(c.to());
      Scenario.Dependency dep = scenario.dependency(c.to());
      Edge e = new Edge(from, to, dep, c.ratio());
      es.add(e);
      from.out.add(e);
      if (to != null) {
        to.in.add(e);
      }
    }
    edges = es.toArray(new Edge[0]);
    attrPools = new AttributePool[scenario.attributes().size()];
    for (int i = 0; i < attrPools.length; i++) {
      attrPools[i] = new AttributePool(scenario.attributes().get(i));
    }
  }

  /** A generator for the scenario writing to the default topics. */
  public static TelemetryGenerator create(Scenario scenario) {
    return new TelemetryGenerator(scenario, Topics.defaults());
  }

  /** A generator for the scenario writing to the given topics. */
  public static TelemetryGenerator create(Scenario scenario, Topics topics) {
    return new TelemetryGenerator(scenario, topics);
  }

  /** Generates the whole scenario. */
  public Stats generate(TelemetryWriter writer) {
    try {
      return generate(writer, t -> {}, (t, s) -> {});
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Generates the whole scenario with pacing and progress callbacks. */
  public Stats generate(TelemetryWriter writer, Pacer pacer, Progress progress)
      throws InterruptedException {
    reset();
    long startMs = scenario.start().toEpochMilli();
    long t0 = scenario.t0().toEpochMilli();
    long endMs = scenario.end().toEpochMilli();
    List<Change> pending = new ArrayList<>(scenario.changes());
    pending.sort((a, b) -> a.time().compareTo(b.time())); // stable: file order on ties
    List<VersionSwitch> switches = new ArrayList<>();
    int nextChange = 0;
    long t = startMs;
    while (t < endMs) {
      long step = (t < t0 ? scenario.historyResolution() : scenario.resolution()).toMillis();
      long tEnd = Math.min(t + step, t < t0 ? t0 : endMs);
      pacer.beforeInterval(tEnd);
      while (nextChange < pending.size() && pending.get(nextChange).time().toEpochMilli() < tEnd) {
        emitChange(writer, pending.get(nextChange), switches, startMs);
        nextChange++;
      }
      applyStateChanges(switches, tEnd);
      interval(writer, t, tEnd, t >= t0);
      intervals++;
      progress.afterInterval(tEnd, stats());
      t = tEnd;
    }
    while (nextChange < pending.size()) { // changes after the end still reach the topic
      emitChange(writer, pending.get(nextChange++), switches, startMs);
    }
    writer.flush();
    return stats();
  }

  private Stats stats() {
    return new Stats(points, spans, logs, changes, records, bytes, intervals);
  }

  private void reset() {
    rng = new SplittableRandom(scenario.seed() * 0x9E3779B97F4A7C15L + 0x5F0A1D);
    points = spans = logs = changes = records = bytes = intervals = 0;
    for (Svc s : svcs) {
      s.reset(scenario.start().toEpochMilli());
    }
    for (Edge e : edges) {
      e.carryOk = 0;
      e.carryErr = 0;
      e.carryOrphan = 0;
      e.bandOk = 0;
      e.bandErr = 0;
      e.bandOrphan = 0;
    }
    computePeaks();
  }

  // ============================================================================ changes

  private record VersionSwitch(long timeMs, Svc svc, int instance, String version) {}

  private void emitChange(TelemetryWriter w, Change c, List<VersionSwitch> switches, long startMs) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", "chg-" + scenario.name() + "-" + c.index());
    doc.put("kind", c.kind());
    doc.put("time", c.time().toString());
    if (c.service() != null) {
      doc.put("service", c.service());
    }
    Svc s = c.service() == null ? null : svc(c.service());
    long timeMs = c.time().toEpochMilli();
    switch (c.kind()) {
      case "deploy", "rollback" -> {
        String version = c.text("version");
        doc.put("version", version);
        if (s != null) {
          doc.put("previous_version", s.declaredVersion);
          long rollout =
              c.fields().containsKey("rollout")
                  ? ScenarioDurations.parse(c.text("rollout")).toMillis()
                  : 0;
          int n = Math.max(1, s.replicas);
          if (c.fields().containsKey("instances")) { // a rollout that halts part-way
            n = Math.min(n, (int) Double.parseDouble(c.text("instances")));
          }
          for (int i = 0; i < n; i++) {
            switches.add(new VersionSwitch(timeMs + rollout * (i + 1) / n, s, i, version));
          }
          s.declaredVersion = version;
          if (rollout > 0) {
            doc.put("rollout_end", Instant.ofEpochMilli(timeMs + rollout).toString());
          }
        }
      }
      case "scale" -> {
        if (s != null) {
          int replicas = (int) Double.parseDouble(c.text("replicas"));
          s.scaleTo(replicas);
        }
      }
      default -> {}
    }
    for (Map.Entry<String, Object> e : c.fields().entrySet()) {
      if (!doc.containsKey(e.getKey())) {
        Object v = e.getValue();
        doc.put(
            e.getKey(),
            v instanceof Number || v instanceof Boolean || v instanceof Map
                ? v
                : String.valueOf(v));
      }
    }
    byte[] value;
    try {
      value = json.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    byte[] key = (c.service() == null ? c.kind() : c.service()).getBytes(StandardCharsets.UTF_8);
    write(w, topics.changes(), key, value, timeMs);
    changes++;
  }

  private void applyStateChanges(List<VersionSwitch> switches, long tEnd) {
    for (int i = 0; i < switches.size(); ) {
      VersionSwitch v = switches.get(i);
      if (v.timeMs() < tEnd) {
        v.svc().setVersion(v.instance(), v.version());
        switches.remove(i);
      } else {
        i++;
      }
    }
  }

  private void write(TelemetryWriter w, String topic, byte[] key, byte[] value, long ts) {
    w.write(topic, key, value, ts);
    records++;
    bytes += value.length;
  }

  // ============================================================================ traffic model

  /**
   * Daily cosine (1 at the peak hour, 14:00 UTC unless {@code traffic.peak_hour} says otherwise;
   * {@code 1 - daily_amplitude} twelve hours later) times the weekend factor.
   */
  static double loadFactor(Scenario.Traffic tr, long tMs) {
    double hour = Math.floorMod(tMs, DAY_MS) / 3_600_000.0;
    double sincePeak = 2 * Math.PI * (hour - tr.peakHour()) / 24;
    double daily = 1.0 - tr.dailyAmplitude() * (1 - Math.cos(sincePeak)) / 2;
    return daily * (1.0 - (1.0 - tr.weekendFactor()) * weekendWeight(tMs));
  }

  /** Hours over which traffic moves into and out of the weekend level (centred on midnight). */
  static final double WEEKEND_RAMP_H = 12;

  /**
   * How much of the weekend factor applies at {@code tMs}: 1 on Saturday and Sunday, 0 on weekdays,
   * with smooth 12 h transitions centred on Saturday and Monday 00:00 UTC. Real traffic does not
   * step by the weekend factor in one minute at midnight; a step is a 30% level shift that a
   * detector with less than a week of history cannot tell from an incident.
   */
  static double weekendWeight(long tMs) {
    double h = Math.floorMod(tMs + 3 * DAY_MS, 7 * DAY_MS) / 3_600_000.0; // hours since Mon 00:00
    double half = WEEKEND_RAMP_H / 2;
    if (h < half) {
      return 1 - smoothstep((h + half) / WEEKEND_RAMP_H);
    } else if (h < 120 - half) {
      return 0;
    } else if (h < 120 + half) {
      return smoothstep((h - (120 - half)) / WEEKEND_RAMP_H);
    } else if (h < 168 - half) {
      return 1;
    }
    return 1 - smoothstep((h - (168 - half)) / WEEKEND_RAMP_H);
  }

  private static double smoothstep(double x) {
    double c = Math.max(0, Math.min(1, x));
    return c * c * (3 - 2 * c);
  }

  /** Expected requests per second each instance serves at the daily peak (CPU model). */
  private void computePeaks() {
    for (Svc s : svcs) {
      double called = 0;
      for (Edge e : s.in) {
        called += e.from.peakRps * e.ratio;
      }
      s.peakRps = called + (s.cfg.hasRps() ? s.cfg.rps() : 0);
      s.peakPerInstance = Math.max(1e-9, s.peakRps / s.cfg.instances());
    }
  }

  // ============================================================================ one interval

  private void interval(TelemetryWriter w, long t, long tEnd, boolean afterT0) {
    double stepS = (tEnd - t) / 1000.0;
    long mid = (t + tEnd) / 2;
    double load = loadFactor(scenario.traffic(), mid);
    double noise = scenario.traffic().noise();
    double base = scenario.traffic().errorRate();

    // 1. request counts, callers first
    for (Svc s : svcs) {
      double mult = trafficMultiplier(s, mid);
      double called = 0;
      for (Edge e : s.in) {
        e.calls = e.from.served * e.ratio;
        called += e.calls;
      }
      double root = 0;
      if (s.cfg.hasRps()) {
        root = s.cfg.rps() * load * stepS * Math.max(0, 1 + noise * gaussian()) * mult;
      } else if (mult > 1) {
        root = called * (mult - 1); // extra traffic arriving from outside
      }
      double servedCalls = called * Math.min(1, mult);
      if (s.alive == 0) {
        servedCalls = 0;
        root = 0;
      }
      for (Edge e : s.in) {
        e.servedFrac = called > 0 ? servedCalls / called : 0;
      }
      s.root = root;
      s.served = servedCalls + root;
    }
    // 2. instance state, error fractions and latencies, callees first
    for (int k = svcs.length - 1; k >= 0; k--) {
      Svc s = svcs[k];
      double sumErr = 0;
      double sumLat = 0;
      for (int i = 0; i < s.alive; i++) {
        Inst in = s.insts.get(i);
        double share = s.served / s.alive;
        in.served = share;
        instanceState(s, in, t, tEnd, mid, base);
        double failEdges = 1;
        double edgeLat = 0;
        double worst = 0;
        Edge worstEdge = null;
        for (Edge e : s.out) {
          double f = edgeFailure(e, in, mid, base);
          e.failFrac = f;
          double pf = Math.min(1, e.ratio * f);
          failEdges *= 1 - pf;
          if (pf > worst) {
            worst = pf;
            worstEdge = e;
          }
          edgeLat += e.ratio * edgeLatency(e, in, mid);
        }
        in.worstEdge = worstEdge;
        double lat =
            s.cfg.latencyMs() * in.latencyMult * Math.max(0.2, 1 + noise * gaussian()) + edgeLat;
        for (int o = 0; o < s.ops.length; o++) {
          double own = in.ownErr[o];
          in.err[o] = 1 - (1 - own) * failEdges;
          in.lat[o] = lat * (1 + 0.25 * o);
        }
        in.propErr = 1 - failEdges;
        // Requests spread evenly over the operations: what callers see is the mean over all of
        // them, so a fault on any one endpoint reaches them, not only one on the first.
        in.errMean = mean(in.err);
        sumErr += share * in.errMean;
        sumLat += lat;
      }
      s.avgErr = s.served > 0 ? sumErr / s.served : 0;
      s.avgLat = s.alive > 0 ? sumLat / s.alive : s.cfg.latencyMs();
    }
    // 3. spans
    for (Svc s : svcs) {
      for (Inst in : s.insts) {
        in.spans.clear();
      }
      s.okSlots.clear();
      s.errSlots.clear();
    }
    // One sampled success span per stratum and 30 s band (the ingest RED interval) at every
    // export interval: sampling density, and so the bias of a p95 computed from few samples, does
    // not change when the interval shrinks at T0. Intervals shorter than a band accumulate their
    // counts and emit them in the interval that closes the band, so 30 s RED windows stay exact.
    int perWindow = (int) Math.max(1, Math.ceil((tEnd - t) / (double) BAND_MS));
    boolean closesBand = tEnd - t >= BAND_MS || Math.floorMod(tEnd, BAND_MS) == 0;
    int kOk = perWindow;
    int kErr = Math.max(afterT0 ? 3 : 1, perWindow);
    for (Svc s : svcs) {
      serverSpans(s, t, tEnd, kOk, kErr, closesBand);
      dependencySpans(s, t, tEnd, kOk, kErr, closesBand);
    }
    // 4. metrics and logs
    for (Svc s : svcs) {
      emitMetrics(w, s, tEnd, stepS);
      collectLogs(s, t, tEnd);
    }
    emitSpansAndLogs(w, t, tEnd);
  }

  private double gaussian() {
    // Box-Muller, one value per call (deterministic, no cached second value)
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  private double trafficMultiplier(Svc s, long tMs) {
    double m = 1;
    for (Fault f : s.faults) {
      if (f.kind().equals("traffic") && active(f, tMs)) {
        m *= f.value();
      }
    }
    return m;
  }

  private static boolean active(Fault f, long tMs) {
    return tMs >= f.start().toEpochMilli() && tMs < f.end().toEpochMilli();
  }

  private static boolean matches(Fault f, Svc s, Inst in) {
    return (f.instance() == null || f.instance().equals(in.name))
        && (f.version() == null || f.version().equals(in.version))
        && (f.zone() == null || f.zone().equals(in.zone))
        && (f.cell() == null || f.cell().equals(in.cell));
  }

  /** Resource state of one instance (gauges, restarts, own error fraction, latency multiplier). */
  private void instanceState(Svc s, Inst in, long t, long tEnd, long mid, double base) {
    double stepMs = tEnd - t;
    in.latencyMult = 1;
    in.cpu =
        Math.min(
            0.85, 0.06 + 0.3 * Math.min(2.5, in.served / (s.peakPerInstance * stepMs / 1000.0)));
    in.cpu = clamp01(in.cpu + 0.02 * gaussian());
    in.heap =
        BASE_HEAP
            + 0.05 * Math.sin(2 * Math.PI * Math.floorMod(mid, 3_600_000L) / 3_600_000.0)
            + 0.01 * rng.nextDouble();
    // Temporary files follow the daily load; no sawtooth (a drop every 1000 min looked like a fault
    // to a seasonal model that had not yet seen it repeat).
    in.disk =
        0.30
            + 0.04 * (in.index % 3)
            + 0.01 * (1 - Math.cos(2 * Math.PI * Math.floorMod(mid, DAY_MS) / DAY_MS));
    java.util.Arrays.fill(in.containerHeap, BASE_HEAP);
    in.faultMessage = null;
    in.whereFault = null;
    in.logPatternPerS = 0;
    in.logPatternMessage = null;
    double keep = 1 - base; // probability a request does not fail on its own
    double[] opKeep = in.opKeep;
    java.util.Arrays.fill(opKeep, 1.0);
    long restarts = 0;
    long[] containerRestarts = in.containerRestartsNow;
    java.util.Arrays.fill(containerRestarts, 0);
    double restartDown = 0;
    for (Fault f : s.faults) {
      long fs = f.start().toEpochMilli();
      long fe = f.end().toEpochMilli();
      if (mid < fs || !matches(f, s, in)) {
        continue;
      }
      boolean on = mid < fe;
      int ci = f.container() == null ? 0 : Math.max(0, s.cfg.containers().indexOf(f.container()));
      switch (f.kind()) {
        case "error_rate" -> {
          if (on) {
            double frac = f.value() * whereFraction(f.where());
            if (f.operation() == null) {
              keep *= 1 - frac;
            } else {
              opKeep[s.opIndex(f.operation())] *= 1 - frac;
            }
            in.faultMessage = f.message();
            if (!f.where().isEmpty()) {
              in.whereFault = f;
            }
          }
        }
        case "latency" -> {
          if (on && f.dependency() == null) { // with a dependency: its calls are slow (edgeLatency)
            in.latencyMult *= f.value();
          }
        }
        case "latency_ramp" -> {
          if (on) {
            double x = Math.min(1, (mid - fs) / (double) f.over().toMillis());
            in.latencyMult *= 1 + (f.value() - 1) * x;
          }
        }
        case "cpu_saturation" -> {
          if (on) {
            in.cpu = clamp01(f.value() + 0.015 * gaussian());
          }
        }
        case "memory_leak" -> {
          long until = Math.min(mid, fe);
          long over = f.over().toMillis();
          long cycles = (until - fs) / over;
          long sinceRestart = (until - fs) % over;
          long n = cycles;
          containerRestarts[ci] += n;
          if (ci == 0) {
            restarts += n; // a sidecar restart does not restart the application process
          }
          if (on) {
            double h = BASE_HEAP + (1 - BASE_HEAP) * sinceRestart / (double) over;
            in.containerHeap[ci] = h;
            if (f.container() == null || ci == 0) {
              in.heap = h;
            }
            if (h > 0.9) {
              in.latencyMult *= 1 + 4 * (h - 0.9) / 0.1; // GC pressure
              keep *= 1 - 0.02;
            }
            if (cycles > 0 && sinceRestart < Math.max(30_000, stepMs)) {
              restartDown = Math.max(restartDown, Math.min(1, 30_000 / stepMs));
              in.faultMessage =
                  f.message() != null ? f.message() : "java.lang.OutOfMemoryError: Java heap space";
            }
          }
        }
        case "disk_fill" -> {
          if (on) {
            in.disk = Math.min(1.0, in.disk + f.value() * (mid - fs) / DAY_MS);
            if (in.disk >= 0.97) {
              keep *= 0.5;
              in.faultMessage =
                  f.message() != null
                      ? f.message()
                      : "java.io.IOException: No space left on device";
            }
          }
        }
        case "restart_loop" -> {
          long until = Math.min(mid, fe);
          long period = f.period().toMillis();
          long n = (until - fs) / period + 1;
          containerRestarts[ci] += n;
          if (ci == 0) {
            restarts += n; // a sidecar restart does not restart the application process
          }
          if (on) {
            keep *= 0.4; // the host is broken between restarts too
            long since = (mid - fs) % period;
            if (since < Math.max(20_000, stepMs)) {
              restartDown = Math.max(restartDown, Math.min(1, 20_000 / stepMs));
              in.cpu = 0.95; // warm-up
            }
            in.faultMessage = f.message();
          }
        }
        case "log_pattern" -> {
          if (on) {
            in.logPatternPerS += f.rate() / Math.max(1, countMatching(s, f));
            in.logPatternMessage = f.message();
          }
        }
        default -> {}
      }
    }
    if (in.cpu > 0.6) {
      double x = (in.cpu - 0.6) / 0.4;
      in.latencyMult *= 1 + 3 * x * x;
      if (in.cpu > 0.9) {
        keep *= 1 - (in.cpu - 0.9) * 0.5;
        if (in.faultMessage == null) {
          in.faultMessage = "request timed out after 2000 ms";
        }
      }
    }
    keep *= 1 - restartDown;
    for (int o = 0; o < s.ops.length; o++) {
      in.ownErr[o] = 1 - keep * opKeep[o];
    }
    in.ownErrMean = mean(in.ownErr);
    in.ownBaseShare = in.ownErrMean > 0 ? Math.min(1, base / in.ownErrMean) : 1;
    in.restarts = restarts;
    if (restarts != in.lastRestarts) {
      in.processStartMs = t; // cumulative counters restart with the process
      in.lastRestarts = restarts;
      java.util.Arrays.fill(in.counters, 0);
    }
  }

  private int countMatching(Svc s, Fault f) {
    int n = 0;
    for (int i = 0; i < s.alive; i++) {
      n += matches(f, s, s.insts.get(i)) ? 1 : 0;
    }
    return n;
  }

  private double whereFraction(Map<String, String> where) {
    double p = 1;
    for (Map.Entry<String, String> e : where.entrySet()) {
      String v = e.getValue();
      if (v.equals("true")) {
        p *= 0.7;
      } else if (v.equals("false")) {
        p *= 0.3;
      } else {
        p *= 1.0 / ATTRIBUTE_CARDINALITY;
      }
    }
    return p;
  }

  /** Fraction of the calls over {@code e} that fail (fault errors only, see the class note). */
  private double edgeFailure(Edge e, Inst caller, long mid, double base) {
    double keep = 1;
    if (e.to != null) {
      keep *= e.servedFrac;
      keep *= 1 - Math.max(0, e.to.avgErr - base);
    }
    e.throttled = 0;
    e.message = null;
    for (Fault f : e.from.faults) {
      if (!active(f, mid)
          || f.dependency() == null
          || !f.dependency().equals(e.target())
          || !matches(f, e.from, caller)) {
        continue;
      }
      if (f.kind().equals("dependency_down")) {
        keep = 0;
        e.message = f.message();
      } else if (f.kind().equals("throttling")) {
        keep *= 1 - f.value();
        e.throttled = f.value();
        e.message = f.message();
      }
    }
    return 1 - keep;
  }

  /** Latency of one call over {@code e}: the callee's, or the dependency's times its faults. */
  private double edgeLatency(Edge e, Inst caller, long mid) {
    double slow = 1;
    for (Fault f : e.from.faults) {
      if (f.kind().equals("latency")
          && e.target().equals(f.dependency())
          && active(f, mid)
          && matches(f, e.from, caller)) {
        slow *= f.value(); // slow without errors: a dependency under load, a slow network path
      }
    }
    if (e.to != null) {
      // connect timeout when nobody listens
      return e.to.alive > 0 ? (e.to.avgLat + 0.6) * slow : 1000;
    }
    return slow
        * switch (e.dep.kind()) {
          case "redis", "memcached", "valkey" -> 0.8;
          case "dynamodb" -> 6;
          case "postgresql", "mysql" -> 4;
          case "cassandra" -> 5;
          case "opensearch", "elasticsearch" -> 15;
          case "kafka", "sqs", "rabbitmq" -> 3;
          default -> 30;
        }
        * (1 + 2 * e.throttled);
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return v.length == 0 ? 0 : sum / v.length;
  }

  private static double clamp01(double v) {
    return v < 0 ? 0 : v > 1 ? 1 : v;
  }

  // ============================================================================ spans

  /** A sampled server span of this interval that callee spans may hang below. */
  private static final class Slot {
    byte[] traceId;
    byte[] spanId;
    Inst inst;
    long startNanos;
    long durNanos;
  }

  private void serverSpans(Svc s, long t, long tEnd, int kOk, int kErr, boolean closesBand) {
    for (int i = 0; i < s.alive; i++) {
      Inst in = s.insts.get(i);
      for (int o = 0; o < s.ops.length; o++) {
        double n = in.served / s.ops.length;
        double nErr = n * in.err[o];
        in.carryOk[o] += n - nErr;
        in.carryErr[o] += nErr;
        long ok = (long) in.carryOk[o];
        long err = (long) in.carryErr[o];
        in.carryOk[o] -= ok;
        in.carryErr[o] -= err;
        in.errorsThisInterval += err;
        in.okThisInterval += ok;
        ok = in.bandOk[o] += ok;
        err = in.bandErr[o] += err;
        if (closesBand) {
          in.bandOk[o] = 0;
          in.bandErr[o] = 0;
          emitServerSlots(s, in, o, ok, Math.min(kOk, ok), false, t, tEnd);
          emitServerSlots(s, in, o, err, Math.min(kErr, err), true, t, tEnd);
        }
      }
    }
  }

  private void emitServerSlots(
      Svc s, Inst in, int op, long count, long k, boolean error, long t, long tEnd) {
    if (k <= 0) {
      return;
    }
    String ts = traceState(count / (double) k);
    for (int j = 0; j < k; j++) {
      // stratified in time: slot j of k falls into the (j * bands / k)-th band of the interval
      long target = bandNanos(t, tEnd, (int) (j * bands(t, tEnd) / k));
      Slot parent = pickParent(s, error, target);
      Slot slot = new Slot();
      slot.inst = in;
      slot.spanId = newId(8);
      double lat = in.lat[op] * Math.exp(0.25 * gaussian());
      slot.durNanos = (long) (lat * 1_000_000);
      byte[] parentClientId = null;
      if (parent == null) {
        slot.traceId = newId(16);
        slot.startNanos = target;
      } else {
        slot.traceId = parent.traceId;
        slot.startNanos = parent.startNanos + 200_000;
        parentClientId = newId(8);
        Edge e = edgeBetween(parent.inst.svc, s);
        Span client =
            clientSpan(
                e,
                parent,
                parentClientId,
                s.ops[op],
                slot.startNanos - 100_000,
                slot.durNanos + 300_000,
                error,
                error ? s.statusMessage(in) : null,
                ts);
        parent.inst.spans.add(client);
      }
      Span.Builder b =
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(slot.traceId))
              .setSpanId(ByteString.copyFrom(slot.spanId))
              .setTraceState(ts)
              .setName(s.ops[op])
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano(slot.startNanos)
              .setEndTimeUnixNano(slot.startNanos + slot.durNanos)
              .addAttributes(s.routeAttr[op])
              .addAttributes(s.methodAttr[op])
              .addAttributes(error ? STATUS_500 : STATUS_200);
      if (parentClientId != null) {
        b.setParentSpanId(ByteString.copyFrom(parentClientId));
      }
      for (AttributePool pool : attrPools) {
        b.addAttributes(pool.pick(rng, error ? in.whereValue(pool.key) : null));
      }
      if (error) {
        b.setStatus(
            Status.newBuilder()
                .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                .setMessage(s.statusMessage(in)));
      }
      in.spans.add(b.build());
      spans++;
      (error ? s.errSlots : s.okSlots).add(slot);
    }
  }

  @Nullable
  private Slot pickParent(Svc s, boolean error, long target) {
    if (s.in.isEmpty()) {
      return null;
    }
    double total = s.root;
    for (Edge e : s.in) {
      total += e.calls * e.servedFrac;
    }
    double x = rng.nextDouble() * total;
    if (x < s.root || total <= 0) {
      return null;
    }
    x -= s.root;
    Edge chosen = s.in.get(s.in.size() - 1);
    for (Edge e : s.in) {
      x -= e.calls * e.servedFrac;
      if (x < 0) {
        chosen = e;
        break;
      }
    }
    Svc p = chosen.from;
    List<Slot> pool = error && !p.errSlots.isEmpty() ? p.errSlots : p.okSlots;
    if (pool.isEmpty()) {
      pool = p.errSlots;
    }
    if (pool.isEmpty()) {
      return null;
    }
    // the caller span closest in time, so the callee's spans stay spread over the interval
    int n = pool.size();
    int first = rng.nextInt(n);
    Slot best = null;
    long bestGap = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Slot c = pool.get((first + i) % n);
      long gap = Math.abs(c.startNanos - target);
      if (gap < bestGap) {
        bestGap = gap;
        best = c;
      }
    }
    return best;
  }

  @Nullable
  private Edge edgeBetween(Svc from, Svc to) {
    for (Edge e : from.out) {
      if (e.to == to) {
        return e;
      }
    }
    return null;
  }

  /** Client spans to dependencies, and to services that did not serve the call. */
  private void dependencySpans(Svc s, long t, long tEnd, int kOk, int kErr, boolean closesBand) {
    for (Edge e : s.out) {
      double calls = s.served * e.ratio;
      if (e.to == null) {
        double nErr = calls * e.failFrac;
        e.carryOk += calls - nErr;
        e.carryErr += nErr;
        long ok = (long) e.carryOk;
        long err = (long) e.carryErr;
        e.carryOk -= ok;
        e.carryErr -= err;
        ok = e.bandOk += ok;
        err = e.bandErr += err;
        if (closesBand) {
          e.bandOk = 0;
          e.bandErr = 0;
          orphanClients(s, e, ok, Math.min(kOk, ok), false);
          orphanClients(s, e, err, Math.min(kErr, err), true);
        }
      } else {
        e.carryOrphan += calls * (1 - e.servedFrac);
        long n = (long) e.carryOrphan;
        e.carryOrphan -= n;
        n = e.bandOrphan += n;
        if (closesBand) {
          e.bandOrphan = 0;
          orphanClients(s, e, n, Math.min(kErr, n), true);
        }
      }
    }
  }

  private void orphanClients(Svc s, Edge e, long count, long k, boolean error) {
    if (k <= 0) {
      return;
    }
    String ts = traceState(count / (double) k);
    for (int j = 0; j < k; j++) {
      List<Slot> pool = error && !s.errSlots.isEmpty() ? s.errSlots : s.okSlots;
      if (pool.isEmpty()) {
        pool = s.errSlots;
      }
      if (pool.isEmpty()) {
        return;
      }
      Slot parent = pool.get(rng.nextInt(pool.size()));
      double lat =
          edgeLatency(e, parent.inst, parent.startNanos / 1_000_000) * Math.exp(0.25 * gaussian());
      String msg = null;
      if (error) {
        msg =
            e.message != null
                ? e.message
                : e.to != null ? "connection refused: " + e.target() : "request failed";
      }
      Span client =
          clientSpan(
              e,
              parent,
              newId(8),
              e.operation,
              parent.startNanos + 150_000,
              (long) (lat * 1_000_000),
              error,
              msg,
              ts);
      parent.inst.spans.add(client);
    }
  }

  private Span clientSpan(
      @Nullable Edge e,
      Slot parent,
      byte[] spanId,
      String name,
      long start,
      long dur,
      boolean error,
      @Nullable String message,
      String traceState) {
    Span.Builder b =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(parent.traceId))
            .setSpanId(ByteString.copyFrom(spanId))
            .setParentSpanId(ByteString.copyFrom(parent.spanId))
            .setTraceState(traceState)
            .setName(e == null ? name : e.to == null ? e.operation : name)
            .setKind(
                e != null && e.messaging
                    ? Span.SpanKind.SPAN_KIND_PRODUCER
                    : Span.SpanKind.SPAN_KIND_CLIENT)
            .setStartTimeUnixNano(start)
            .setEndTimeUnixNano(start + dur);
    if (e != null) {
      for (KeyValue kv : e.attributes) {
        b.addAttributes(kv);
      }
      if (e.http) {
        b.addAttributes(error ? STATUS_500 : STATUS_200);
      }
      if (error && e.throttled > 0) {
        b.addEvents(
            Span.Event.newBuilder()
                .setName("throttled")
                .setTimeUnixNano(start + dur / 2)
                .addAttributes(kv("exception.message", message == null ? "throttled" : message)));
      }
    }
    if (error) {
      b.setStatus(
          Status.newBuilder()
              .setCode(Status.StatusCode.STATUS_CODE_ERROR)
              .setMessage(message == null ? "request failed" : message));
    }
    spans++;
    return b.build();
  }

  /**
   * Spans and log records go out in bands of at most 30 s (the ingest interval): one record per
   * band with every instance's items, sorted by time. Items of a band are placed in its first
   * {@link #SPREAD_MS}, so event times inside a record and across consecutive records stay within
   * the ingest stage's 5 s out-of-orderness bound even when the export interval is a minute, and
   * each 30 s RED window gets its share of every stratum. One record per band (rather than one per
   * 5 s) keeps the resource blocks, repeated in every record, from dominating the bytes.
   */
  private void emitSpansAndLogs(TelemetryWriter w, long t, long tEnd) {
    for (Svc s : svcs) {
      for (Inst in : s.insts) {
        if (in.spans.size() > 1) {
          in.spans.sort(BY_START);
        }
        if (in.logRecords.size() > 1) {
          in.logRecords.sort(BY_TIME);
        }
        in.spanPos = 0;
        in.logPos = 0;
      }
    }
    long band = bandMs(t, tEnd);
    for (long b = t; b < tEnd; b += band) {
      long batchEnd = Math.min(b + band, tEnd);
      long limit = batchEnd == tEnd ? Long.MAX_VALUE : batchEnd * 1_000_000L;
      ExportTraceServiceRequest.Builder tr = ExportTraceServiceRequest.newBuilder();
      ExportLogsServiceRequest.Builder lr = ExportLogsServiceRequest.newBuilder();
      for (Svc s : svcs) {
        for (Inst in : s.insts) {
          int from = in.spanPos;
          int to = from;
          while (to < in.spans.size() && in.spans.get(to).getStartTimeUnixNano() < limit) {
            to++;
          }
          if (to > from) {
            tr.addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(in.resource(0))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(SCOPE)
                            .addAllSpans(in.spans.subList(from, to))));
            in.spanPos = to;
          }
          from = in.logPos;
          to = from;
          while (to < in.logRecords.size() && in.logRecords.get(to).getTimeUnixNano() < limit) {
            to++;
          }
          if (to > from) {
            lr.addResourceLogs(
                ResourceLogs.newBuilder()
                    .setResource(in.resource(0))
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .setScope(SCOPE)
                            .addAllLogRecords(in.logRecords.subList(from, to))));
            in.logPos = to;
          }
        }
      }
      if (tr.getResourceSpansCount() > 0) {
        write(w, topics.spans(), batchKey, tr.build().toByteArray(), tEnd);
      }
      if (lr.getResourceLogsCount() > 0) {
        write(w, topics.logs(), batchKey, lr.build().toByteArray(), tEnd);
      }
    }
  }

  /** Width of a band: the ingest stage's 30 s interval, or the export interval when shorter. */
  private static long bandMs(long t, long tEnd) {
    return Math.min(tEnd - t, BAND_MS);
  }

  private static int bands(long t, long tEnd) {
    return (int) Math.max(1, (tEnd - t + BAND_MS - 1) / BAND_MS);
  }

  /** A random event time (ns) in the first {@link #SPREAD_MS} of band {@code b}. */
  private long bandNanos(long t, long tEnd, int b) {
    long start = t + b * bandMs(t, tEnd);
    long spread = Math.min(SPREAD_MS, Math.min(tEnd, start + bandMs(t, tEnd)) - start);
    return start * 1_000_000L + (long) (rng.nextDouble() * spread * 1_000_000L);
  }

  private static final long BAND_MS = 30_000;
  private static final long SPREAD_MS = 4_000;
  private static final java.util.Comparator<Span> BY_START =
      java.util.Comparator.comparingLong(Span::getStartTimeUnixNano);
  private static final java.util.Comparator<LogRecord> BY_TIME =
      java.util.Comparator.comparingLong(LogRecord::getTimeUnixNano);

  /** {@code ot=th:T} for an adjusted count of {@code weight} (>= 1). */
  static String traceState(double weight) {
    double p = 1.0 / Math.max(1.0, weight);
    long th = Math.round((1 - p) * TWO_POW_56);
    if (th >= (1L << 56)) {
      th = (1L << 56) - 1;
    }
    String hex = Long.toHexString(th);
    StringBuilder sb = new StringBuilder(24).append("ot=th:");
    for (int i = hex.length(); i < 14; i++) {
      sb.append('0');
    }
    sb.append(hex);
    int len = sb.length();
    while (len > 7 && sb.charAt(len - 1) == '0') {
      len--;
    }
    sb.setLength(len);
    return sb.toString();
  }

  private byte[] newId(int len) {
    byte[] b = new byte[len];
    long a = rng.nextLong();
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (a >>> (8 * i));
    }
    if (len == 16) {
      long c = rng.nextLong();
      for (int i = 0; i < 8; i++) {
        b[8 + i] = (byte) (c >>> (8 * i));
      }
    }
    if (b[0] == 0) {
      b[0] = 1; // never the invalid all-zero id
    }
    return b;
  }

  // ============================================================================ metrics

  private void emitMetrics(TelemetryWriter w, Svc s, long tEnd, double stepS) {
    if (s.alive == 0) {
      return;
    }
    long now = tEnd * 1_000_000L;
    ExportMetricsServiceRequest.Builder req = ExportMetricsServiceRequest.newBuilder();
    Scenario.Business biz = scenario.traffic().business();
    boolean business = biz != null && biz.service().equals(s.cfg.name());
    for (int i = 0; i < s.alive; i++) {
      Inst in = s.insts.get(i);
      long startNanos = in.processStartMs * 1_000_000L;
      in.counters[0] += in.okThisInterval;
      in.counters[1] += in.errorsThisInterval;
      if (business) {
        in.counters[2] += in.okThisInterval * biz.perRequest();
      }
      in.okThisInterval = 0;
      in.errorsThisInterval = 0;
      int nContainers = Math.max(1, s.cfg.containers().size());
      for (int c = 0; c < nContainers; c++) {
        ScopeMetrics.Builder sm = ScopeMetrics.newBuilder().setScope(SCOPE);
        double cpu = c == 0 ? in.cpu : clamp01(0.03 + 0.1 * in.cpu);
        sm.addMetrics(gauge("process.cpu.utilization", "1", now, cpu, null));
        double heap = c == 0 ? in.heap : in.containerHeap[c];
        double mem = heap * (c == 0 ? MAX_HEAP_BYTES : MAX_HEAP_BYTES / 4);
        sm.addMetrics(gauge("process.memory.usage", "By", now, mem, null));
        sm.addMetrics(
            sum(
                "k8s.container.restarts",
                "{restart}",
                s.startNanos,
                now,
                in.containerRestartsNow[c],
                null));
        points += 3;
        if (c == 0) {
          sm.addMetrics(gauge("jvm.memory.used", "By", now, in.heap * MAX_HEAP_BYTES, HEAP_ATTR));
          sm.addMetrics(gauge("system.filesystem.utilization", "1", now, in.disk, MOUNT_ATTR));
          sm.addMetrics(
              Metric.newBuilder()
                  .setName("http.server.requests")
                  .setUnit("{request}")
                  .setSum(
                      Sum.newBuilder()
                          .setIsMonotonic(true)
                          .setAggregationTemporality(
                              AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                          .addDataPoints(point(startNanos, now, in.counters[0], OUTCOME_SUCCESS))
                          .addDataPoints(point(startNanos, now, in.counters[1], OUTCOME_FAILURE))));
          points += 4;
          if (business) {
            sm.addMetrics(
                sum(biz.metric(), "1", startNanos, now, Math.floor(in.counters[2]), null));
            points++;
          }
        }
        req.addResourceMetrics(
            ResourceMetrics.newBuilder().setResource(in.resource(c)).addScopeMetrics(sm));
      }
    }
    write(w, topics.metrics(), s.key, req.build().toByteArray(), tEnd);
  }

  private static final KeyValue HEAP_ATTR = kv("jvm.memory.type", "heap");
  private static final KeyValue MOUNT_ATTR = kv("system.filesystem.mountpoint", "/data");
  private static final KeyValue OUTCOME_SUCCESS = kv("outcome", "success");
  private static final KeyValue OUTCOME_FAILURE = kv("outcome", "failure");
  private static final KeyValue STATUS_200 =
      KeyValue.newBuilder()
          .setKey("http.response.status_code")
          .setValue(AnyValue.newBuilder().setIntValue(200))
          .build();
  private static final KeyValue STATUS_500 =
      KeyValue.newBuilder()
          .setKey("http.response.status_code")
          .setValue(AnyValue.newBuilder().setIntValue(500))
          .build();

  private static Metric gauge(
      String name, String unit, long now, double v, @Nullable KeyValue attr) {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(now).setAsDouble(v);
    if (attr != null) {
      p.addAttributes(attr);
    }
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setGauge(Gauge.newBuilder().addDataPoints(p))
        .build();
  }

  private static Metric sum(
      String name, String unit, long start, long now, double v, @Nullable KeyValue attr) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(point(start, now, v, attr)))
        .build();
  }

  private static NumberDataPoint point(long start, long now, double v, @Nullable KeyValue attr) {
    NumberDataPoint.Builder p =
        NumberDataPoint.newBuilder()
            .setStartTimeUnixNano(start)
            .setTimeUnixNano(now)
            .setAsDouble(v);
    if (attr != null) {
      p.addAttributes(attr);
    }
    return p.build();
  }

  // ============================================================================ logs

  private void collectLogs(Svc s, long t, long tEnd) {
    for (Inst in : s.insts) {
      in.logRecords.clear();
    }
    int bands = bands(t, tEnd);
    double stepS = (tEnd - t) / 1000.0;
    for (int i = 0; i < s.alive; i++) {
      Inst in = s.insts.get(i);
      List<LogRecord> sl = in.logRecords;
      // routine lines are a per-second rate (not a count per export interval), so their rate
      // does not jump when the export interval shrinks at T0
      int routine = (int) Math.floor(ROUTINE_LOGS_PER_S * stepS + rng.nextDouble());
      for (int r = 0; r < routine; r++) {
        String tpl = ROUTINE_LOGS[rng.nextInt(ROUTINE_LOGS.length)];
        String body = String.format(java.util.Locale.ROOT, tpl, 3 + rng.nextInt(400));
        sl.add(
            logRecord(
                bandNanos(t, tEnd, rng.nextInt(bands)),
                SeverityNumber.SEVERITY_NUMBER_INFO,
                "INFO",
                body));
      }
      // error lines, proportional to this instance's failures (errorsThisInterval is reset by
      // metrics)
      double failures = in.served * in.errMean;
      in.carryErrLogs += failures * 0.2;
      int cap = (int) Math.ceil(MAX_ERROR_LOGS_PER_S * stepS);
      int nErr = (int) Math.min(cap, in.carryErrLogs);
      in.carryErrLogs = Math.min(in.carryErrLogs - (int) in.carryErrLogs, 1);
      for (int r = 0; r < nErr; r++) {
        String body = errorLogLine(s, in);
        if (r % 4 == 1) {
          body = body + STACK;
        }
        sl.add(
            logRecord(
                bandNanos(t, tEnd, rng.nextInt(bands)),
                SeverityNumber.SEVERITY_NUMBER_ERROR,
                "ERROR",
                body));
      }
      if (in.logPatternMessage != null) {
        in.carryPattern += in.logPatternPerS * stepS;
        int n = (int) Math.min(Math.ceil(MAX_PATTERN_LOGS_PER_S * stepS), in.carryPattern);
        in.carryPattern -= (int) in.carryPattern;
        for (int r = 0; r < n; r++) {
          sl.add(
              logRecord(
                  bandNanos(t, tEnd, rng.nextInt(bands)),
                  SeverityNumber.SEVERITY_NUMBER_ERROR,
                  "ERROR",
                  in.logPatternMessage));
        }
      }
      logs += sl.size();
    }
  }

  /** Routine INFO lines per instance and second (1.5 a minute). */
  static final double ROUTINE_LOGS_PER_S = 0.025;

  /** ERROR lines from failures, per instance and second at most. */
  static final double MAX_ERROR_LOGS_PER_S = 2.0;

  /** Lines of a log_pattern fault, per instance and second at most. */
  static final double MAX_PATTERN_LOGS_PER_S = 6.0;

  private static final String STACK =
      "\n\tat io.signalfold.app.RequestHandler.handle(RequestHandler.java:88)"
          + "\n\tat io.signalfold.app.HttpServer.dispatch(HttpServer.java:214)"
          + "\n\tat java.base/java.lang.Thread.run(Thread.java:840)";

  private String errorLogLine(Svc s, Inst in) {
    double own = in.ownErrMean;
    double total = in.errMean;
    double x = rng.nextDouble() * Math.max(total, 1e-12);
    if (x < own) {
      if (in.faultMessage != null && rng.nextDouble() >= in.ownBaseShare) {
        return in.faultMessage;
      }
      return "request failed: java.util.concurrent.TimeoutException after "
          + (1000 + rng.nextInt(2000))
          + " ms";
    }
    Edge e = in.worstEdge;
    if (e != null && e.message != null) {
      return e.message;
    }
    return "call to " + (e == null ? "upstream" : e.target()) + " failed: HTTP 500";
  }

  private static LogRecord logRecord(long timeNanos, SeverityNumber sev, String text, String body) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(timeNanos)
        .setObservedTimeUnixNano(timeNanos)
        .setSeverityNumber(sev)
        .setSeverityText(text)
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .build();
  }

  // ============================================================================ model types

  static KeyValue kv(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private Svc svc(String name) {
    for (Svc s : svcs) {
      if (s.cfg.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static List<Service> topologicalOrder(Scenario sc) {
    List<Service> out = new ArrayList<>();
    List<Service> left = new ArrayList<>(sc.services());
    while (!left.isEmpty()) {
      for (int i = 0; i < left.size(); i++) {
        Service s = left.get(i);
        boolean ready = true;
        for (Scenario.Call c : sc.calls()) {
          if (c.to().equals(s.name())) {
            boolean placed = false;
            for (Service o : out) {
              placed |= o.name().equals(c.from());
            }
            ready &= placed;
          }
        }
        if (ready) {
          out.add(s);
          left.remove(i);
          break;
        }
      }
    }
    return out;
  }

  /** Pre-built attribute values of one scenario attribute (a few thousand ids, or booleans). */
  private static final class AttributePool {
    final String key;
    final KeyValue[] values;
    final boolean bool;

    AttributePool(String key) {
      this.key = key;
      this.bool = key.endsWith(".hit") || key.startsWith("is_") || key.endsWith(".enabled");
      if (bool) {
        values = new KeyValue[] {kv(key, "true"), kv(key, "false")};
      } else {
        String prefix = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        values = new KeyValue[ATTRIBUTE_CARDINALITY];
        for (int i = 0; i < values.length; i++) {
          values[i] = kv(key, prefix + "-" + (1000 + i));
        }
      }
    }

    KeyValue pick(SplittableRandom r, @Nullable String forced) {
      if (forced != null) {
        return bool ? (forced.equals("true") ? values[0] : values[1]) : kv(key, forced);
      }
      if (bool) {
        return r.nextDouble() < 0.7 ? values[0] : values[1];
      }
      // skewed: a fifth of the ids make half the requests
      int n = values.length;
      int idx = r.nextBoolean() ? r.nextInt(n / 5) : r.nextInt(n);
      return values[idx];
    }
  }

  private final class Edge {
    final Svc from;
    @Nullable final Svc to;
    @Nullable final Scenario.Dependency dep;
    final double ratio;
    final KeyValue[] attributes;
    final String operation;
    final boolean http;
    final boolean messaging;
    double calls;
    double servedFrac = 1;
    double failFrac;
    double throttled;
    @Nullable String message;
    double carryOk;
    double carryErr;
    double carryOrphan;
    long bandOk;
    long bandErr;
    long bandOrphan;

    Edge(Svc from, @Nullable Svc to, @Nullable Scenario.Dependency dep, double ratio) {
      this.from = from;
      this.to = to;
      this.dep = dep;
      this.ratio = ratio;
      String target = to != null ? to.cfg.name() : dep.name();
      String kind = to != null ? "service" : dep.kind();
      List<KeyValue> a = new ArrayList<>();
      a.add(kv("peer.service", target));
      a.add(kv("server.address", target));
      boolean isHttp = false;
      boolean isMessaging = false;
      String op;
      switch (kind) {
        case "service", "http", "grpc" -> {
          isHttp = true;
          String method = to != null ? to.ops[0].split(" ")[0] : "POST";
          a.add(kv("http.request.method", method));
          op = to != null ? to.ops[0] : method;
        }
        case "kafka", "sqs", "rabbitmq", "sns", "pubsub", "kinesis" -> {
          isMessaging = true;
          a.add(kv("messaging.system", kind));
          a.add(kv("messaging.destination.name", target));
          op = "publish " + target;
        }
        default -> {
          a.add(kv("db.system.name", kind));
          a.add(kv("db.system", kind));
          String dbOp =
              switch (kind) {
                case "dynamodb" -> "GetItem";
                case "redis", "memcached", "valkey" -> "GET";
                case "opensearch", "elasticsearch" -> "search";
                default -> "SELECT";
              };
          a.add(kv("db.operation.name", dbOp));
          op = dbOp + " " + target;
        }
      }
      this.attributes = a.toArray(new KeyValue[0]);
      this.operation = op;
      this.http = isHttp;
      this.messaging = isMessaging;
    }

    String target() {
      return to != null ? to.cfg.name() : dep.name();
    }
  }

  private final class Svc {
    final int order;
    final Service cfg;
    final String[] ops;
    final KeyValue[] routeAttr;
    final KeyValue[] methodAttr;
    final byte[] key;
    final List<Edge> in = new ArrayList<>();
    final List<Edge> out = new ArrayList<>();
    final List<Fault> faults = new ArrayList<>();
    final List<Inst> insts = new ArrayList<>();
    final List<Slot> okSlots = new ArrayList<>();
    final List<Slot> errSlots = new ArrayList<>();
    long startNanos;
    int alive;
    int replicas;
    String declaredVersion;
    double peakRps;
    double peakPerInstance;
    double root;
    double served;
    double avgErr;
    double avgLat;

    Svc(int order, Service cfg) {
      this.order = order;
      this.cfg = cfg;
      this.ops = cfg.operations().toArray(new String[0]);
      this.routeAttr = new KeyValue[ops.length];
      this.methodAttr = new KeyValue[ops.length];
      for (int o = 0; o < ops.length; o++) {
        int sp = ops[o].indexOf(' ');
        String method = sp > 0 ? ops[o].substring(0, sp) : "GET";
        String route = sp > 0 ? ops[o].substring(sp + 1) : ops[o];
        routeAttr[o] = kv("http.route", route);
        methodAttr[o] = kv("http.request.method", method);
      }
      this.key = cfg.name().getBytes(StandardCharsets.UTF_8);
      for (Fault f : scenario.faults()) {
        if (cfg.name().equals(f.service())) {
          faults.add(f);
        }
      }
    }

    void reset(long startMs) {
      startNanos = startMs * 1_000_000L;
      insts.clear();
      declaredVersion = cfg.version();
      replicas = cfg.instances();
      for (int i = 0; i < cfg.instances(); i++) {
        insts.add(new Inst(this, i, startMs));
      }
      alive = replicas;
    }

    void scaleTo(int n) {
      while (insts.size() < n) {
        Inst in = new Inst(this, insts.size(), scenario.start().toEpochMilli());
        in.version = declaredVersion;
        insts.add(in);
      }
      replicas = n;
      alive = n;
    }

    void setVersion(int instance, String version) {
      if (instance < insts.size()) {
        insts.get(instance).version = version;
      }
    }

    int opIndex(String op) {
      for (int o = 0; o < ops.length; o++) {
        if (ops[o].equals(op)) {
          return o;
        }
      }
      return 0;
    }

    String statusMessage(Inst in) {
      double own = in.ownErrMean;
      if (in.faultMessage != null && own > in.propErr) {
        return in.faultMessage;
      }
      if (in.propErr > own && in.worstEdge != null) {
        return in.worstEdge.message != null
            ? in.worstEdge.message
            : "upstream " + in.worstEdge.target() + " returned 500";
      }
      return in.faultMessage != null ? in.faultMessage : "internal error";
    }
  }

  private final class Inst {
    final Svc svc;
    final int index;
    final String name;
    final String zone;
    final String cell;
    String version;
    private String builtVersion;
    private Resource[] resources;
    final List<Span> spans = new ArrayList<>();
    final List<LogRecord> logRecords = new ArrayList<>();
    int spanPos;
    int logPos;
    final double[] ownErr;
    final double[] opKeep;
    final double[] err;
    final double[] lat;
    final double[] carryOk;
    final double[] carryErr;
    final long[] bandOk;
    final long[] bandErr;
    final double[] containerHeap;
    final long[] containerRestartsNow;
    final double[] counters = new double[3];
    double served;
    double propErr;
    double ownBaseShare;
    double ownErrMean; // own failure fraction over all operations (they share the traffic)
    double errMean; // failure fraction over all operations, dependencies' included
    double latencyMult;
    double cpu;
    double heap;
    double disk;
    long restarts;
    long lastRestarts;
    long processStartMs;
    long okThisInterval;
    long errorsThisInterval;
    double carryErrLogs;
    double carryPattern;
    @Nullable String faultMessage;
    @Nullable String logPatternMessage;
    double logPatternPerS;
    @Nullable Edge worstEdge;
    @Nullable Fault whereFault;

    Inst(Svc svc, int index, long startMs) {
      this.svc = svc;
      this.index = index;
      this.name = svc.cfg.name() + "-" + index;
      List<String> zones = svc.cfg.zones();
      List<String> cells = svc.cfg.cells();
      this.zone = zones.isEmpty() ? null : zones.get(index % zones.size());
      this.cell = cells.isEmpty() ? null : cells.get(index % cells.size());
      this.version = svc.cfg.version();
      int ops = svc.ops.length;
      ownErr = new double[ops];
      opKeep = new double[ops];
      err = new double[ops];
      lat = new double[ops];
      carryOk = new double[ops];
      carryErr = new double[ops];
      bandOk = new long[ops];
      bandErr = new long[ops];
      int nc = Math.max(1, svc.cfg.containers().size());
      containerHeap = new double[nc];
      containerRestartsNow = new long[nc];
      processStartMs = startMs;
    }

    @Nullable
    String whereValue(String key) {
      return whereFault == null ? null : whereFault.where().get(key);
    }

    Resource resource(int container) {
      if (resources == null || !version.equals(builtVersion)) {
        int nc = Math.max(1, svc.cfg.containers().size());
        resources = new Resource[nc];
        for (int c = 0; c < nc; c++) {
          Resource.Builder r =
              Resource.newBuilder()
                  .addAttributes(kv("service.name", svc.cfg.name()))
                  .addAttributes(kv("service.version", version))
                  .addAttributes(kv("service.instance.id", name))
                  .addAttributes(kv("host.name", name))
                  .addAttributes(kv("k8s.pod.name", name))
                  .addAttributes(kv("deployment.environment.name", "production"))
                  .addAttributes(kv("deployment.environment", "production"));
          if (zone != null) {
            r.addAttributes(kv("cloud.availability_zone", zone));
          }
          if (cell != null) {
            r.addAttributes(kv("cell", cell));
          }
          if (!svc.cfg.containers().isEmpty()) {
            r.addAttributes(kv("k8s.container.name", svc.cfg.containers().get(c)));
          }
          resources[c] = r.build();
        }
        builtVersion = version;
      }
      return resources[container];
    }
  }
}
