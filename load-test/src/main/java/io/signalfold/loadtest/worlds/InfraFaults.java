package io.signalfold.loadtest.worlds;

import static io.signalfold.loadtest.worlds.ChangeFaults.SUDDEN;

import io.signalfold.loadtest.worlds.WorldDraft.Dep;
import io.signalfold.loadtest.worlds.WorldDraft.Svc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/** Injectors of faults without a change behind them (see {@link FaultKind}). */
final class InfraFaults {

  private InfraFaults() {}

  /** A free dependency of the given kinds whose callers are all free too. */
  @Nullable
  private static Dep dependencyWithFreeCallers(WorldDraft d, Set<String> kinds) {
    List<Dep> candidates = new ArrayList<>();
    for (Dep dep : d.freeDeps(kinds)) {
      boolean callersFree = true;
      for (String c : d.callersOf(dep.name())) {
        callersFree &= !d.freeServices(s -> s.name.equals(c)).isEmpty();
      }
      if (callersFree) {
        candidates.add(dep);
      }
    }
    return candidates.isEmpty() ? null : d.pick(candidates);
  }

  /** One fault per caller of {@code dep}, cleared together; the dependency is the cause. */
  @Nullable
  private static Duration onEveryCaller(
      WorldDraft d, Duration at, FaultKind kind, Set<String> depKinds, Object... fault) {
    Dep dep = dependencyWithFreeCallers(d, depKinds);
    if (dep == null) {
      return null;
    }
    List<String> callers = d.callersOf(dep.name());
    d.occupy(dep.name());
    d.occupy(callers.toArray(new String[0]));
    String faultKind = (String) fault[0];
    Object[] fields = new Object[fault.length + 1];
    fields[0] = "dependency";
    fields[1] = dep.name();
    System.arraycopy(fault, 1, fields, 2, fault.length - 1);
    List<Integer> faults = new ArrayList<>();
    for (String c : callers) {
      faults.add(d.fault(at, faultKind, c, fields));
    }
    Duration end = at.plusMinutes(d.between(30, 45));
    d.clearAll(end, faults);
    d.expect(kind, dep.name(), "dependency", null, SUDDEN, callers, true);
    return end;
  }

  static Duration dependencyThrottling(WorldDraft d, Duration at) {
    return onEveryCaller(
        d,
        at,
        FaultKind.DEPENDENCY_THROTTLING,
        Set.of("dynamodb"),
        "throttling",
        "value",
        WorldDraft.round2(d.uniform(0.2, 0.5)),
        "message",
        "ProvisionedThroughputExceededException: The level of configured provisioned throughput"
            + " for the table was exceeded");
  }

  static Duration dependencySlow(WorldDraft d, Duration at) {
    return onEveryCaller(
        d,
        at,
        FaultKind.DEPENDENCY_SLOW,
        Set.of("postgresql", "mysql", "dynamodb", "http"),
        "latency",
        "value",
        WorldDraft.round2(d.uniform(5, 12)));
  }

  static Duration dependencyDown(WorldDraft d, Duration at) {
    return onEveryCaller(
        d,
        at,
        FaultKind.DEPENDENCY_DOWN,
        Set.of("redis", "kafka"),
        "dependency_down",
        "message",
        "java.net.ConnectException: Connection refused");
  }

  static Duration certificateExpiry(WorldDraft d, Duration at) {
    return onEveryCaller(
        d,
        at,
        FaultKind.CERTIFICATE_EXPIRY,
        Set.of("http"),
        "dependency_down",
        "message",
        "javax.net.ssl.SSLHandshakeException: PKIX path validation failed: certificate expired");
  }

  @Nullable
  static Duration badHost(WorldDraft d, Duration at) {
    Svc s = d.claim(x -> x.instances >= 4);
    if (s == null) {
      return null;
    }
    String host = s.name + "-" + d.rng.nextInt(s.instances);
    int f =
        d.fault(
            at,
            "restart_loop",
            s.name,
            "instance",
            host,
            "period",
            "2m",
            "message",
            "Application run failed: java.io.IOException: Input/output error");
    Duration end = at.plusMinutes(d.between(30, 45));
    d.clear(end, f);
    d.expect(FaultKind.BAD_HOST, host, "instance", null, Duration.ofMinutes(3), List.of(), true);
    return end;
  }

  @Nullable
  static Duration noisyNeighbour(WorldDraft d, Duration at) {
    Svc s = d.claim(x -> x.instances >= 3);
    if (s == null) {
      return null;
    }
    String host = s.name + "-" + d.rng.nextInt(s.instances);
    int f =
        d.fault(
            at,
            "cpu_saturation",
            s.name,
            "instance",
            host,
            "value",
            WorldDraft.round2(d.uniform(0.95, 0.99)));
    Duration end = at.plusMinutes(d.between(30, 45));
    d.clear(end, f);
    d.expect(
        FaultKind.NOISY_NEIGHBOUR, host, "instance", null, Duration.ofMinutes(3), List.of(), true);
    return end;
  }

  @Nullable
  static Duration zoneGray(WorldDraft d, Duration at) {
    if (d.zones.size() < 2 || !d.nothingBusy()) {
      return null;
    }
    int z = d.rng.nextInt(d.zones.size());
    return everywhereIn(d, at, FaultKind.ZONE_GRAY, "zone", d.zones.get(z), z, d.zones.size());
  }

