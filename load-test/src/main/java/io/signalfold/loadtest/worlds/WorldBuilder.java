package io.signalfold.loadtest.worlds;

import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.generator.ScenarioDurations;
import io.signalfold.loadtest.worlds.WorldDraft.Call;
import io.signalfold.loadtest.worlds.WorldDraft.Dep;
import io.signalfold.loadtest.worlds.WorldDraft.Svc;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a world from a seed: a random call graph (depth 2-8, shared databases, caches, queues,
 * external APIs), 2-40 instances per service over zones and sometimes cells and sidecars, a
 * seasonal workload with a random peak hour, weekly pattern and noise floor, 1-7 days of history
 * with routine changes that must not be blamed, and 0-2 draws from the {@link FaultKind} catalogue
 * (overlapping on disjoint entities, or one after the other), with decoys placed near them. The
 * result is an ordinary scenario file: what the generator cannot express is not drawn.
 */
public final class WorldBuilder {

  private static final List<String> SERVICE_NAMES =
      List.of(
          "gateway",
          "web",
          "api",
          "bff",
          "auth",
          "accounts",
          "users",
          "profile",
          "cart",
          "checkout",
          "orders",
          "payments",
          "billing",
          "invoices",
          "ledger",
          "inventory",
          "catalog",
          "search",
          "recommendations",
          "reviews",
          "ratings",
          "shipping",
          "delivery",
          "tracking",
          "notifications",
          "email",
          "sms",
          "pricing",
          "tax",
          "discounts",
          "coupons",
          "loyalty",
          "wishlist",
          "media",
          "images",
          "thumbnails",
          "uploads",
          "feed",
          "timeline",
          "messages",
          "chat",
          "presence",
          "sessions",
          "scheduler",
          "jobs",
          "reports",
          "analytics",
          "audit",
          "fraud",
          "risk",
          "identity",
          "geo",
          "routing",
          "quotes",
          "bookings",
          "availability",
          "calendar",
          "content",
          "translations",
          "settings",
          "returns",
          "stock");

  private static final List<String> EXTERNAL_APIS =
      List.of("payments-provider", "maps-api", "sms-gateway", "fx-rates-api", "identity-provider");

  private static final List<String> DEP_KINDS =
      List.of("postgresql", "mysql", "dynamodb", "redis", "kafka", "http");

  private WorldBuilder() {}

  /** The world of {@code seed} within {@code limits}. */
  public static World build(long seed, WorldLimits limits) {
    WorldDraft d = new WorldDraft(seed);
    Duration history = Duration.ofDays(d.between(1, 7));
    if (history.compareTo(limits.maxHistory()) > 0) {
      history = limits.maxHistory();
    }
    topology(d, limits);
    Duration end = faults(d);
    routineChanges(d, history);
    Duration duration = Duration.ofMinutes(Math.max(120, (end.toMinutes() + 30 + 9) / 10 * 10));
    Map<String, Object> doc = document(d, history, duration);
    Scenario scenario = Scenario.fromMap("world-" + seed + ".yaml", doc);
    List<FaultKind> kinds = new ArrayList<>();
    for (WorldDraft.Expectation e : d.expectations) {
      kinds.add(e.kind());
    }
    return new World(seed, doc, scenario, List.copyOf(kinds));
  }

  // ---------------------------------------------------------------- topology

  private static void topology(WorldDraft d, WorldLimits limits) {
    int n = Math.min(limits.maxServices(), logUniform(d, 5, 60));
    int depth = Math.min(n - 1, d.between(2, 8));
    int zoneCount = d.between(2, 4);
    for (int z = 1; z <= zoneCount; z++) {
      d.zones.add("az-" + z);
    }
    if (d.chance(0.3)) {
      for (int c = 1; c <= d.between(2, 3); c++) {
        d.cells.add("cell-" + c);
      }
    }
    if (d.chance(0.35)) {
      d.containers.addAll(List.of("app", "envoy"));
    }
    List<String> names = new ArrayList<>(SERVICE_NAMES);
    int edges = Math.min(3, Math.max(1, n / 8));
    for (int i = 0; i < n; i++) {
      String name = names.remove(d.rng.nextInt(names.size()));
      // every layer gets one service first, so the graph is as deep as drawn
      int layer = i < depth ? i : (i < depth + edges - 1 ? 0 : d.between(1, depth - 1));
      double rps = layer == 0 ? Math.round(d.uniform(30, 250)) : Double.NaN;
      d.services.add(
          new Svc(
              name,
              layer,
              Math.min(limits.maxInstances(), instances(d)),
              operations(d, name),
              d.between(1, 9) + "." + d.between(0, 20) + "." + d.between(0, 9),
              rps,
              Math.round(d.uniform(5, 120))));
    }
    d.services.sort((a, b) -> Integer.compare(a.layer, b.layer));
    for (Svc s : d.services) {
      if (s.layer == 0) {
        continue;
      }
      List<Svc> above = servicesIn(d, s.layer - 1, s.layer - 1);
      d.calls.add(new Call(d.pick(above).name, s.name, ratio(d)));
      List<Svc> higher = servicesIn(d, 0, s.layer - 1);
      if (d.chance(0.3)) {
        Svc second = d.pick(higher);
        if (!d.callersOf(s.name).contains(second.name)) {
          d.calls.add(new Call(second.name, s.name, ratio(d)));
        }
      }
    }
    dependencies(d, n);
  }

