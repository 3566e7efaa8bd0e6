package io.signalfold.correlation;

import io.signalfold.correlation.internal.InventoryFact;
import io.signalfold.correlation.internal.StableIds;
import io.signalfold.schema.AlertState;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.Direction;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SeriesSample;
import io.signalfold.schema.SignalClass;
import io.signalfold.schema.SignalSource;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SpanKind;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Synthetic signal streams modelled on what the scenario format says each fault produces: a
 * topology with instances in zones and cells, call edges and RED points every 30 s, inventory
 * sightings, and anomalies with OPEN / CONTINUING / RECOVERED phases that the anomaly stage would
 * emit (onset, detection delay, samples before onset, band, tier, class). Deterministic for a seed.
 */
final class Telemetry {

  static final long T0 = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
  static final long INTERVAL = 30_000;

  static long min(double minutes) {
    return T0 + Math.round(minutes * 60_000);
  }

  static long hours(double h) {
    return T0 + Math.round(h * 3_600_000);
  }

  /** One record with its event time. */
  record Timed(long timeMs, Object value) {}

  static final class Service {
    final String name;
    final List<String> instances = new ArrayList<>();
    final Map<String, String> zoneOf = new LinkedHashMap<>();
    final Map<String, String> cellOf = new LinkedHashMap<>();
    List<String> containers = List.of("app");
    String version;
    List<String> operations = List.of("GET /");
    double rps = 20;
    boolean logs = true;
    boolean traces = true;
    boolean metrics = true;

    Service(String name) {
      this.name = name;
    }

    Service version(String v) {
      version = v;
      return this;
    }

    Service operations(String... ops) {
      operations = List.of(ops);
      return this;
    }

    Service containers(String... c) {
      containers = List.of(c);
      return this;
    }

    Service rps(double r) {
      rps = r;
      return this;
    }

    Service noLogs() {
      logs = false;
      return this;
    }
  }

  /** An error-rate (and latency) window on a service's server spans or its calls to a peer. */
  record Window(
      String service,
      String peer,
      double errorRate,
      long from,
      long to,
      double throttledShare,
      String message) {}

  final List<Timed> records = new ArrayList<>();
  final Map<String, Service> services = new LinkedHashMap<>();
  final List<String[]> calls = new ArrayList<>();
  final List<Window> windows = new ArrayList<>();
  final List<Object[]> silences = new ArrayList<>();
  final Random random;
  double baseErrorRate = 0.004;

  Telemetry(long seed) {
    this.random = new Random(seed);
  }

  Service service(String name, int instances, String[] zones, String... cells) {
    Service s = new Service(name);
    s.version = "1.0.0";
    for (int i = 0; i < instances; i++) {
      String inst = name + "-" + i;
      s.instances.add(inst);
      s.zoneOf.put(inst, zones[i % zones.length]);
      if (cells.length > 0) {
        s.cellOf.put(inst, cells[i % cells.length]);
      }
    }
    services.put(name, s);
    return s;
  }

  Service service(String name, int instances) {
    return service(name, instances, new String[] {"az-1", "az-2"});
  }

  Telemetry call(String from, String to) {
    calls.add(new String[] {from, to, DependencyKind.SERVICE.name(), null});
    return this;
  }

  Telemetry callDependency(String from, String to, DependencyKind kind, String system) {
    calls.add(new String[] {from, to, kind.name(), system});
    return this;
  }

  /** Failing requests on a service's server spans (or its client calls to {@code peer}). */
  Telemetry errors(String service, String peer, double rate, long from, long to) {
    windows.add(new Window(service, peer, rate, from, to, 0, null));
    return this;
  }

  Telemetry errors(
      String service,
      String peer,
      double rate,
      long from,
      long to,
      double throttled,
      String message) {
    windows.add(new Window(service, peer, rate, from, to, throttled, message));
    return this;
  }

  /** The service emits nothing (no spans, no edges to it answered, no inventory) in [from, to). */
  Telemetry silence(String service, long from, long to) {
    silences.add(new Object[] {service, from, to});
    return this;
  }

  boolean silent(String service, long t) {
    for (Object[] s : silences) {
      if (s[0].equals(service) && t >= (long) s[1] && t < (long) s[2]) {
        return true;
      }
    }
    return false;
  }

