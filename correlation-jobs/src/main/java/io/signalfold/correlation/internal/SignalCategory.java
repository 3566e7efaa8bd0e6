package io.signalfold.correlation.internal;

import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * What a signal measures, as far as root-cause ranking cares. Derived from the OpenTelemetry
 * semantic-convention metric names the pipeline uses (http.server.request.duration,
 * process.cpu.utilization, jvm.memory.used, system.filesystem.utilization,
 * k8s.container.restart.count, jvm.gc.duration...) and from the anomaly kind; configurable with
 * {@code correlation.signals.category.<name-fragment>=<CATEGORY>}.
 */
public enum SignalCategory {
  ERRORS("errors"),
  LATENCY("latency"),
  TRAFFIC("traffic"),
  CPU("CPU"),
  MEMORY("memory"),
  GC("GC time"),
  DISK("disk"),
  RESTARTS("restarts"),
  SATURATION("saturation"),
  LOG("log pattern"),
  MISSING("missing data"),
  SLO("SLO burn"),
  EXTERNAL("external alert"),
  TOPOLOGY("new dependency"),
  BUSINESS("business metric"),
  OTHER("anomaly");

  private final String label;

  SignalCategory(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  private static final SignalCategory[] VALUES = values();

  public static SignalCategory of(int ordinal) {
    return ordinal >= 0 && ordinal < VALUES.length ? VALUES[ordinal] : OTHER;
  }

  /** Saturation of a resource of the entity itself (not something a caller inherits). */
  public boolean isResource() {
    return this == CPU
        || this == MEMORY
        || this == GC
        || this == DISK
        || this == RESTARTS
        || this == SATURATION;
  }

  /**
   * A signal of the entity's own, which a caller does not show merely because its callee fails:
   * resources, the entity's telemetry going missing.
   */
  public boolean isOwn() {
    return isResource() || this == MISSING;
  }

  /**
   * Classifies a signal by its name, and a request counter by its attributes. Overrides (name
   * fragment -> category) are checked first, in insertion order; then the built-in rules, most
   * specific first ("error_rate" is errors, not traffic; a request counter broken down by a failed
   * outcome counts failures, so its rate jumping is errors, not load).
   */
  public static SignalCategory classify(
      @Nullable String signalName,
      @Nullable String anomalyKind,
      @Nullable String telemetrySource,
      @Nullable String businessMetric,
      Map<String, String> overrides,
      Map<String, String> attributes) {
    String n = signalName == null ? "" : signalName.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      if (n.contains(o.getKey().toLowerCase(Locale.ROOT))) {
        try {
          return valueOf(o.getValue());
        } catch (IllegalArgumentException e) {
          return OTHER;
        }
      }
    }
    if ("MISSING_DATA".equals(anomalyKind)) {
      return MISSING;
    }
    if ("NEW_DEPENDENCY".equals(anomalyKind) || "TOPOLOGY".equals(telemetrySource)) {
      return TOPOLOGY;
    }
    if ("NEW_LOG_TEMPLATE".equals(anomalyKind)
        || "LOG_SURGE".equals(anomalyKind)
        || "LOG".equals(telemetrySource)
        || n.startsWith("log.")) {
      return LOG;
    }
    if (businessMetric != null && n.equals(businessMetric.toLowerCase(Locale.ROOT))) {
      return BUSINESS;
    }
    if (n.contains("error")
        || n.contains("fail")
        || n.contains("5xx")
        || n.contains("availability")
        || n.contains("throttl")) {
      return ERRORS;
    }
    if (n.contains("restart")) {
      return RESTARTS;
    }
    if (n.contains("cpu")) {
      return CPU;
    }
    if (n.contains("gc.") || n.endsWith(".gc") || n.contains("garbage")) {
      return GC;
    }
    if (n.contains("memory") || n.contains("heap") || n.contains("oom")) {
      return MEMORY;
    }
    if (n.contains("filesystem") || n.contains("disk")) {
      return DISK;
    }
    if (n.contains("queue") || n.contains("saturation") || n.contains("pool")) {
      return SATURATION;
    }
    if (n.contains("duration") || n.contains("latency") || n.matches(".*\\.p\\d+.*")) {
      return LATENCY;
    }
    if (n.contains("request")
        || n.contains("throughput")
        || n.contains("calls")
        || n.endsWith(".rate")
        || n.endsWith(".count")) {
      return countsFailures(attributes) ? ERRORS : TRAFFIC;
    }
    return OTHER;
  }

  /** Whether a series' attributes select failed requests only (outcome, error type, 5xx status). */
  static boolean countsFailures(Map<String, String> attrs) {
    String outcome = attrs.get("outcome");
    if (outcome != null) {
      String o = outcome.toLowerCase(Locale.ROOT);
      if (o.equals("failure") || o.equals("error") || o.equals("failed")) {
        return true;
      }
    }
    if (attrs.containsKey("error.type")) {
      return true;
    }
    String status = attrs.get("http.response.status_code");
    return status != null && status.startsWith("5");
  }
}
