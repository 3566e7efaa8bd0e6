package io.signalfold.anomaly.internal;

import io.signalfold.schema.LogSignal;

/**
 * The series cap for log signals; it also withholds the miner's "new template" flag while the
 * service's logs are younger than the warm-up: at start-up every template is new to the miner.
 */
public final class LogCapFunction extends SeriesCapFunction<LogSignal> {

  private static final long serialVersionUID = 1L;
  private final long warmupMs;

  public LogCapFunction(int maxSeries, long ttlMs, long warmupMs) {
    super(LogSignal::getSeriesId, LogSignal::getIntervalEndMs, maxSeries, ttlMs);
    this.warmupMs = warmupMs;
  }

  @Override
  protected LogSignal adjust(LogSignal record, long serviceAgeMs) {
    if (record.getNewTemplate() && serviceAgeMs < warmupMs) {
      return LogSignal.newBuilder(record).setNewTemplate(false).build();
    }
    return record;
  }
}