  private Window window(String service, String peer, long t) {
    for (Window w : windows) {
      if (w.service.equals(service)
          && (w.peer == null ? peer == null : w.peer.equals(peer))
          && t >= w.from
          && t < w.to) {
        return w;
      }
    }
    return null;
  }

  /** Call edges, RED points and inventory sightings every interval over [from, to). */
  Telemetry background(long from, long to, List<String> impactAttributes) {
    for (long t = from; t < to; t += INTERVAL) {
      long end = t + INTERVAL;
      for (String[] c : calls) {
        if (silent(c[0], t)) {
          continue;
        }
        Window w = window(c[0], c[1], t);
        double calls = services.get(c[0]).rps * INTERVAL / 1000.0 * 0.5;
        records.add(
            new Timed(
                end,
                CallEdge.newBuilder()
                    .setIntervalStartMs(t)
                    .setIntervalEndMs(end)
                    .setCaller(c[0])
                    .setCallee(c[1])
                    .setCalleeKind(DependencyKind.valueOf(c[2]))
                    .setCalleeSystem(c[3])
                    .setResolution(
                        c[2].equals("SERVICE")
                            ? EdgeResolution.PARENT_CHILD
                            : EdgeResolution.PEER_ATTRIBUTE)
                    .setCalls(calls)
                    .setErrors(w == null ? 0 : calls * w.errorRate)
                    .build()));
        records.add(
            new Timed(
                end,
                red(
                    c[0],
                    "*",
                    SpanKind.CLIENT,
                    c[1],
                    DependencyKind.valueOf(c[2]),
                    t,
                    calls,
                    w,
                    impactAttributes)));
      }
      for (Service s : services.values()) {
        if (silent(s.name, t)) {
          continue;
        }
        for (String op : s.operations) {
          double req = s.rps * INTERVAL / 1000.0 / s.operations.size();
          records.add(
              new Timed(
                  end,
                  red(
                      s.name,
                      op,
                      SpanKind.SERVER,
                      null,
                      null,
                      t,
                      req,
                      window(s.name, null, t),
                      impactAttributes)));
        }
        if ((t - from) % 600_000 == 0) {
          for (String inst : s.instances) {
            for (String container : s.containers) {
              int[] types = {InventoryFact.METRICS, InventoryFact.TRACES, InventoryFact.LOGS};
              for (int type : types) {
                if ((type == InventoryFact.LOGS && !s.logs)
                    || (type == InventoryFact.TRACES && !s.traces)
                    || (type == InventoryFact.METRICS && !s.metrics)) {
                  continue;
                }
                records.add(
                    new Timed(
                        t,
                        InventoryFact.create(
                            s.name,
                            type,
                            inst,
                            container,
                            s.zoneOf.get(inst),
                            s.cellOf.get(inst),
                            s.version,
                            t)));
              }
            }
          }
        }
      }
    }
    return this;
  }

  private RedPoint red(
      String service,
      String op,
      SpanKind kind,
      String peer,
      DependencyKind peerKind,
      long t,
      double requests,
      Window w,
      List<String> impactAttributes) {
    double rate = w == null ? baseErrorRate : w.errorRate;
    double errors = Math.round(requests * rate * (0.8 + 0.4 * random.nextDouble()));
    Map<String, Double> events = new TreeMap<>();
    Map<String, Double> messages = new TreeMap<>();
    List<String> traces = new ArrayList<>();
    if (w != null && w.throttledShare > 0) {
      events.put("throttled", Math.round(requests * w.throttledShare) * 1.0);
    }
    if (w != null && w.message != null && errors > 0) {
      messages.put(w.message, errors);
    }
    if (errors > 0) {
      traces.add(String.format("%032x", random.nextLong() & Long.MAX_VALUE));
    }
    Map<String, ByteBuffer> impact = new TreeMap<>();
    if (errors > 0 && kind == SpanKind.SERVER) {
      for (String attr : impactAttributes) {
        HllSketch sk = new HllSketch(11, TgtHllType.HLL_4);
        for (int i = 0; i < Math.min(errors, 40); i++) {
          sk.update(attr + "-" + random.nextInt(500));
        }
        impact.put(attr, ByteBuffer.wrap(sk.toCompactByteArray()));
      }
    }
    return RedPoint.newBuilder()
        .setSeriesId(service + "|" + op + "|" + kind + "|" + peer)
        .setIntervalStartMs(t)
        .setIntervalEndMs(t + INTERVAL)
        .setService(service)
        .setOperation(op)
        .setSpanKind(kind)
        .setPeer(peer)
        .setPeerKind(peerKind)
        .setResource(ResourceContext.newBuilder().setService(service).build())
        .setRequests(requests)
        .setErrors(errors)
        .setDurationSumMs(requests * 20)
        .setP95Ms(w != null ? 400.0 : 40.0)
        .setLatency(ExponentialHistogram.newBuilder().setScale(0).build())
        .setEventCounts(events)
        .setErrorMessages(messages)
        .setErrorTraceIds(traces)
        .setImpact(impact)
        .build();
  }

