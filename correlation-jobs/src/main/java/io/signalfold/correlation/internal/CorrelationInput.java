package io.signalfold.correlation.internal;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SloBurnAlert;
import javax.annotation.Nullable;

/**
 * One input of the correlator: exactly one of the fields is set. It exists because the correlator
 * sees all its inputs through one keyed stream (a union), and it is a Flink POJO whose fields are
 * Avro records, so neither the stream nor the state falls back to Kryo.
 */
public final class CorrelationInput {

  /** The correlation domain every input belongs to (one global domain by default). */
  public static final String DEFAULT_DOMAIN = "default";

  private String domain = DEFAULT_DOMAIN;
  @Nullable private Anomaly anomaly;
  @Nullable private SloBurnAlert sloAlert;
  @Nullable private ChangeEvent change;
  @Nullable private CallEdge edge;
  @Nullable private RedPoint red;
  @Nullable private MetricPoint metric;
  @Nullable private ExternalAlert externalAlert;
  @Nullable private HypothesisFeedback feedback;
  @Nullable private InventoryFact inventory;

  /** For Flink's POJO serializer. */
  public CorrelationInput() {}

  public static CorrelationInput of(Anomaly a) {
    CorrelationInput in = new CorrelationInput();
    in.anomaly = a;
    return in;
  }

  public static CorrelationInput of(SloBurnAlert a) {
    CorrelationInput in = new CorrelationInput();
    in.sloAlert = a;
    return in;
  }

  public static CorrelationInput of(ChangeEvent c) {
    CorrelationInput in = new CorrelationInput();
    in.change = c;
    return in;
  }

  public static CorrelationInput of(CallEdge e) {
    CorrelationInput in = new CorrelationInput();
    in.edge = e;
    return in;
  }

  public static CorrelationInput of(RedPoint r) {
    CorrelationInput in = new CorrelationInput();
    in.red = r;
    return in;
  }

  public static CorrelationInput of(MetricPoint m) {
    CorrelationInput in = new CorrelationInput();
    in.metric = m;
    return in;
  }

  public static CorrelationInput of(ExternalAlert a) {
    CorrelationInput in = new CorrelationInput();
    in.externalAlert = a;
    return in;
  }

  public static CorrelationInput of(HypothesisFeedback f) {
    CorrelationInput in = new CorrelationInput();
    in.feedback = f;
    return in;
  }

  public static CorrelationInput of(InventoryFact f) {
    CorrelationInput in = new CorrelationInput();
    in.inventory = f;
    return in;
  }

  /** Event time of the input (the record's own time field, never the arrival time). */
  public long eventTimeMs() {
    if (anomaly != null) {
      return anomaly.getTimestampMs();
    } else if (sloAlert != null) {
      return sloAlert.getTimestampMs();
    } else if (change != null) {
      return change.getTimestampMs();
    } else if (edge != null) {
      return edge.getIntervalEndMs();
    } else if (red != null) {
      return red.getIntervalEndMs();
    } else if (metric != null) {
      return metric.getTimestampMs();
    } else if (externalAlert != null) {
      return externalAlertTimeMs(externalAlert);
    } else if (feedback != null) {
      return feedback.getTimestampMs();
    } else if (inventory != null) {
      return inventory.getTimestampMs();
    }
    return Long.MIN_VALUE;
  }

  /** A firing alert counts from its start, a resolved one from its end. */
  public static long externalAlertTimeMs(ExternalAlert a) {
    if (!a.getFiring() && a.getEndsAtMs() != null) {
      return a.getEndsAtMs();
    }
    return a.getStartsAtMs();
  }

  public String getDomain() {
    return domain;
  }

  public void setDomain(String domain) {
    this.domain = domain;
  }

  @Nullable
  public Anomaly getAnomaly() {
    return anomaly;
  }

  public void setAnomaly(@Nullable Anomaly anomaly) {
    this.anomaly = anomaly;
  }

  @Nullable
  public SloBurnAlert getSloAlert() {
    return sloAlert;
  }

  public void setSloAlert(@Nullable SloBurnAlert sloAlert) {
    this.sloAlert = sloAlert;
  }

  @Nullable
  public ChangeEvent getChange() {
    return change;
  }

  public void setChange(@Nullable ChangeEvent change) {
    this.change = change;
  }

  @Nullable
  public CallEdge getEdge() {
    return edge;
  }

  public void setEdge(@Nullable CallEdge edge) {
    this.edge = edge;
  }

  @Nullable
  public RedPoint getRed() {
    return red;
  }

  public void setRed(@Nullable RedPoint red) {
    this.red = red;
  }

  @Nullable
  public MetricPoint getMetric() {
    return metric;
  }

  public void setMetric(@Nullable MetricPoint metric) {
    this.metric = metric;
  }

  @Nullable
  public ExternalAlert getExternalAlert() {
    return externalAlert;
  }

  public void setExternalAlert(@Nullable ExternalAlert externalAlert) {
    this.externalAlert = externalAlert;
  }

  @Nullable
  public HypothesisFeedback getFeedback() {
    return feedback;
  }

  public void setFeedback(@Nullable HypothesisFeedback feedback) {
    this.feedback = feedback;
  }

  @Nullable
  public InventoryFact getInventory() {
    return inventory;
  }

  public void setInventory(@Nullable InventoryFact inventory) {
    this.inventory = inventory;
  }
}
