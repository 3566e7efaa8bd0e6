package io.signalfold.loadtest.worlds;

import io.signalfold.loadtest.worlds.WorldDraft.Svc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/** Injectors of the faults a change causes (see {@link FaultKind}). */
final class ChangeFaults {

  static final Duration SUDDEN = Duration.ofMinutes(2);

  private static final List<String> ERROR_MESSAGES =
      List.of(
          "cannot deserialize cache record: unknown field 'cachedAt'",
          "java.lang.NullPointerException: Cannot invoke \"Order.getItems()\" because \"order\" is null",
          "invalid request: schema validation failed for field 'currency'",
          "java.lang.IllegalStateException: missing required header x-tenant-id",
          "SQL error: column \"discount_code\" does not exist");

  private ChangeFaults() {}

  /**
   * A free service a deploy can break, with callers when possible so the errors travel; the fault
   * now uses it.
   */
  @Nullable
  static Svc claimDeployable(WorldDraft d, int minInstances) {
    List<Svc> free = d.freeServices(s -> s.instances >= minInstances);
    if (free.isEmpty()) {
      return null;
    }
    List<Svc> called = new ArrayList<>();
    for (Svc s : free) {
      if (!d.callersOf(s.name).isEmpty()) {
        called.add(s);
      }
    }
    Svc s = d.pick(called.isEmpty() || d.chance(0.2) ? free : called);
    d.occupy(s.name);
    return s;
  }

  /** A healthy deploy of another free service a few minutes before {@code at} (a decoy). */
  static void decoyDeploy(WorldDraft d, Duration at, Svc notThis) {
    if (!d.chance(0.5)) {
      return;
    }
    List<Svc> others = d.freeServices(s -> s != notThis);
    if (!others.isEmpty()) {
      Svc decoy = d.pick(others);
      d.occupy(decoy.name);
      d.deploy(at.minusMinutes(d.between(3, 12)), decoy, Duration.ofMinutes(d.between(2, 6)));
    }
  }

  /** Errors, with one of a bad build's messages, on the instances running {@code version}. */
  private static int versionErrors(
      WorldDraft d, Duration at, Svc s, String version, double lo, double hi) {
    return d.fault(
        at,
        "error_rate",
        s.name,
        "version",
        version,
        "value",
        WorldDraft.round2(d.uniform(lo, hi)),
        "message",
        d.pick(ERROR_MESSAGES));
  }

  /** The rollback to {@code old} a minute before the fault it ends is cleared. */
  private static void rollbackAndClear(WorldDraft d, Duration end, Svc s, String old, int fault) {
    d.rollback(end.minusMinutes(1), s, old);
    d.clear(end, fault);
  }

  static Duration badDeployErrors(WorldDraft d, Duration at) {
    return badDeploy(d, at, FaultKind.BAD_DEPLOY_ERRORS, false);
  }

  static Duration badDeployLatency(WorldDraft d, Duration at) {
    return badDeploy(d, at, FaultKind.BAD_DEPLOY_LATENCY, true);
  }

  @Nullable
  private static Duration badDeploy(WorldDraft d, Duration at, FaultKind kind, boolean slow) {
    Svc s = claimDeployable(d, 2);
    if (s == null) {
      return null;
    }
    decoyDeploy(d, at, s);
    String old = s.version;
    Duration deployAt = at.minusMinutes(1);
    String next = d.deploy(deployAt, s, Duration.ofMinutes(d.between(2, 6)));
    int f =
        slow
            ? d.fault(
                at,
                "latency",
                s.name,
                "version",
                next,
                "value",
                WorldDraft.round2(d.uniform(4, 10)))
            : versionErrors(d, at, s, next, 0.2, 0.8);
    Duration end = at.plusMinutes(d.between(30, 50));
    rollbackAndClear(d, end, s, old, f);
    d.expect(kind, s.name, "deployment", next, SUDDEN, d.callersOf(s.name), true);
    return end;
  }

  @Nullable
  static Duration canaryHalt(WorldDraft d, Duration at) {
    Svc s = claimDeployable(d, 4);
    if (s == null) {
      return null;
    }
    decoyDeploy(d, at, s);
    String old = s.version;
    String next = d.deploy(at.minusMinutes(1), s, Duration.ofMinutes(1), "instances", 1);
    int f = versionErrors(d, at, s, next, 0.5, 1.0);
    Duration end = at.plusMinutes(d.between(30, 50));
    rollbackAndClear(d, end, s, old, f);
    d.expect(FaultKind.CANARY_HALT, s.name, "deployment", next, SUDDEN, List.of(), true);
    return end;
  }

