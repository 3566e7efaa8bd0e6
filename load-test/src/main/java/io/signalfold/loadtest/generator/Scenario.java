package io.signalfold.loadtest.generator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * One scenario file (see {@code shared/scenarios/FORMAT.md}): a small system, its traffic, the
 * changes and faults applied to it and what the pipeline must conclude. Immutable; {@link
 * #load(Path)} validates everything up front and fails with a {@link ScenarioException} naming the
 * file and the field path.
 */
public final class Scenario {

  /** Change kinds of the vocabulary. */
  public static final List<String> CHANGE_KINDS =
      List.of(
          "deploy",
          "rollback",
          "config",
          "scale",
          "manual_session",
          "permission",
          "feature_flag",
          "planned_activity",
          "merge");

  /** Fault kinds of the vocabulary. */
  public static final List<String> FAULT_KINDS =
      List.of(
          "error_rate",
          "latency",
          "latency_ramp",
          "memory_leak",
          "cpu_saturation",
          "disk_fill",
          "dependency_down",
          "throttling",
          "traffic",
          "log_pattern",
          "restart_loop");

  /** Expected root cause kinds. */
  public static final List<String> ROOT_CAUSE_KINDS =
      List.of(
          "deployment",
          "config",
          "scale",
          "manual_session",
          "permission",
          "dependency",
          "resource",
          "traffic",
          "instance",
          "container",
          "zone",
          "cell",
          "planned_activity",
          "unknown");

  /** A service with its own telemetry. {@code rps} is NaN when the service has no own traffic. */
  public record Service(
      String name,
      int instances,
      List<String> zones,
      List<String> cells,
      String version,
      List<String> operations,
      double rps,
      double latencyMs,
      List<String> containers) {

    /** True when the service receives external requests of its own ({@code rps} given). */
    public boolean hasRps() {
      return !Double.isNaN(rps);
    }
  }

  /** A thing without own telemetry (database, cache, queue, external API). */
  public record Dependency(String name, String kind) {}

  /** caller -> callee; ratio = callee calls per caller request. */
  public record Call(String from, String to, double ratio) {}

  /** Optional business counter. */
  public record Business(String metric, String service, double perRequest) {}

  /** Normal traffic shape; {@code peakHour} is the UTC hour of the daily peak (default 14). */
  public record Traffic(
      double dailyAmplitude,
      double weekendFactor,
      double noise,
      double errorRate,
      @Nullable Business business,
      double peakHour) {}

  /** An entry of {@code events}. */
  public sealed interface Event permits Change, Fault, Clear {
    /** Position in the {@code events} list. */
    int index();

    /** Time relative to T0 (negative in history). */
    Duration at();
  }

  /** A change; {@code fields} are the YAML fields besides {@code kind} and {@code service}. */
  public record Change(
      int index,
      Duration at,
      Instant time,
      String kind,
      @Nullable String service,
      Map<String, Object> fields)
      implements Event {

    /** A field as text, or null. */
    @Nullable
    public String text(String key) {
      Object v = fields.get(key);
      return v == null ? null : String.valueOf(v);
    }
  }

  /** A fault, with its absolute window ({@code end} from a later clear or the scenario end). */
  public record Fault(
      int index,
      Duration at,
      String kind,
      @Nullable String service,
      @Nullable String instance,
      @Nullable String zone,
      @Nullable String cell,
      @Nullable String container,
      @Nullable String operation,
      @Nullable String version,
      Map<String, String> where,
      @Nullable String message,
      double value,
      @Nullable Duration over,
      @Nullable Duration period,
      @Nullable String dependency,
      double rate,
      Instant start,
      Instant end)
      implements Event {}

  /** Ends all faults ({@code target == -1}) or the fault at events index {@code target}. */
  public record Clear(int index, Duration at, int target) implements Event {}

  /** One expected incident. */
  public record ExpectedIncident(
      Map<String, Object> rootCause,
      String rootEntity,
      String rootKind,
      Duration openWithin,
      List<String> symptoms,
      @Nullable String impactAttribute,
      boolean resolves) {}

  private final String name;
  private final String description;
  private final long seed;
  private final Instant start;
  private final Duration history;
  private final Duration historyResolution;
  private final Duration duration;
  private final Duration resolution;
  private final List<String> attributes;
  private final List<Service> services;
  private final List<Dependency> dependencies;
  private final List<Call> calls;
  private final Traffic traffic;
  private final List<Map<String, Object>> slos;
  private final List<Event> events;
  private final List<ExpectedIncident> expectedIncidents;
  private final int maxFalseIncidents;

  private Scenario(Parser p) {
    this.name = p.name;
    this.description = p.description;
    this.seed = p.seed;
    this.start = p.start;
    this.history = p.history;
    this.historyResolution = p.historyResolution;
    this.duration = p.duration;
    this.resolution = p.resolution;
    this.attributes = List.copyOf(p.attributes);
    this.services = List.copyOf(p.services);
    this.dependencies = List.copyOf(p.dependencies);
    this.calls = List.copyOf(p.calls);
    this.traffic = p.traffic;
    this.slos = Collections.unmodifiableList(p.slos);
    this.events = List.copyOf(p.events);
    this.expectedIncidents = List.copyOf(p.incidents);
    this.maxFalseIncidents = p.maxFalseIncidents;
  }

  /** Reads and validates a scenario file. */
  public static Scenario load(Path file) {
    String label = file.getFileName().toString();
    try (InputStream in = Files.newInputStream(file)) {
      return parse(label, in);
    } catch (IOException e) {
      throw new ScenarioException(label + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Parses YAML text; {@code label} names the source in error messages. */
  public static Scenario parse(String label, InputStream yaml) {
    Object root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
    } catch (IOException e) {
      throw new ScenarioException(label + ": not valid YAML: " + e.getMessage(), e);
    }
    if (!(root instanceof Map)) {
      throw new ScenarioException(label + ": the document must be a mapping");
    }
    return new Scenario(new Parser(label, (Map<?, ?>) root).parse());
  }

  /** The bundled default scenario ({@code scenarios/default.yaml} on the classpath). */
  public static Scenario builtInDefault() {
    try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/default.yaml")) {
      if (in == null) {
        throw new ScenarioException("default.yaml: not on the classpath");
      }
      return parse("default.yaml", in);
    } catch (IOException e) {
      throw new ScenarioException("default.yaml: " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public long seed() {
    return seed;
  }

  /** Event time of the first generated point. */
  public Instant start() {
    return start;
  }

  public Duration history() {
    return history;
  }

  public Duration historyResolution() {
    return historyResolution;
  }

  public Duration duration() {
    return duration;
  }

  public Duration resolution() {
    return resolution;
  }

  /** T0 = start + history. */
  public Instant t0() {
    return start.plus(history);
  }

  /** End of generation = T0 + duration. */
  public Instant end() {
    return t0().plus(duration);
  }

  /** Span attributes to generate (impact counts). */
  public List<String> attributes() {
    return attributes;
  }

  public List<Service> services() {
    return services;
  }

  public List<Dependency> dependencies() {
    return dependencies;
  }

  public List<Call> calls() {
    return calls;
  }

  public Traffic traffic() {
    return traffic;
  }

  /** The raw {@code slos} entries, for {@code SloDefinition.fromScenario(Map)}. */
  public List<Map<String, Object>> slos() {
    return slos;
  }

  /** Events in file order. */
  public List<Event> events() {
    return events;
  }

  /** The faults, with absolute start/end. */
  public List<Fault> faults() {
    List<Fault> out = new ArrayList<>();
    for (Event e : events) {
      if (e instanceof Fault f) {
        out.add(f);
      }
    }
    return out;
  }

  /** The changes in file order. */
  public List<Change> changes() {
    List<Change> out = new ArrayList<>();
    for (Event e : events) {
      if (e instanceof Change c) {
        out.add(c);
      }
    }
    return out;
  }

  public List<ExpectedIncident> expectedIncidents() {
    return expectedIncidents;
  }

  public int maxFalseIncidents() {
    return maxFalseIncidents;
  }

  /** The service of that name, or null. */
  @Nullable
  public Service service(String serviceName) {
    for (Service s : services) {
      if (s.name().equals(serviceName)) {
        return s;
      }
    }
    return null;
  }

  /** The dependency of that name, or null. */
  @Nullable
  public Dependency dependency(String dependencyName) {
    for (Dependency d : dependencies) {
      if (d.name().equals(dependencyName)) {
        return d;
      }
    }
    return null;
  }

  /** A copy with another seed (determinism tests, repeated runs). */
  public Scenario withSeed(long newSeed) {
    Parser p = Parser.copyOf(this);
    p.seed = newSeed;
    return new Scenario(p);
  }

  /** A copy with another history length (shorter demos); T0 moves, events stay relative to it. */
  public Scenario withHistory(Duration newHistory) {
    Parser p = Parser.copyOf(this);
    p.start = t0().minus(newHistory);
    p.history = newHistory;
    return new Scenario(p);
  }

  @Override
  public String toString() {
    return "Scenario{"
        + name
        + ", seed="
        + seed
        + ", start="
        + start
        + ", history="
        + history
        + ", duration="
        + duration
        + ", services="
        + services.size()
        + "}";
  }

  /** Programmatic construction (the open-ended traffic mode); validated like a file. */
  public static Scenario fromMap(String label, Map<String, Object> document) {
    return new Scenario(new Parser(label, document).parse());
  }

  // ---------------------------------------------------------------------------------------------

  private static final class Parser {
    private final String label;
    private final Map<?, ?> root;

    String name;
    String description = "";
    long seed;
    Instant start;
    Duration history;
    Duration historyResolution;
    Duration duration;
    Duration resolution;
    List<String> attributes = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<Dependency> dependencies = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    Traffic traffic;
    List<Map<String, Object>> slos = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    List<ExpectedIncident> incidents = new ArrayList<>();
    int maxFalseIncidents;

    Parser(String label, Map<?, ?> root) {
      this.label = label;
      this.root = root;
    }

    static Parser copyOf(Scenario s) {
      Parser p = new Parser(s.name + ".yaml", Map.of());
      p.name = s.name;
      p.description = s.description;
      p.seed = s.seed;
      p.start = s.start;
      p.history = s.history;
      p.historyResolution = s.historyResolution;
      p.duration = s.duration;
      p.resolution = s.resolution;
      p.attributes = s.attributes;
      p.services = s.services;
      p.dependencies = s.dependencies;
      p.calls = s.calls;
      p.traffic = s.traffic;
      p.slos = s.slos;
      p.events = s.events;
      p.incidents = s.expectedIncidents;
      p.maxFalseIncidents = s.maxFalseIncidents;
      return p;
    }

    ScenarioException fail(String path, String msg) {
      return new ScenarioException(label + ": " + path + ": " + msg);
    }

    Parser parse() {
      name = str(root, "name", "name", true);
      description = orElse(str(root, "description", "description", false), "");
      seed = (long) num(root, "seed", "seed", 0, true);
      String startText = str(root, "start", "start", true);
      try {
        start = Instant.parse(startText);
      } catch (DateTimeParseException e) {
        throw fail("start", "not an ISO-8601 instant '" + startText + "'");
      }
      history = dur(root, "history", "history", Duration.ZERO);
      historyResolution =
          dur(root, "history_resolution", "history_resolution", Duration.ofMinutes(1));
      duration = dur(root, "duration", "duration", null);
      resolution = dur(root, "resolution", "resolution", Duration.ofSeconds(10));
      nonNegative("history", history);
      positive("history_resolution", historyResolution);
      positive("duration", duration);
      positive("resolution", resolution);
      attributes = strList(root.get("attributes"), "attributes");
      parseTopology();
      parseTraffic();
      parseSlos();
      parseEvents();
      parseExpect();
      return this;
    }

    private void nonNegative(String path, Duration d) {
      if (d.isNegative()) {
        throw fail(path, "must not be negative");
      }
    }

    private void positive(String path, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw fail(path, "must be positive");
      }
    }

    private void parseTopology() {
      Map<?, ?> topo = map(root.get("topology"), "topology", true);
      List<?> svcList = list(topo.get("services"), "topology.services", true);
      if (svcList.isEmpty()) {
        throw fail("topology.services", "at least one service is required");
      }
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < svcList.size(); i++) {
        String path = "topology.services[" + i + "]";
        Map<?, ?> m = map(svcList.get(i), path, true);
        String n = str(m, "name", path + ".name", true);
        if (!names.add(n)) {
          throw fail(path + ".name", "duplicate name '" + n + "'");
        }
        int instances = (int) num(m, "instances", path + ".instances", 1, false);
        if (instances < 1) {
          throw fail(path + ".instances", "must be at least 1, got " + instances);
        }
        List<String> zones = strOrList(m.get("zone"), path + ".zone");
        List<String> cells = strOrList(m.get("cell"), path + ".cell");
        String version = orElse(str(m, "version", path + ".version", false), "1.0.0");
        List<String> ops = strList(m.get("operations"), path + ".operations");
        if (ops.isEmpty()) {
          ops = List.of("GET /");
        }
        double rps = m.containsKey("rps") ? num(m, "rps", path + ".rps", 0, true) : Double.NaN;
        if (rps < 0) {
          throw fail(path + ".rps", "must not be negative");
        }
        double latency = num(m, "latency_ms", path + ".latency_ms", 20, false);
        if (latency <= 0) {
          throw fail(path + ".latency_ms", "must be positive");
        }
        List<String> containers = strList(m.get("containers"), path + ".containers");
        services.add(
            new Service(
                n,
                instances,
                List.copyOf(zones),
                List.copyOf(cells),
                version,
                List.copyOf(ops),
                rps,
                latency,
                List.copyOf(containers)));
      }
      List<?> deps = list(topo.get("dependencies"), "topology.dependencies", false);
      for (int i = 0; i < deps.size(); i++) {
        String path = "topology.dependencies[" + i + "]";
        Map<?, ?> m = map(deps.get(i), path, true);
        String n = str(m, "name", path + ".name", true);
        if (!names.add(n)) {
          throw fail(
              path + ".name", "duplicate name '" + n + "' (services and dependencies share names)");
        }
        dependencies.add(new Dependency(n, orElse(str(m, "kind", path + ".kind", false), "http")));
      }
      List<?> callList = list(topo.get("calls"), "topology.calls", false);
      for (int i = 0; i < callList.size(); i++) {
        String path = "topology.calls[" + i + "]";
        Map<?, ?> m = map(callList.get(i), path, true);
        String from = str(m, "from", path + ".from", true);
        String to = str(m, "to", path + ".to", true);
        if (serviceNamed(from) == null) {
          throw fail(
              path + ".from", "unknown service '" + from + "' (known: " + serviceNames() + ")");
        }
        if (serviceNamed(to) == null && depNamed(to) == null) {
          throw fail(
              path + ".to", "unknown service or dependency '" + to + "' (known: " + names + ")");
        }
        if (from.equals(to)) {
          throw fail(path, "a service cannot call itself");
        }
        double ratio = num(m, "ratio", path + ".ratio", 1.0, false);
        if (ratio < 0) {
          throw fail(path + ".ratio", "must not be negative");
        }
        calls.add(new Call(from, to, ratio));
      }
      checkAcyclic();
      boolean anyRoot = false;
      for (Service s : services) {
        anyRoot |= s.hasRps();
      }
      if (!anyRoot) {
        throw fail("topology.services", "no service has rps: nothing generates traffic");
      }
    }

    private void checkAcyclic() {
      Map<String, List<String>> out = new HashMap<>();
      for (Call c : calls) {
        out.computeIfAbsent(c.from(), k -> new ArrayList<>()).add(c.to());
      }
      Map<String, Integer> state = new HashMap<>();
      for (Service s : services) {
        Deque<String> path = new ArrayDeque<>();
        if (cycleFrom(s.name(), out, state, path)) {
          throw fail("topology.calls", "calls form a cycle through " + path);
        }
      }
    }

    private boolean cycleFrom(
        String n, Map<String, List<String>> out, Map<String, Integer> state, Deque<String> path) {
      Integer st = state.get(n);
      if (st != null) {
        return st == 1;
      }
      state.put(n, 1);
      path.addLast(n);
      for (String c : out.getOrDefault(n, List.of())) {
        if (cycleFrom(c, out, state, path)) {
          return true;
        }
      }
      path.removeLast();
      state.put(n, 2);
      return false;
    }

    private void parseTraffic() {
      Map<?, ?> t = map(root.get("traffic"), "traffic", false);
      double amp = num(t, "daily_amplitude", "traffic.daily_amplitude", 0.5, false);
      double weekend = num(t, "weekend_factor", "traffic.weekend_factor", 1.0, false);
      double noise = num(t, "noise", "traffic.noise", 0.05, false);
      double err = num(t, "error_rate", "traffic.error_rate", 0.0, false);
      range("traffic.daily_amplitude", amp, 0, 1);
      range("traffic.weekend_factor", weekend, 0, 10);
      range("traffic.noise", noise, 0, 1);
      range("traffic.error_rate", err, 0, 1);
      double peakHour = num(t, "peak_hour", "traffic.peak_hour", 14, false);
      range("traffic.peak_hour", peakHour, 0, 24);
      Business business = null;
      if (t.get("business") != null) {
        Map<?, ?> b = map(t.get("business"), "traffic.business", true);
        String svc = str(b, "service", "traffic.business.service", true);
        if (serviceNamed(svc) == null) {
          throw fail(
              "traffic.business.service",
              "unknown service '" + svc + "' (known: " + serviceNames() + ")");
        }
        business =
            new Business(
                str(b, "metric", "traffic.business.metric", true),
                svc,
                num(b, "per_request", "traffic.business.per_request", 1.0, false));
      }
      traffic = new Traffic(amp, weekend, noise, err, business, peakHour);
    }

    private void range(String path, double v, double lo, double hi) {
      if (!(v >= lo && v <= hi)) {
        throw fail(path, "must be within [" + lo + ", " + hi + "], got " + v);
      }
    }

    @SuppressWarnings("unchecked")
    private void parseSlos() {
      List<?> l = list(root.get("slos"), "slos", false);
      for (int i = 0; i < l.size(); i++) {
        Map<?, ?> m = map(l.get(i), "slos[" + i + "]", true);
        String svc = str(m, "service", "slos[" + i + "].service", false);
        if (svc != null && serviceNamed(svc) == null) {
          throw fail(
              "slos[" + i + "].service",
              "unknown service '" + svc + "' (known: " + serviceNames() + ")");
        }
        slos.add(Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) m)));
      }
    }

    private void parseEvents() {
      List<?> l = list(root.get("events"), "events", false);
      Instant t0 = start.plus(history);
      Instant end = t0.plus(duration);
      List<Object[]> pendingFaults = new ArrayList<>(); // {index, builder fields}
      Map<Integer, Instant> faultEnds = new HashMap<>();
      List<Event> parsed = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        String path = "events[" + i + "]";
        Map<?, ?> m = map(l.get(i), path, true);
        Duration at = dur(m, "at", path + ".at", null);
        int kinds =
            (m.containsKey("change") ? 1 : 0)
                + (m.containsKey("fault") ? 1 : 0)
                + (m.containsKey("clear") ? 1 : 0);
        if (kinds != 1) {
          throw fail(path, "exactly one of change, fault, clear is required");
        }
        Instant when = t0.plus(at);
        if (m.containsKey("change")) {
          parsed.add(parseChange(i, at, when, map(m.get("change"), path + ".change", true), t0));
        } else if (m.containsKey("fault")) {
          pendingFaults.add(new Object[] {i, at, m.get("fault")});
          parsed.add(null);
        } else {
          Object c = m.get("clear");
          int target;
          if ("all".equals(c)) {
            target = -1;
          } else if (c instanceof Number n) {
            target = n.intValue();
            if (target < 0 || target >= l.size() || target >= i) {
              throw fail(path + ".clear", "index " + target + " is not an earlier event");
            }
            Object te = l.get(target);
            if (!(te instanceof Map<?, ?> tm) || !tm.containsKey("fault")) {
              throw fail(path + ".clear", "events[" + target + "] is not a fault");
            }
          } else {
            throw fail(
                path + ".clear", "expected 'all' or the events index of a fault, got '" + c + "'");
          }
          parsed.add(new Clear(i, at, target));
        }
      }
      // Ends of faults: the first later clear that covers them, else the scenario end.
      for (Object[] pf : pendingFaults) {
        int fi = (Integer) pf[0];
        Duration at = (Duration) pf[1];
        Instant fEnd = end;
        for (Event e : parsed) {
          if (e instanceof Clear c
              && (c.target() == -1 || c.target() == fi)
              && c.index() > fi
              && t0.plus(c.at()).isAfter(t0.plus(at).minusMillis(1))) {
            Instant ce = t0.plus(c.at());
            if (ce.isBefore(fEnd)) {
              fEnd = ce;
            }
          }
        }
        faultEnds.put(fi, fEnd);
        parsed.set(fi, parseFault(fi, at, map(pf[2], "events[" + fi + "].fault", true), t0, fEnd));
      }
      events.addAll(parsed);
    }

    private Change parseChange(int i, Duration at, Instant when, Map<?, ?> m, Instant t0) {
      String path = "events[" + i + "].change";
      String kind = str(m, "kind", path + ".kind", true);
      if (!CHANGE_KINDS.contains(kind)) {
        throw fail(
            path + ".kind",
            "unknown change kind '" + kind + "' (expected one of " + CHANGE_KINDS + ")");
      }
      // A change may concern something outside the topology (a mesh control plane, a shared
      // platform component, a cluster): it is published as it is, and may be the expected cause.
      String svc = str(m, "service", path + ".service", false);
      if (svc != null && svc.isBlank()) {
        throw fail(path + ".service", "must not be empty");
      }
      boolean needsService = !kind.equals("permission") && !kind.equals("planned_activity");
      if (needsService && svc == null) {
        throw fail(path + ".service", "required for a " + kind + " change");
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (!k.equals("kind") && !k.equals("service")) {
          fields.put(k, e.getValue());
        }
      }
      switch (kind) {
        case "deploy", "rollback" -> {
          str(m, "version", path + ".version", true);
          if (m.containsKey("rollout")) {
            dur(m, "rollout", path + ".rollout", null);
          }
          if (m.containsKey("instances")) {
            // A rollout that halts part-way: only the first n instances take the version.
            double n = num(m, "instances", path + ".instances", 0, true);
            if (n < 1 || n != Math.rint(n)) {
              throw fail(path + ".instances", "must be a whole number >= 1, got " + n);
            }
          }
        }
        case "scale" -> {
          double r = num(m, "replicas", path + ".replicas", 0, true);
          if (r < 0 || r != Math.rint(r)) {
            throw fail(path + ".replicas", "must be a whole number >= 0, got " + r);
          }
        }
        case "manual_session" -> {
          String host = str(m, "host", path + ".host", false);
          if (host != null
              && svc != null
              && serviceNamed(svc) != null
              && !hostBelongs(host, serviceNamed(svc))) {
            throw fail(path + ".host", "'" + host + "' is not an instance of " + svc);
          }
        }
        case "planned_activity" -> {
          for (String k : List.of("start", "end")) {
            if (m.containsKey(k)) {
              fields.put(k, relOrAbs(m.get(k), path + "." + k, t0).toString());
            }
          }
        }
        default -> {}
      }
      return new Change(i, at, when, kind, svc, Collections.unmodifiableMap(fields));
    }

    private Instant relOrAbs(Object v, String path, Instant t0) {
      String s = String.valueOf(v);
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        try {
          return t0.plus(ScenarioDurations.parse(s));
        } catch (IllegalArgumentException e2) {
          throw fail(path, "expected an ISO instant or a duration relative to T0, got '" + s + "'");
        }
      }
    }

    private boolean hostBelongs(String host, Service s) {
      if (!host.startsWith(s.name() + "-")) {
        return false;
      }
      try {
        return Integer.parseInt(host.substring(s.name().length() + 1)) >= 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    private Fault parseFault(int i, Duration at, Map<?, ?> m, Instant t0, Instant end) {
      String path = "events[" + i + "].fault";
      String kind = str(m, "kind", path + ".kind", true);
      if (!FAULT_KINDS.contains(kind)) {
        throw fail(
            path + ".kind",
            "unknown fault kind '" + kind + "' (expected one of " + FAULT_KINDS + ")");
      }
      String svcName = str(m, "service", path + ".service", true);
      Service svc = serviceNamed(svcName);
      if (svc == null) {
        throw fail(
            path + ".service", "unknown service '" + svcName + "' (known: " + serviceNames() + ")");
      }
      String instance = str(m, "instance", path + ".instance", false);
      if (instance != null && !hostBelongs(instance, svc)) {
        throw fail(path + ".instance", "'" + instance + "' is not an instance of " + svcName);
      }
      String zone = str(m, "zone", path + ".zone", false);
      if (zone != null && !svc.zones().contains(zone)) {
        throw fail(
            path + ".zone",
            "service " + svcName + " has no zone '" + zone + "' (zones: " + svc.zones() + ")");
      }
      String cell = str(m, "cell", path + ".cell", false);
      if (cell != null && !svc.cells().contains(cell)) {
        throw fail(
            path + ".cell",
            "service " + svcName + " has no cell '" + cell + "' (cells: " + svc.cells() + ")");
      }
      String container = str(m, "container", path + ".container", false);
      if (container != null && !svc.containers().contains(container)) {
        throw fail(
            path + ".container",
            "service "
                + svcName
                + " has no container '"
                + container
                + "' (containers: "
                + svc.containers()
                + ")");
      }
      String op = str(m, "operation", path + ".operation", false);
      if (op != null && !svc.operations().contains(op)) {
        throw fail(path + ".operation", "service " + svcName + " has no operation '" + op + "'");
      }
      String version = str(m, "version", path + ".version", false);
      Map<String, String> where = new LinkedHashMap<>();
      if (m.get("where") != null) {
        Map<?, ?> w = map(m.get("where"), path + ".where", true);
        for (Map.Entry<?, ?> e : w.entrySet()) {
          where.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
      }
      String dep = str(m, "dependency", path + ".dependency", false);
      boolean needsDep = kind.equals("dependency_down") || kind.equals("throttling");
      if (needsDep && dep == null) {
        throw fail(path + ".dependency", "required for a " + kind + " fault");
      }
      if (dep != null) {
        boolean called = false;
        for (Call c : calls) {
          called |= c.from().equals(svcName) && c.to().equals(dep);
        }
        if (!called) {
          throw fail(
              path + ".dependency", svcName + " does not call '" + dep + "' (see topology.calls)");
        }
      }
      boolean needsValue =
          switch (kind) {
            case "error_rate",
                "latency",
                "latency_ramp",
                "cpu_saturation",
                "disk_fill",
                "throttling",
                "traffic" ->
                true;
            default -> false;
          };
      double value = num(m, "value", path + ".value", Double.NaN, needsValue);
      switch (kind) {
        case "error_rate", "cpu_saturation", "throttling" -> range(path + ".value", value, 0, 1);
        case "latency", "latency_ramp", "disk_fill", "traffic" ->
            range(path + ".value", value, 0, 1e6);
        default -> {}
      }
      Duration over = m.containsKey("over") ? dur(m, "over", path + ".over", null) : null;
      if ((kind.equals("latency_ramp") || kind.equals("memory_leak")) && over == null) {
        throw fail(path + ".over", "required for a " + kind + " fault");
      }
      if (over != null) {
        positive(path + ".over", over);
      }
      Duration period = m.containsKey("period") ? dur(m, "period", path + ".period", null) : null;
      if (kind.equals("restart_loop")) {
        if (period == null) {
          period = Duration.ofMinutes(2);
        }
        positive(path + ".period", period);
      }
      double rate = num(m, "rate", path + ".rate", 1.0, false);
      String message = str(m, "message", path + ".message", kind.equals("log_pattern"));
      Instant fStart = t0.plus(at);
      return new Fault(
          i,
          at,
          kind,
          svcName,
          instance,
          zone,
          cell,
          container,
          op,
          version,
          Collections.unmodifiableMap(where),
          message,
          value,
          over,
          period,
          dep,
          rate,
          fStart,
          end.isBefore(fStart) ? fStart : end);
    }

    private void parseExpect() {
      Map<?, ?> e = map(root.get("expect"), "expect", false);
      List<?> l = list(e.get("incidents"), "expect.incidents", false);
      for (int i = 0; i < l.size(); i++) {
        String path = "expect.incidents[" + i + "]";
        Map<?, ?> m = map(l.get(i), path, true);
        Map<?, ?> rc = map(m.get("root_cause"), path + ".root_cause", true);
        String entity = str(rc, "entity", path + ".root_cause.entity", true);
        String kind = str(rc, "kind", path + ".root_cause.kind", true);
        if (!ROOT_CAUSE_KINDS.contains(kind)) {
          throw fail(
              path + ".root_cause.kind",
              "unknown root cause kind '" + kind + "' (expected one of " + ROOT_CAUSE_KINDS + ")");
        }
        Map<String, Object> rcCopy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> x : rc.entrySet()) {
          rcCopy.put(String.valueOf(x.getKey()), x.getValue());
        }
        Duration within = dur(m, "open_within", path + ".open_within", Duration.ofMinutes(5));
        List<String> symptoms = strList(m.get("symptoms"), path + ".symptoms");
        for (int k = 0; k < symptoms.size(); k++) {
          if (serviceNamed(symptoms.get(k)) == null && depNamed(symptoms.get(k)) == null) {
            throw fail(path + ".symptoms[" + k + "]", "unknown service '" + symptoms.get(k) + "'");
          }
        }
        String impact = str(m, "impact_attribute", path + ".impact_attribute", false);
        Object res = m.get("resolves");
        incidents.add(
            new ExpectedIncident(
                Collections.unmodifiableMap(rcCopy),
                entity,
                kind,
                within,
                List.copyOf(symptoms),
                impact,
                res == null || Boolean.TRUE.equals(res)));
      }
      maxFalseIncidents =
          (int) num(e, "max_false_incidents", "expect.max_false_incidents", 0, false);
    }

    // ---- typed access ----

    @Nullable
    private Service serviceNamed(String n) {
      for (Service s : services) {
        if (s.name().equals(n)) {
          return s;
        }
      }
      return null;
    }

    @Nullable
    private Dependency depNamed(String n) {
      for (Dependency d : dependencies) {
        if (d.name().equals(n)) {
          return d;
        }
      }
      return null;
    }

    private List<String> serviceNames() {
      List<String> n = new ArrayList<>();
      for (Service s : services) {
        n.add(s.name());
      }
      return n;
    }

    private static String orElse(@Nullable String v, String dflt) {
      return v == null ? dflt : v;
    }

    private Map<?, ?> map(@Nullable Object o, String path, boolean required) {
      if (o == null) {
        if (required) {
          throw fail(path, "required");
        }
        return Map.of();
      }
      if (!(o instanceof Map<?, ?> m)) {
        throw fail(path, "expected a mapping, got '" + o + "'");
      }
      return m;
    }

    private List<?> list(@Nullable Object o, String path, boolean required) {
      if (o == null) {
        if (required) {
          throw fail(path, "required");
        }
        return List.of();
      }
      if (!(o instanceof List<?> l)) {
        throw fail(path, "expected a list, got '" + o + "'");
      }
      return l;
    }

    @Nullable
    private String str(Map<?, ?> m, String key, String path, boolean required) {
      Object o = m.get(key);
      if (o == null) {
        if (required) {
          throw fail(path, "required");
        }
        return null;
      }
      if (o instanceof Map || o instanceof List) {
        throw fail(path, "expected a scalar, got '" + o + "'");
      }
      String s = String.valueOf(o);
      if (required && s.isBlank()) {
        throw fail(path, "must not be empty");
      }
      return s;
    }

    private double num(Map<?, ?> m, String key, String path, double dflt, boolean required) {
      Object o = m.get(key);
      if (o == null) {
        if (required) {
          throw fail(path, "required");
        }
        return dflt;
      }
      if (o instanceof Number n) {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw fail(path, "must be finite");
        }
        return d;
      }
      try {
        return Double.parseDouble(String.valueOf(o));
      } catch (NumberFormatException e) {
        throw fail(path, "expected a number, got '" + o + "'");
      }
    }

    private Duration dur(Map<?, ?> m, String key, String path, @Nullable Duration dflt) {
      Object o = m.get(key);
      if (o == null) {
        if (dflt == null) {
          throw fail(path, "required");
        }
        return dflt;
      }
      if (o instanceof Number n && n.doubleValue() == 0) {
        return Duration.ZERO;
      }
      try {
        return ScenarioDurations.parse(String.valueOf(o));
      } catch (IllegalArgumentException e) {
        throw fail(path, e.getMessage());
      }
    }

    private List<String> strList(@Nullable Object o, String path) {
      List<?> l = list(o, path, false);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        Object v = l.get(i);
        if (v == null || v instanceof Map || v instanceof List) {
          throw fail(path + "[" + i + "]", "expected a string, got '" + v + "'");
        }
        out.add(String.valueOf(v));
      }
      return out;
    }

    private List<String> strOrList(@Nullable Object o, String path) {
      if (o == null) {
        return List.of();
      }
      if (o instanceof List) {
        return strList(o, path);
      }
      return List.of(String.valueOf(o));
    }
  }
}
