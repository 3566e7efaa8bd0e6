package io.signalfold.ingest.internal;

import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;

/** One decoded log record (a multi-line body stays one event). A Flink POJO. */
public final class LogEvent implements KafkaSourced {
  public String service;
  public ResourceContext resource;
  public Severity severity;

  /** The body as text, truncated to a bounded length. */
  public String body;

  /** Hex trace id, or empty. */
  public String traceId;

  public long timeMs;

  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public long kafkaTimestampMs;

  public LogEvent() {}

  public String getService() {
    return service;
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
