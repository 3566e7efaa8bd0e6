package io.signalfold.loadtest.worlds;

import io.signalfold.loadtest.generator.ScenarioDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import javax.annotation.Nullable;

/**
 * A world while it is drawn: the topology, the scenario events and expectations being written (as
 * the maps of a scenario file, see FORMAT.md), and what the fault injectors need to know of it
 * (callers, versions, which entities a fault already uses). Not thread-safe; one per seed.
 */
final class WorldDraft {

  /** A service of the world. {@code version} is its current version as events are written. */
  static final class Svc {
    final String name;
    final int layer;
    final int instances;
    final List<String> operations;
    final String initialVersion;
    final double rps; // NaN: no traffic of its own
    final double latencyMs;
    String version;

    Svc(
        String name,
        int layer,
        int instances,
        List<String> operations,
        String version,
        double rps,
        double latencyMs) {
      this.name = name;
      this.layer = layer;
      this.instances = instances;
      this.operations = List.copyOf(operations);
      this.initialVersion = version;
      this.version = version;
      this.rps = rps;
      this.latencyMs = latencyMs;
    }

    boolean edge() {
      return !Double.isNaN(rps);
    }
  }

  /** A dependency without telemetry of its own (database, cache, queue, external API). */
  record Dep(String name, String kind) {}

  /** caller -> callee (a service or a dependency). */
  record Call(String from, String to, double ratio) {}

  /** One expected incident and the catalogue kind that injected it. */
  record Expectation(FaultKind kind, Map<String, Object> document) {}

  final long seed;
  final SplittableRandom rng;
  final List<Svc> services = new ArrayList<>();
  final List<Dep> deps = new ArrayList<>();
  final List<Call> calls = new ArrayList<>();
  final List<String> zones = new ArrayList<>();
  final List<String> cells = new ArrayList<>();
  final List<String> containers = new ArrayList<>();
  final List<Map<String, Object>> events = new ArrayList<>();
  final List<Expectation> expectations = new ArrayList<>();
  private final Set<String> busy = new HashSet<>();
  private boolean everythingBusy;
  private int commits;

