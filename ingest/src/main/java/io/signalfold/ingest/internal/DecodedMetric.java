package io.signalfold.ingest.internal;

import io.signalfold.schema.MetricPoint;

/**
 * A decoded metric point on its way to normalization. Cumulative points still carry their running
 * totals; {@code identityKey} names the series before attribute allow-lists were applied, so that
 * two cumulative series that collapse into one point series keep separate running totals.
 */
public final class DecodedMetric implements KafkaSourced {

  /** Series identity over all attributes (only set for cumulative points). */
  public String identityKey;

  /** True for cumulative sums, histograms, exponential histograms and summaries. */
  public boolean cumulative;

  public long startTimeNanos;
  public long timeNanos;

  /** Key of the per-metric-per-service series cap: service identity + metric name. */
  public String capKey;

  /** Series id without point attributes (metric name + resource identity): the overflow base. */
  public String seriesPrefix;

  public MetricPoint point;

  /** Kafka partition and record timestamp of the request (event-time progress per partition). */
  public int sourcePartition;

  public long kafkaTimestampMs;

  public DecodedMetric() {}

  static DecodedMetric of(MetricPoint point, String capKey) {
    DecodedMetric m = new DecodedMetric();
    m.point = point;
    m.capKey = capKey;
    return m;
  }

  public String getIdentityKey() {
    return identityKey;
  }

  public String getCapKey() {
    return capKey;
  }

  @Override
  public int sourcePartition() {
    return sourcePartition;
  }

  @Override
  public long kafkaTimestampMs() {
    return kafkaTimestampMs;
  }
}
