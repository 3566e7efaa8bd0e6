package io.signalfold.ingest.internal;

import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;

/** One log event matched to a mined template. A Flink POJO. */
public final class TemplateHit {
  public String service;
  public ResourceContext resource;
  public String templateId;
  public String template;
  public Severity severity;
  public long timeMs;
  public String body;
  public String traceId;
  public boolean newTemplate;
  public long firstSeenMs;

  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public long kafkaTimestampMs;

  public TemplateHit() {}

  public String key() {
    return service + "|" + templateId;
  }
}