  /**
   * The leak starts with a deploy 2-20 hours before T0 and first runs out 20-40 min after {@code
   * at}.
   */
  @Nullable
  static Duration deployLeak(WorldDraft d, Duration at) {
    Svc s = claimDeployable(d, 2);
    if (s == null) {
      return null;
    }
    String old = s.version;
    Duration deployAt = Duration.ofHours(-d.between(2, 20));
    String next = d.deploy(deployAt, s, Duration.ofMinutes(d.between(3, 8)));
    Duration leakAt = deployAt.plusMinutes(10);
    Duration over = at.minus(leakAt).plusMinutes(d.between(20, 40));
    int f = d.fault(leakAt, "memory_leak", s.name, "version", next, "over", over);
    Duration end = at.plusMinutes(d.between(60, 80));
    d.rollback(end.minusMinutes(2), s, old);
    d.clear(end, f);
    d.expect(
        FaultKind.DEPLOY_LEAK, s.name, "deployment", next, over.plusMinutes(15), List.of(), true);
    return end;
  }

  @Nullable
  static Duration healthCheckChurn(WorldDraft d, Duration at) {
    Svc s = claimDeployable(d, 3);
    if (s == null) {
      return null;
    }
    String old = s.version;
    String next = d.deploy(at.minusMinutes(1), s, Duration.ofMinutes(d.between(3, 6)));
    int f =
        d.fault(
            at,
            "restart_loop",
            s.name,
            "version",
            next,
            "period",
            d.between(2, 4) + "m",
            "message",
            "health check /ping failed: unexpected token in expression; instance marked unhealthy");
    Duration end = at.plusMinutes(d.between(30, 45));
    rollbackAndClear(d, end, s, old, f);
    d.expect(FaultKind.HEALTH_CHECK_CHURN, s.name, "deployment", next, SUDDEN, List.of(), true);
    return end;
  }

  @Nullable
  static Duration configRegression(WorldDraft d, Duration at) {
    Svc s = claimDeployable(d, 2);
    if (s == null) {
      return null;
    }
    decoyDeploy(d, at, s);
    d.change(
        at.minusMinutes(1), "config", s.name, "key", "db.pool.max_size", "old", "50", "new", "4");
    int slow = d.fault(at, "latency", s.name, "value", WorldDraft.round2(d.uniform(4, 8)));
    int logs =
        d.fault(
            at,
            "log_pattern",
            s.name,
            "message",
            "timeout acquiring connection from pool after 5000 ms",
            "rate",
            d.between(2, 6));
    Duration end = at.plusMinutes(d.between(30, 45));
    d.change(
        end.minusMinutes(1), "config", s.name, "key", "db.pool.max_size", "old", "4", "new", "50");
    d.clearAll(end, List.of(slow, logs));
    d.expect(FaultKind.CONFIG_REGRESSION, s.name, "config", null, SUDDEN, List.of(), true);
    return end;
  }

  @Nullable
  static Duration flagFlip(WorldDraft d, Duration at) {
    Svc s = d.claim(x -> x.operations.size() >= 2);
    if (s == null) {
      return null;
    }
    String op = s.operations.get(1 + d.rng.nextInt(s.operations.size() - 1));
    String flag = "new-" + s.name + "-flow";
    d.change(
        at.minusMinutes(1),
        "feature_flag",
        s.name,
        "key",
        flag,
        "old",
        "off",
        "new",
        "on",
        "operation",
        op);
    int f =
        d.fault(
            at,
            "error_rate",
            s.name,
            "operation",
            op,
            "value",
            WorldDraft.round2(d.uniform(0.5, 1.0)),
            "message",
            d.pick(ERROR_MESSAGES));
    Duration end = at.plusMinutes(d.between(30, 45));
    d.change(
        end.minusMinutes(1),
        "feature_flag",
        s.name,
        "key",
        flag,
        "old",
        "on",
        "new",
        "off",
        "operation",
        op);
    d.clear(end, f);
    d.expect(FaultKind.FLAG_FLIP, s.name, "config", null, SUDDEN, List.of(), true);
    return end;
  }

  @Nullable
  static Duration permissionDenied(WorldDraft d, Duration at) {
    List<WorldDraft.Dep> free = d.freeDeps(Set.of("dynamodb", "postgresql", "mysql"));
    if (free.isEmpty()) {
      return null;
    }
    WorldDraft.Dep table = d.pick(free);
    List<String> callers = d.callersOf(table.name());
    for (String c : callers) {
      if (d.freeServices(s -> s.name.equals(c)).isEmpty()) {
        return null;
      }
    }
    d.occupy(table.name());
    d.occupy(callers.toArray(new String[0]));
    d.change(
        at.minusMinutes(1),
        "permission",
        null,
        "resource",
        table.name(),
        "effect",
        "deny",
        "actor",
        "iam-cleanup",
        "source",
        "terraform");
    List<Integer> faults = new ArrayList<>();
    for (String c : callers) {
      faults.add(
          d.fault(
              at,
              "dependency_down",
              c,
              "dependency",
              table.name(),
              "message",
              "AccessDeniedException: User is not authorized to perform this action on resource: "
                  + table.name()));
    }
    Duration end = at.plusMinutes(d.between(30, 45));
    d.change(
        end.minusMinutes(1),
        "permission",
        null,
        "resource",
        table.name(),
        "effect",
        "allow",
        "actor",
        "oncall",
        "source",
        "terraform");
    d.clearAll(end, faults);
    d.expect(FaultKind.PERMISSION_DENIED, table.name(), "permission", null, SUDDEN, callers, true);
    return end;
  }