  private static List<Svc> servicesIn(WorldDraft d, int fromLayer, int toLayer) {
    List<Svc> out = new ArrayList<>();
    for (Svc s : d.services) {
      if (s.layer >= fromLayer && s.layer <= toLayer) {
        out.add(s);
      }
    }
    return out;
  }

  private static void dependencies(WorldDraft d, int services) {
    int count = Math.min(12, Math.max(2, services / 4 + d.between(0, 2)));
    List<String> external = new ArrayList<>(EXTERNAL_APIS);
    for (int i = 0; i < count; i++) {
      String kind = d.pick(DEP_KINDS);
      Svc owner = d.pick(d.services);
      String name =
          switch (kind) {
            case "postgresql", "mysql" -> owner.name + "-db";
            case "dynamodb" -> owner.name + "-table";
            case "redis" -> owner.name + "-cache";
            case "kafka" -> owner.name + "-events";
            default -> external.isEmpty() ? owner.name + "-partner-api" : external.remove(0);
          };
      if (d.dep(name) != null) {
        continue;
      }
      d.deps.add(new Dep(name, kind));
      d.calls.add(new Call(owner.name, name, ratio(d)));
      // shared: one or two more services use it
      for (int k = d.between(0, 2); k > 0; k--) {
        Svc other = d.pick(d.services);
        if (!d.callersOf(name).contains(other.name)) {
          d.calls.add(new Call(other.name, name, ratio(d)));
        }
      }
    }
  }

  private static int logUniform(WorldDraft d, int lo, int hi) {
    return (int) Math.floor(Math.exp(d.uniform(Math.log(lo), Math.log(hi + 1))));
  }

  /** Mostly small services, some large: 2-4 (60%), 5-10 (30%), 11-40 (10%). */
  private static int instances(WorldDraft d) {
    double u = d.rng.nextDouble();
    return u < 0.6 ? d.between(2, 4) : u < 0.9 ? d.between(5, 10) : d.between(11, 40);
  }

  private static List<String> operations(WorldDraft d, String name) {
    List<String> all =
        List.of("GET /" + name, "POST /" + name + "/{id}", "GET /" + name + "/{id}/items");
    return all.subList(0, d.between(1, 3));
  }

  private static double ratio(WorldDraft d) {
    return WorldDraft.round2(d.uniform(0.2, 1.2));
  }

  // ---------------------------------------------------------------- faults

  /** 0 (15%), 1 (60%) or 2 (25%) draws from the catalogue; returns when the last one is over. */
  private static Duration faults(WorldDraft d) {
    double u = d.rng.nextDouble();
    int draws = u < 0.15 ? 0 : u < 0.75 ? 1 : 2;
    Duration at = Duration.ofMinutes(d.between(20, 40));
    Duration end = Duration.ZERO;
    FaultKind[] kinds = FaultKind.values();
    for (int i = 0; i < draws; i++) {
      Duration over = null;
      for (int attempt = 0; attempt < 20 && over == null; attempt++) {
        over = kinds[d.rng.nextInt(kinds.length)].inject(d, at);
      }
      if (over == null) {
        break;
      }
      end = over.compareTo(end) > 0 ? over : end;
      // the next one overlaps (on other entities) or follows
      at = d.chance(0.5) ? at.plusMinutes(d.between(5, 25)) : over.plusMinutes(d.between(15, 30));
    }
    return end;
  }

  // ---------------------------------------------------------------- routine changes