  WorldDraft(long seed) {
    this.seed = seed;
    // Mixed so that neighbouring seeds do not start from neighbouring states.
    this.rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ 0x51F0_1DBE_7C1AL);
  }

  // ---------------------------------------------------------------- draws

  int between(int lo, int hi) {
    return lo + rng.nextInt(hi - lo + 1);
  }

  double uniform(double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  boolean chance(double p) {
    return rng.nextDouble() < p;
  }

  <T> T pick(List<T> from) {
    return from.get(rng.nextInt(from.size()));
  }

  /** A value rounded to two decimals, as a person writing the file would. */
  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  String commit() {
    commits++;
    return String.format(Locale.ROOT, "%07x", (seed * 31 + commits * 0x2F1A3L) & 0xFFFFFFFL);
  }

  // ---------------------------------------------------------------- topology queries

  Svc svc(String name) {
    for (Svc s : services) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no service " + name);
  }

  List<String> callersOf(String target) {
    List<String> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.to().equals(target)) {
        out.add(c.from());
      }
    }
    return out;
  }

  List<String> calleesOf(String service) {
    List<String> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.from().equals(service)) {
        out.add(c.to());
      }
    }
    return out;
  }

  @Nullable
  Dep dep(String name) {
    for (Dep d : deps) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** Free services (no fault uses them yet) that pass {@code filter}. */
  List<Svc> freeServices(Predicate<Svc> filter) {
    List<Svc> out = new ArrayList<>();
    if (everythingBusy) {
      return out;
    }
    for (Svc s : services) {
      if (!busy.contains(s.name) && filter.test(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** A free service passing {@code filter}, now used by the fault; null when there is none. */
  @Nullable
  Svc claim(Predicate<Svc> filter) {
    List<Svc> free = freeServices(filter);
    if (free.isEmpty()) {
      return null;
    }
    Svc s = pick(free);
    occupy(s.name);
    return s;
  }

  /** Free dependencies of the given kinds (any kind when empty). */
  List<Dep> freeDeps(Set<String> kinds) {
    List<Dep> out = new ArrayList<>();
    if (everythingBusy) {
      return out;
    }
    for (Dep d : deps) {
      if (!busy.contains(d.name()) && (kinds.isEmpty() || kinds.contains(d.kind()))) {
        out.add(d);
      }
    }
    return out;
  }

  /** Services no fault or decoy uses, for routine changes (zone and cell faults aside). */
  List<Svc> untouchedServices() {
    List<Svc> out = new ArrayList<>();
    for (Svc s : services) {
      if (!busy.contains(s.name)) {
        out.add(s);
      }
    }
    return out;
  }

  boolean nothingBusy() {
    return busy.isEmpty() && !everythingBusy;
  }

  void occupy(String... entities) {
    busy.addAll(List.of(entities));
  }

  void occupyEverything() {
    everythingBusy = true;
  }

  // ---------------------------------------------------------------- events

  void change(Duration at, String kind, @Nullable String service, Object... fields) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("kind", kind);
    if (service != null) {
      c.put("service", service);
    }
    put(c, fields);
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("at", ScenarioDurations.format(at));
    e.put("change", c);
    events.add(e);
  }

  /** A deploy of {@code s} to its next version; returns that version. */
  String deploy(Duration at, Svc s, Duration rollout, Object... more) {
    String next = nextVersion(s.version);
    Object[] fields = new Object[6 + more.length];
    fields[0] = "version";
    fields[1] = next;
    fields[2] = "rollout";
    fields[3] = rollout;
    fields[4] = "commit";
    fields[5] = commit();
    System.arraycopy(more, 0, fields, 6, more.length);
    change(at, "deploy", s.name, fields);
    s.version = next;
    return next;
  }

  /** A rollback of {@code s} to {@code version}. */
  void rollback(Duration at, Svc s, String version) {
    change(at, "rollback", s.name, "version", version, "rollout", "3m");
    s.version = version;
  }

  /** A fault; returns its events index (for a targeted clear). */
  int fault(Duration at, String kind, String service, Object... fields) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("kind", kind);
    f.put("service", service);
    put(f, fields);
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("at", ScenarioDurations.format(at));
    e.put("fault", f);
    events.add(e);
    return events.size() - 1;
  }

  void clear(Duration at, int faultIndex) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("at", ScenarioDurations.format(at));
    e.put("clear", faultIndex);
    events.add(e);
  }

  void clearAll(Duration at, List<Integer> faultIndexes) {
    for (int i : faultIndexes) {
      clear(at, i);
    }
  }

  /** Expects an incident of {@code kind}; {@code version} may be null. */
  void expect(
      FaultKind kind,
      String entity,
      String rootKind,
      @Nullable String version,
      Duration openWithin,
      List<String> symptoms,
      boolean resolves) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("entity", entity);
    root.put("kind", rootKind);
    if (version != null) {
      root.put("version", version);
    }
    Map<String, Object> inc = new LinkedHashMap<>();
    inc.put("root_cause", root);
    inc.put("open_within", ScenarioDurations.format(openWithin));
    inc.put("symptoms", List.copyOf(symptoms));
    inc.put("resolves", resolves);
    expectations.add(new Expectation(kind, inc));
  }

  /** Field pairs into a map; durations in the scenario spelling ({@code 1h30m}). */
  private static void put(Map<String, Object> into, Object... fields) {
    for (int i = 0; i + 1 < fields.length; i += 2) {
      Object v = fields[i + 1];
      into.put((String) fields[i], v instanceof Duration d ? ScenarioDurations.format(d) : v);
    }
  }

  static String nextVersion(String v) {
    String[] p = v.split("\\.");
    int patch = Integer.parseInt(p[2]) + 1;
    return p[0] + "." + p[1] + "." + patch;
  }
}