  @Nullable
  static Duration scaleToZero(WorldDraft d, Duration at) {
    List<Svc> free = d.freeServices(s -> !s.edge() && !d.callersOf(s.name).isEmpty());
    if (free.isEmpty()) {
      return null;
    }
    Svc s = d.pick(free);
    List<String> callers = d.callersOf(s.name);
    for (String c : callers) {
      if (d.freeServices(x -> x.name.equals(c)).isEmpty()) {
        return null;
      }
    }
    d.occupy(s.name);
    d.occupy(callers.toArray(new String[0]));
    d.change(at, "scale", s.name, "replicas", 0, "actor", "autoscaler", "source", "kubernetes");
    List<Integer> faults = new ArrayList<>();
    faults.add(d.fault(at, "traffic", s.name, "value", 0));
    for (String c : callers) {
      faults.add(
          d.fault(
              at,
              "dependency_down",
              c,
              "dependency",
              s.name,
              "message",
              "connect ECONNREFUSED " + s.name + ":8080"));
    }
    Duration end = at.plusMinutes(d.between(30, 45));
    d.change(
        end, "scale", s.name, "replicas", s.instances, "actor", "oncall", "source", "kubernetes");
    d.clearAll(end, faults);
    d.expect(FaultKind.SCALE_TO_ZERO, s.name, "scale", null, SUDDEN, callers, true);
    return end;
  }

  @Nullable
  static Duration manualSession(WorldDraft d, Duration at) {
    Svc s = d.claim(x -> x.instances >= 3);
    if (s == null) {
      return null;
    }
    String host = s.name + "-" + d.rng.nextInt(s.instances);
    d.change(
        at.minusMinutes(d.between(1, 4)),
        "manual_session",
        s.name,
        "actor",
        "alice",
        "host",
        host,
        "description",
        "ssh debug session");
    int f =
        d.fault(
            at,
            "error_rate",
            s.name,
            "instance",
            host,
            "value",
            1.0,
            "message",
            "SQLITE_ERROR: no such table: local_cache");
    Duration end = at.plusMinutes(d.between(30, 45));
    d.clear(end, f);
    d.expect(FaultKind.MANUAL_SESSION, host, "manual_session", null, SUDDEN, List.of(), true);
    return end;
  }

  /** Three waves, each after a deploy of its own service, cleared by its rollback. */
  @Nullable
  static Duration recurringWaves(WorldDraft d, Duration at) {
    List<Svc> free = d.freeServices(s -> s.instances >= 2);
    if (free.size() < 3) {
      return null;
    }
    Duration waveAt = at;
    Duration end = at;
    for (int w = 0; w < 3; w++) {
      Svc s = free.remove(d.rng.nextInt(free.size()));
      d.occupy(s.name);
      String old = s.version;
      String next = d.deploy(waveAt.minusMinutes(1), s, Duration.ofMinutes(2));
      int f = versionErrors(d, waveAt, s, next, 0.3, 0.8);
      end = waveAt.plusMinutes(d.between(15, 20));
      rollbackAndClear(d, end, s, old, f);
      d.expect(FaultKind.RECURRING_WAVES, s.name, "deployment", next, SUDDEN, List.of(), true);
      waveAt = end.plusMinutes(d.between(12, 20));
    }
    return end;
  }

  /** Latency ramping up since a deploy 3-8 hours before T0, toward 5x over 12 hours. */
  @Nullable
  static Duration latencyRamp(WorldDraft d, Duration at) {
    Svc s = claimDeployable(d, 2);
    if (s == null) {
      return null;
    }
    String old = s.version;
    Duration deployAt = Duration.ofHours(-d.between(3, 8));
    String next = d.deploy(deployAt, s, Duration.ofMinutes(d.between(3, 8)));
    int f =
        d.fault(
            deployAt.plusMinutes(10),
            "latency_ramp",
            s.name,
            "version",
            next,
            "value",
            5,
            "over",
            "12h");
    Duration end = at.plusMinutes(d.between(60, 80));
    d.rollback(end.minusMinutes(2), s, old);
    d.clear(end, f);
    d.expect(
        FaultKind.LATENCY_RAMP, s.name, "deployment", next, Duration.ofHours(12), List.of(), true);
    return end;
  }
}
