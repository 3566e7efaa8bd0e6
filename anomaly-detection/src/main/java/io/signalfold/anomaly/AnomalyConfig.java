package io.signalfold.anomaly;

import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.schema.SignalClass;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

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
    boolean patternRecords)
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
  }

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
        true);
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
        patternRecords);
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
        patternRecords);
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
        patternRecords);
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
        patternRecords);
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
        patternRecords);
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
        patternRecords);
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
        on);
  }
}