  /**
   * Business metric points (a counter's deltas) every minute over [from, to), scaled by factor(t).
   */
  Telemetry business(
      String metric,
      String service,
      long from,
      long to,
      double perMinute,
      java.util.function.LongToDoubleFunction factor) {
    for (long t = from; t < to; t += 60_000) {
      double v =
          Math.round(perMinute * factor.applyAsDouble(t) * (0.95 + 0.1 * random.nextDouble()));
      records.add(
          new Timed(
              t,
              MetricPoint.newBuilder()
                  .setSeriesId(metric + "|" + service)
                  .setName(metric)
                  .setType(MetricType.SUM)
                  .setMonotonic(true)
                  .setTimestampMs(t)
                  .setValue(v)
                  .setResource(ResourceContext.newBuilder().setService(service).build())
                  .build()));
    }
    return this;
  }

  // ------------------------------------------------------------------ anomalies

  AnomalyBuilder anomaly(String service, String signal) {
    return new AnomalyBuilder(service, signal);
  }

  final class AnomalyBuilder {
    final String service;
    final String signal;
    SignalSource source;
    String peer;
    String operation;
    String instance;
    String container;
    String version;
    long onset = T0;
    long detectionDelay = 30_000;
    long recovery = Long.MAX_VALUE;
    long activeUntil = Long.MAX_VALUE;
    double value = 0.3;
    double expected = 0.005;
    double lower = 0;
    double upper = 0.02;
    AnomalyTier tier = AnomalyTier.ALARM;
    SignalClass signalClass = SignalClass.LAGGING;
    AnomalyKind kind = AnomalyKind.LEVEL_SHIFT;
    Direction direction = Direction.UP;
    boolean recurring;
    long historyMs = 14 * 86_400_000L;
    String templateId;
    String template;
    String sampleMessage;
    List<String> traceIds = List.of();
    long every = INTERVAL;
    String detector = "synthetic";

    AnomalyBuilder(String service, String signal) {
      this.service = service;
      this.signal = signal;
      this.source =
          signal.startsWith("http.")
              ? SignalSource.TRACE
              : signal.startsWith("log.") ? SignalSource.LOG : SignalSource.METRIC;
      if (signal.startsWith("log.")) {
        kind = AnomalyKind.NEW_LOG_TEMPLATE;
      }
    }

    AnomalyBuilder peer(String p) {
      peer = p;
      return this;
    }

    AnomalyBuilder operation(String o) {
      operation = o;
      return this;
    }

    AnomalyBuilder instance(String i) {
      instance = i;
      return this;
    }

    AnomalyBuilder container(String c) {
      container = c;
      return this;
    }

    AnomalyBuilder version(String v) {
      version = v;
      return this;
    }

    AnomalyBuilder onset(long t) {
      onset = t;
      return this;
    }

    AnomalyBuilder detectedAfter(long ms) {
      detectionDelay = ms;
      return this;
    }

    AnomalyBuilder recovers(long t) {
      recovery = t;
      return this;
    }

    AnomalyBuilder activeUntil(long t) {
      activeUntil = t;
      return this;
    }

