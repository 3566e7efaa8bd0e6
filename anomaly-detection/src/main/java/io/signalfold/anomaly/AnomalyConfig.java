package io.signalfold.anomaly;

import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.anomaly.core.EntityJointCheck;
import io.signalfold.anomaly.core.JointCheckConfig;
import io.signalfold.schema.SignalClass;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of the anomaly stage.
 *
 * @param detector the per-series model and detector parameters
 * @param maxSeriesPerService distinct series per service that get a model; more are counted as
 *     overflow (metric {@code seriesOverflow}) and not modelled
 * @param stateTtlMs a series silent this long is forgotten (its keyed state is cleared)
 * @param laggingShiftAcceptMs LAGGING series (errors, traffic) keep a step open this long before
 *     accepting it as the new level, so an ongoing outage does not "recover" by habituation
 * @param classOverrides signal-name prefix to class; the longest matching prefix wins over the
 *     OpenTelemetry semantic-convention defaults of {@link SignalCatalog}
 * @param limits signal-name prefix to the limit a trend is heading to (capacity, SLO threshold)
 * @param linkTemplate evidence link with {@code {seriesId}} and {@code {signal}} placeholders
 * @param minRequestsForLatency intervals with fewer requests do not update latency series
 * @param newTemplateWarmupMs a service's logs must have been seen this long before a new log
 *     template counts as news (before that, every template is new)
 * @param patternRecords publish pattern records ({@code core.PointScore}'s sequence and cycle
 *     evidence on each series' first signal, INVESTIGATE tier, kind DRIFT); costs about 5.7 KB of
 *     state per series
 * @param jointCheckEnabled whether the entity joint check runs (uid {@code anomaly-multivariate})
 * @param jointCheck parameters of the entity joint check
 * @param jointMetrics metric names (as exported: {@code process.cpu.utilization}, {@code
 *     http.server.requests}) whose series of one entity (service + instance) enter its joint check;
 *     at most {@link EntityJointCheck#MAX_METRICS} series per entity, first come first served
 */
public record AnomalyConfig(
    DetectorConfig detector,
    int maxSeriesPerService,
    long stateTtlMs,
    long laggingShiftAcceptMs,
    Map<String, SignalClass> classOverrides,
    Map<String, Double> limits,
    String linkTemplate,
    double minRequestsForLatency,
    long newTemplateWarmupMs,
    boolean patternRecords,
    boolean jointCheckEnabled,
    JointCheckConfig jointCheck,
    Set<String> jointMetrics)
    implements Serializable {

  private static final long HOUR = 3_600_000L;

  public AnomalyConfig {
    if (maxSeriesPerService <= 0) {
      throw new IllegalArgumentException("maxSeriesPerService must be positive");
    }
    if (stateTtlMs <= 0) {
      throw new IllegalArgumentException("stateTtlMs must be positive");
    }
    classOverrides = new HashMap<>(classOverrides);
    limits = new HashMap<>(limits);
    if (jointCheck == null) {
      throw new IllegalArgumentException("jointCheck must not be null");
    }
    jointMetrics = new HashSet<>(jointMetrics);
  }

  /**
   * Metrics of one service instance or host whose relationships carry information: utilizations,
   * memory, threads, garbage collection, and the server's request and duration counts.
   */
  public static final Set<String> DEFAULT_JOINT_METRICS =
      Set.of(
          "process.cpu.utilization",
          "process.memory.usage",
          "jvm.memory.used",
          "jvm.thread.count",
          "jvm.gc.duration",
          "system.cpu.utilization",
          "system.memory.utilization",
          "http.server.requests",
          "http.server.request.count",
          "http.server.request.duration");

  /** Sane defaults: 2000 series per service, 8 days of silence before a series is forgotten. */
  public static AnomalyConfig defaults() {
    Map<String, Double> limits = new HashMap<>();
    limits.put("process.cpu.utilization", 1.0);
    limits.put("system.cpu.utilization", 1.0);
    limits.put("system.filesystem.utilization", 1.0);
    limits.put("system.memory.utilization", 1.0);
    return new AnomalyConfig(
        DetectorConfig.defaults(),
        2000,
        8 * 24 * HOUR,
        6 * HOUR,
        Map.of(),
        limits,
        "signalfold://series/{seriesId}?signal={signal}",
        5.0,
        24 * HOUR,
        true,
        // off: on the scenario suite's telemetry it opened about one INVESTIGATE episode per
        // instance per day (608 in 19 scenarios), and its records are not correlated anyway
        false,
        JointCheckConfig.defaults(),
        DEFAULT_JOINT_METRICS);
  }

  /** The evidence link of a series' signal: {@link #linkTemplate} filled in. */
  public String linkTo(String seriesId, String signal) {
    return linkTemplate.replace("{seriesId}", seriesId).replace("{signal}", signal);
  }

  public AnomalyConfig withDetector(DetectorConfig d) {
    return new AnomalyConfig(
        d,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        jointCheckEnabled,
        jointCheck,
        jointMetrics);
  }

  public AnomalyConfig withMaxSeriesPerService(int max) {
    return new AnomalyConfig(
        detector,
        max,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        jointCheckEnabled,
        jointCheck,
        jointMetrics);
  }

  public AnomalyConfig withStateTtlMs(long ttl) {
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        ttl,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        jointCheckEnabled,
        jointCheck,
        jointMetrics);
  }

  public AnomalyConfig withLimit(String signalPrefix, double limit) {
    Map<String, Double> l = new HashMap<>(limits);
    l.put(signalPrefix, limit);
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        l,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        jointCheckEnabled,
        jointCheck,
        jointMetrics);
  }

  public AnomalyConfig withClassOverride(String signalPrefix, SignalClass signalClass) {
    Map<String, SignalClass> c = new HashMap<>(classOverrides);
    c.put(signalPrefix, signalClass);
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        c,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        jointCheckEnabled,
        jointCheck,
        jointMetrics);
  }

  public AnomalyConfig withNewTemplateWarmupMs(long ms) {
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        ms,
        patternRecords,
        jointCheckEnabled,
        jointCheck,
        jointMetrics);
  }

  /** A copy with the entity joint check on or off. */
  public AnomalyConfig withJointCheckEnabled(boolean enabled) {
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        enabled,
        jointCheck,
        jointMetrics);
  }

  /** A copy with other joint-check parameters. */
  public AnomalyConfig withJointCheck(JointCheckConfig c) {
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        jointCheckEnabled,
        c,
        jointMetrics);
  }

  /** A copy with another set of metric names for the joint check. */
  public AnomalyConfig withJointMetrics(Set<String> names) {
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        patternRecords,
        jointCheckEnabled,
        jointCheck,
        names);
  }

  public AnomalyConfig withPatternRecords(boolean on) {
    return new AnomalyConfig(
        detector,
        maxSeriesPerService,
        stateTtlMs,
        laggingShiftAcceptMs,
        classOverrides,
        limits,
        linkTemplate,
        minRequestsForLatency,
        newTemplateWarmupMs,
        on,
        jointCheckEnabled,
        jointCheck,
        jointMetrics);
  }
}
