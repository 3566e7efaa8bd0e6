package io.signalfold.anomaly;

import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a monitored signal name to its {@link SeriesSpec}. The default class follows the
 * OpenTelemetry semantic conventions: utilization, saturation, memory, GC, queue depth, disk and
 * latency/duration signals are LEADING (they move before users notice); errors, availability,
 * request rate (throughput collapse), log error counts and business counters are LAGGING. Which
 * side of the band matters follows the same names: errors, latency and utilization only alarm
 * upwards; traffic and business counters both ways. Overrides by name prefix come from {@link
 * AnomalyConfig#classOverrides()}.
 */
public final class SignalCatalog implements Serializable {

  private static final String[] LEADING_MARKERS = {
    "utilization",
    "saturation",
    "memory",
    "heap",
    ".gc",
    "gc.",
    "queue",
    "disk",
    "filesystem",
    "duration",
    "latency",
    ".p95",
    ".p99",
    "connections",
    "threads",
    "backlog",
    "lag"
  };
  private static final String[] UP_ONLY_MARKERS = {
    "error",
    "duration",
    "latency",
    ".p95",
    ".p99",
    "utilization",
    "restart",
    "log.",
    "queue",
    "gc",
    "throttl"
  };

  private final AnomalyConfig config;

  public SignalCatalog(AnomalyConfig config) {
    this.config = config;
  }

  /** The class of a signal: the longest matching override, else the semantic-convention rule. */
  public SignalClass classOf(String signal) {
    String best = null;
    for (String prefix : config.classOverrides().keySet()) {
      if (signal.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    if (best != null) {
      return config.classOverrides().get(best);
    }
    String s = signal.toLowerCase(Locale.ROOT);
    if (s.contains("error")) {
      return SignalClass.LAGGING;
    }
    for (String m : LEADING_MARKERS) {
      if (s.contains(m)) {
        return SignalClass.LEADING;
      }
    }
    return SignalClass.LAGGING;
  }

  /** The full spec of a signal with the given noise model. */
  public SeriesSpec specOf(String signal, SeriesSpec.NoiseModel noise) {
    SignalClass cls = classOf(signal);
    String s = signal.toLowerCase(Locale.ROOT);
    Direction sides = Direction.NONE;
    for (String m : UP_ONLY_MARKERS) {
      if (s.contains(m)) {
        sides = Direction.UP;
        break;
      }
    }
    return new SeriesSpec(
        cls, sides, noise, limitOf(signal), cls == SignalClass.LEADING, minDeviationOf(s));
  }

  /**
   * Utilizations (OpenTelemetry semantic conventions: a fraction 0..1) move by less than one point
   * all the time without meaning anything; a smooth one (disk) would otherwise alarm on it.
   */
  static final double MIN_UTILIZATION_DEVIATION = 0.01;

  private static double minDeviationOf(String lowerCaseSignal) {
    return lowerCaseSignal.contains("utilization") ? MIN_UTILIZATION_DEVIATION : 0.0;
  }

  /** The detector configuration for a signal (LAGGING signals keep steps open longer). */
  public DetectorConfig detectorFor(SignalClass cls) {
    return cls == SignalClass.LAGGING
        ? config.detector().withShiftAcceptMs(config.laggingShiftAcceptMs())
        : config.detector();
  }

  private Double limitOf(String signal) {
    String best = null;
    for (Map.Entry<String, Double> e : config.limits().entrySet()) {
      if (signal.startsWith(e.getKey()) && (best == null || e.getKey().length() > best.length())) {
        best = e.getKey();
      }
    }
    return best == null ? null : config.limits().get(best);
  }
}