    AnomalyBuilder value(double v, double e) {
      value = v;
      expected = e;
      lower = Math.max(0, e - Math.abs(e) * 0.5);
      upper = e + Math.abs(e) * 0.5 + 1e-3;
      return this;
    }

    AnomalyBuilder investigate() {
      tier = AnomalyTier.INVESTIGATE;
      return this;
    }

    AnomalyBuilder leading() {
      signalClass = SignalClass.LEADING;
      kind = AnomalyKind.TREND;
      return this;
    }

    AnomalyBuilder kind(AnomalyKind k) {
      kind = k;
      return this;
    }

    AnomalyBuilder down() {
      direction = Direction.DOWN;
      return this;
    }

    /** A pattern record of the anomaly stage: DRIFT, INVESTIGATE, its own detector name. */
    AnomalyBuilder pattern() {
      kind = AnomalyKind.DRIFT;
      tier = AnomalyTier.INVESTIGATE;
      detector = io.signalfold.anomaly.AnomalyStage.PATTERN_DETECTOR_PREFIX + "cycle";
      return this;
    }

    AnomalyBuilder recurring() {
      recurring = true;
      return this;
    }

    AnomalyBuilder history(long ms) {
      historyMs = ms;
      return this;
    }

    AnomalyBuilder every(long ms) {
      every = ms;
      return this;
    }

    AnomalyBuilder log(String template, String sample) {
      this.template = template;
      this.templateId = "tmpl-" + StableIds.hash(service + template).substring(0, 8);
      this.sampleMessage = sample;
      return this;
    }

    AnomalyBuilder message(String sample) {
      this.sampleMessage = sample;
      return this;
    }

    String series() {
      return signal
          + "{service="
          + service
          + (instance == null ? "" : ",instance=" + instance)
          + (container == null ? "" : ",container=" + container)
          + (operation == null ? "" : ",operation=" + operation)
          + (peer == null ? "" : ",peer=" + peer)
          + (templateId == null ? "" : ",template=" + templateId)
          + "}";
    }

    private String id;

    String id() {
      if (id == null) {
        id = StableIds.anomalyId(series(), onset);
      }
      return id;
    }

    /** Emits OPEN at detection, CONTINUING every interval, RECOVERED at recovery. */
    String add() {
      Service s = services.get(service);
      ResourceContext.Builder rc = ResourceContext.newBuilder().setService(service);
      if (instance != null) {
        rc.setInstance(instance);
        if (s != null) {
          rc.setZone(s.zoneOf.get(instance));
          rc.setCell(s.cellOf.get(instance));
        }
      }
      if (container != null) {
        rc.setContainer(container);
      }
      rc.setServiceVersion(version);
      Map<String, String> attrs = new TreeMap<>();
      if (operation != null) {
        attrs.put("operation", operation);
      }
      if (peer != null) {
        attrs.put("peer", peer);
      }
      if (templateId != null) {
        attrs.put("template", templateId);
      }
      List<SeriesSample> recent = new ArrayList<>();
      for (int i = 5; i >= 1; i--) {
        recent.add(sample(onset - i * INTERVAL, expected));
      }
      recent.add(sample(onset, value));
      long first = onset + detectionDelay;
      long end = Math.min(recovery, activeUntil);
      int n = 0;
      for (long t = first; t < end; t += every) {
        records.add(
            new Timed(
                t,
                build(
                    rc.build(),
                    attrs,
                    t,
                    n == 0 ? AnomalyPhase.OPEN : AnomalyPhase.CONTINUING,
                    n == 0 ? recent : List.of(),
                    n)));
        n++;
      }
      if (recovery != Long.MAX_VALUE && recovery <= activeUntil) {
        records.add(
            new Timed(
                recovery,
                build(rc.build(), attrs, recovery, AnomalyPhase.RECOVERED, List.of(), n)));
      }
      return id();
    }

    private SeriesSample sample(long t, double v) {
      return SeriesSample.newBuilder()
          .setTimestampMs(t)
          .setValue(v)
          .setExpected(expected)
          .setLower(lower)
          .setUpper(upper)
          .build();
    }