  @Nullable
  static Duration cellOutage(WorldDraft d, Duration at) {
    if (d.cells.size() < 2 || !d.nothingBusy()) {
      return null;
    }
    int c = d.rng.nextInt(d.cells.size());
    return everywhereIn(d, at, FaultKind.CELL_OUTAGE, "cell", d.cells.get(c), c, d.cells.size());
  }

  /** The same error fault on every instance of one zone or cell, in every service. */
  private static Duration everywhereIn(
      WorldDraft d, Duration at, FaultKind kind, String field, String value, int index, int of) {
    d.occupyEverything();
    double rate = WorldDraft.round2(d.uniform(0.3, 1.0));
    String message =
        field.equals("zone")
            ? "upstream connect error or disconnect/reset before headers"
            : "session store unavailable for " + value;
    List<Integer> faults = new ArrayList<>();
    List<String> edges = new ArrayList<>();
    for (Svc s : d.services) {
      if (s.instances > index) { // instances are placed round-robin over the zones or cells
        faults.add(
            d.fault(at, "error_rate", s.name, field, value, "value", rate, "message", message));
        if (s.edge()) {
          edges.add(s.name);
        }
      }
    }
    Duration end = at.plusMinutes(d.between(30, 45));
    d.clearAll(end, faults);
    d.expect(kind, value, field, null, SUDDEN, edges, true);
    return end;
  }

  @Nullable
  static Duration sidecarOom(WorldDraft d, Duration at) {
    if (d.containers.size() < 2) {
      return null;
    }
    List<Svc> free = d.freeServices(s -> true);
    if (free.size() < 3) {
      return null;
    }
    String sidecar = d.containers.get(1);
    int n = Math.min(free.size(), d.between(3, 6));
    Duration over = Duration.ofMinutes(d.between(40, 80));
    List<Integer> faults = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Svc s = free.remove(d.rng.nextInt(free.size()));
      d.occupy(s.name);
      faults.add(d.fault(at, "memory_leak", s.name, "container", sidecar, "over", over));
    }
    Duration end = at.plus(over).plusMinutes(d.between(30, 45));
    d.clearAll(end, faults);
    d.expect(
        FaultKind.SIDECAR_OOM, sidecar, "container", null, over.plusMinutes(15), List.of(), true);
    return end;
  }

  /** The disk reaches 97% 40-60 minutes after the fault starts. */
  @Nullable
  static Duration diskFill(WorldDraft d, Duration at) {
    Svc s = d.claim(x -> x.instances >= 1);
    if (s == null) {
      return null;
    }
    double minutesToFull = d.between(40, 60);
    double perDay = WorldDraft.round2(0.62 / (minutesToFull / 1440.0));
    int f =
        d.fault(
            at,
            "disk_fill",
            s.name,
            "value",
            perDay,
            "message",
            "java.io.IOException: No space left on device");
    Duration end = at.plusMinutes(d.between(80, 100));
    d.clear(end, f);
    d.expect(
        FaultKind.DISK_FILL, s.name, "resource", null, Duration.ofMinutes(75), List.of(), true);
    return end;
  }

  @Nullable
  static Duration trafficSurge(WorldDraft d, Duration at) {
    return surge(d, at, FaultKind.TRAFFIC_SURGE);
  }

  @Nullable
  static Duration plannedLoadTest(WorldDraft d, Duration at) {
    return surge(d, at, FaultKind.PLANNED_LOAD_TEST);
  }

  /**
   * Traffic on an edge service multiplied, one of its callees saturated. A legitimate surge comes
   * with a healthy deploy of the saturated service shortly before (half the time), the decoy that
   * "the new version is running" must not win on; a load test is announced as planned.
   */
  @Nullable
  private static Duration surge(WorldDraft d, Duration at, FaultKind kind) {
    List<Svc> edges = d.freeServices(Svc::edge);
    if (edges.isEmpty()) {
      return null;
    }
    Svc edge = d.pick(edges);
    List<Svc> callees = new ArrayList<>();
    for (String c : d.calleesOf(edge.name)) {
      if (d.dep(c) == null && !d.freeServices(s -> s.name.equals(c)).isEmpty()) {
        callees.add(d.svc(c));
      }
    }
    Svc hot = callees.isEmpty() ? edge : d.pick(callees);
    d.occupy(edge.name, hot.name);
    Duration end = at.plusMinutes(d.between(40, 60));
    boolean planned = kind == FaultKind.PLANNED_LOAD_TEST;
    if (planned) {
      d.change(
          at,
          "planned_activity",
          edge.name,
          "start",
          at,
          "end",
          end,
          "actor",
          "perf-team",
          "description",
          "load test at 3x peak");
    } else if (d.chance(0.5)) {
      d.deploy(at.minusMinutes(d.between(3, 8)), hot, Duration.ofMinutes(3));
    } else {
      ChangeFaults.decoyDeploy(d, at, edge);
    }
    List<Integer> faults = new ArrayList<>();
    faults.add(d.fault(at, "traffic", edge.name, "value", WorldDraft.round2(d.uniform(3, 5))));
    faults.add(
        d.fault(
            at.plusMinutes(1),
            "cpu_saturation",
            hot.name,
            "value",
            WorldDraft.round2(d.uniform(0.93, 0.98))));
    d.clearAll(end, faults);
    List<String> symptoms = hot == edge ? List.of() : List.of(hot.name);
    d.expect(
        kind,
        edge.name,
        planned ? "planned_activity" : "traffic",
        null,
        Duration.ofMinutes(3),
        symptoms,
        true);
    return end;
  }
}