  /** Healthy changes in the history and after T0 on services no fault uses: none may be blamed. */
  private static void routineChanges(WorldDraft d, Duration history) {
    List<Svc> quiet = d.untouchedServices();
    if (quiet.isEmpty()) {
      return;
    }
    long historyMin = history.toMinutes();
    int deploys = d.between(1, 2 * (int) history.toDays() + 1);
    List<Duration> times = new ArrayList<>();
    for (int i = 0; i < deploys; i++) {
      times.add(Duration.ofMinutes(-d.between(60, (int) historyMin - 120)));
    }
    times.sort(Duration::compareTo); // versions go up with time
    for (Duration t : times) {
      d.deploy(t, d.pick(quiet), Duration.ofMinutes(d.between(2, 10)), "source", "argocd");
    }
    for (int i = d.between(0, 2); i > 0; i--) {
      Svc s = d.pick(quiet);
      d.change(
          randomHistory(d, historyMin),
          "config",
          s.name,
          "key",
          "cache.ttl",
          "old",
          "60s",
          "new",
          "90s",
          "actor",
          "dave");
    }
    for (int i = d.between(1, 3); i > 0; i--) {
      d.change(randomHistory(d, historyMin), "merge", d.pick(quiet).name, "commit", d.commit());
    }
    if (d.chance(0.4)) {
      Svc s = d.pick(quiet);
      d.change(
          randomHistory(d, historyMin),
          "scale",
          s.name,
          "replicas",
          s.instances + 1,
          "actor",
          "hpa",
          "source",
          "kubernetes");
    }
    if (d.chance(0.3)) {
      Svc s = d.pick(quiet);
      d.change(
          randomHistory(d, historyMin),
          "feature_flag",
          s.name,
          "key",
          "dark-mode",
          "old",
          "off",
          "new",
          "on");
    }
    List<Svc> quietEdges = new ArrayList<>(quiet.stream().filter(Svc::edge).toList());
    if (!quietEdges.isEmpty() && d.chance(0.4)) {
      Svc edge = d.pick(quietEdges);
      Duration start = randomHistory(d, historyMin);
      Duration stop = start.plusMinutes(d.between(30, 60));
      d.change(
          start,
          "planned_activity",
          edge.name,
          "start",
          start,
          "end",
          stop,
          "actor",
          "perf-team",
          "description",
          "load test at 1.5x peak, no impact expected");
      int f = d.fault(start, "traffic", edge.name, "value", WorldDraft.round2(d.uniform(1.4, 1.8)));
      d.clear(stop, f);
    }
  }

  private static Duration randomHistory(WorldDraft d, long historyMin) {
    return Duration.ofMinutes(-d.between(60, (int) historyMin - 120));
  }

  // ---------------------------------------------------------------- the file

  private static Map<String, Object> document(WorldDraft d, Duration history, Duration duration) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", "world-" + d.seed);
    doc.put("description", "randomized benchmark world " + d.seed);
    doc.put("seed", d.seed);
    Instant start =
        Instant.parse("2026-01-05T00:00:00Z")
            .plus(Duration.ofDays(d.between(0, 300)))
            .plus(Duration.ofHours(d.between(0, 23)));
    doc.put("start", start.toString());
    doc.put("history", ScenarioDurations.format(history));
    doc.put("history_resolution", "1m");
    doc.put("duration", ScenarioDurations.format(duration));
    doc.put("resolution", "10s");
    doc.put("attributes", List.of("customer.id"));
    Map<String, Object> topology = new LinkedHashMap<>();
    List<Map<String, Object>> services = new ArrayList<>();
    for (Svc s : d.services) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name);
      m.put("instances", s.instances);
      m.put("zone", d.zones);
      if (!d.cells.isEmpty()) {
        m.put("cell", d.cells);
      }
      m.put("version", s.initialVersion);
      m.put("operations", s.operations);
      if (s.edge()) {
        m.put("rps", s.rps);
      }
      m.put("latency_ms", s.latencyMs);
      if (!d.containers.isEmpty()) {
        m.put("containers", d.containers);
      }
      services.add(m);
    }
    topology.put("services", services);
    List<Map<String, Object>> deps = new ArrayList<>();
    for (Dep dep : d.deps) {
      Map<String, Object> m = new LinkedHashMap<>(); // file order, not Map.of's per-JVM order
      m.put("name", dep.name());
      m.put("kind", dep.kind());
      deps.add(m);
    }
    topology.put("dependencies", deps);
    List<Map<String, Object>> calls = new ArrayList<>();
    for (Call c : d.calls) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", c.from());
      m.put("to", c.to());
      m.put("ratio", c.ratio());
      calls.add(m);
    }
    topology.put("calls", calls);
    doc.put("topology", topology);
    double errorRate = WorldDraft.round2(d.uniform(0.05, 0.5)) / 100;
    Map<String, Object> traffic = new LinkedHashMap<>();
    traffic.put("daily_amplitude", WorldDraft.round2(d.uniform(0.3, 0.7)));
    traffic.put("weekend_factor", WorldDraft.round2(d.uniform(0.5, 1.0)));
    traffic.put("noise", WorldDraft.round2(d.uniform(0.02, 0.08)));
    traffic.put("error_rate", errorRate);
    traffic.put("peak_hour", d.between(0, 23));
    doc.put("traffic", traffic);
    Svc front = d.services.get(0);
    double objective = errorRate < 0.0008 ? 0.999 : errorRate < 0.0025 ? 0.995 : 0.99;
    Map<String, Object> slo = new LinkedHashMap<>();
    slo.put("name", front.name + "-availability");
    slo.put("service", front.name);
    slo.put("objective", objective);
    slo.put("window", "30d");
    slo.put("sli", "availability");
    doc.put("slos", List.of(slo));
    doc.put("events", d.events);
    List<Map<String, Object>> incidents = new ArrayList<>();
    for (WorldDraft.Expectation e : d.expectations) {
      incidents.add(e.document());
    }
    Map<String, Object> expect = new LinkedHashMap<>();
    expect.put("incidents", incidents);
    expect.put("max_false_incidents", 0);
    doc.put("expect", expect);
    return doc;
  }
}