    private Anomaly build(
        ResourceContext rc,
        Map<String, String> attrs,
        long t,
        AnomalyPhase phase,
        List<SeriesSample> recent,
        int n) {
      double v = phase == AnomalyPhase.RECOVERED ? expected : value * (1 + 0.02 * (n % 5));
      return Anomaly.newBuilder()
          .setId(id())
          .setSeriesId(series())
          .setSignal(signal)
          .setSource(source)
          .setTimestampMs(t)
          .setOnsetMs(onset)
          .setPhase(phase)
          .setResource(rc)
          .setAttributes(attrs)
          .setValue(v)
          .setExpected(expected)
          .setLower(lower)
          .setUpper(upper)
          .setScore(tier == AnomalyTier.ALARM ? 0.9 : 0.5)
          .setDirection(direction)
          .setKind(kind)
          .setSignalClass(signalClass)
          .setTier(tier)
          .setRecurring(recurring)
          .setHistoryPoints(historyMs / 60_000)
          .setHistoryMs(historyMs)
          .setEvidence(
              AnomalyEvidence.newBuilder()
                  .setTraceIds(traceIds)
                  .setLogTemplateId(templateId)
                  .setLogTemplate(template)
                  .setSampleMessage(sampleMessage)
                  .build())
          .setDetector(detector)
          .setRecent(recent)
          .build();
    }
  }

  // ------------------------------------------------------------------ changes and alerts

  Telemetry change(ChangeEvent c) {
    records.add(new Timed(c.getTimestampMs(), c));
    return this;
  }

  static ChangeEvent.Builder changeOf(String id, ChangeKind kind, long at, String service) {
    return ChangeEvent.newBuilder().setId(id).setKind(kind).setTimestampMs(at).setService(service);
  }

  Telemetry deploy(String id, String service, String from, String to, long at, long rolloutMs) {
    return change(
        changeOf(id, ChangeKind.DEPLOY, at, service)
            .setVersion(to)
            .setPreviousVersion(from)
            .setRolloutEndMs(at + rolloutMs)
            .setSource("github-actions")
            .setCommit("c" + StableIds.hash(id).substring(0, 6))
            .build());
  }

  Telemetry merge(String id, String service, String commit, long at) {
    return change(changeOf(id, ChangeKind.MERGE, at, service).setCommit(commit).build());
  }

  Telemetry slo(
      String id,
      String slo,
      String service,
      SloAlertSeverity severity,
      long firing,
      long resolved) {
    SloBurnAlert.Builder b =
        SloBurnAlert.newBuilder()
            .setId(id)
            .setSlo(slo)
            .setService(service)
            .setTimestampMs(firing)
            .setFiringSinceMs(firing)
            .setAlertKind(SloAlertKind.BURN_RATE)
            .setSeverity(severity)
            .setState(AlertState.FIRING)
            .setObjective(0.999)
            .setLongWindowMs(3_600_000L)
            .setShortWindowMs(300_000L)
            .setBurnRateThreshold(14.4)
            .setBurnLong(20)
            .setBurnShort(30)
            .setBudgetRemainingFraction(0.9);
    records.add(new Timed(firing, b.build()));
    if (resolved != Long.MAX_VALUE) {
      records.add(
          new Timed(
              resolved,
              b.setTimestampMs(resolved).setState(AlertState.RESOLVED).setBurnShort(0.5).build()));
    }
    return this;
  }

  /** All records in event-time order (stable for equal times). */
  List<Timed> sorted() {
    List<Timed> out = new ArrayList<>(records);
    out.sort(Comparator.comparingLong(Timed::timeMs));
    return out;
  }

  /** Arrival order with bounded disorder: each record may arrive up to maxDelayMs late. */
  List<Timed> shuffled(long seed, long maxDelayMs) {
    Random r = new Random(seed);
    List<long[]> keys = new ArrayList<>();
    List<Timed> sorted = sorted();
    for (int i = 0; i < sorted.size(); i++) {
      keys.add(new long[] {sorted.get(i).timeMs() + (long) (r.nextDouble() * maxDelayMs), i});
    }
    keys.sort(Comparator.comparingLong((long[] k) -> k[0]).thenComparingLong(k -> k[1]));
    List<Timed> out = new ArrayList<>();
    for (long[] k : keys) {
      out.add(sorted.get((int) k[1]));
    }
    return out;
  }
}
