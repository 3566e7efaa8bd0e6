package io.signalfold.correlation.internal;

import javax.annotation.Nullable;

/**
 * "Service S emitted signal type T from this instance/zone/cell/container/version at time t". The
 * correlator uses these facts to say which signal types are missing for a service (data gaps) and
 * which zones, cells, instances and containers a service runs in (so a common factor is only blamed
 * when it is not universal). A Flink POJO.
 */
public final class InventoryFact {

  /** Signal types. */
  public static final int METRICS = 0;

  public static final int TRACES = 1;
  public static final int LOGS = 2;

  private String service = "";
  private int type;
  @Nullable private String instance;
  @Nullable private String container;
  @Nullable private String zone;
  @Nullable private String cell;
  @Nullable private String version;
  private long timestampMs;

  public InventoryFact() {}

  public static InventoryFact create(
      String service,
      int type,
      @Nullable String instance,
      @Nullable String container,
      @Nullable String zone,
      @Nullable String cell,
      @Nullable String version,
      long timestampMs) {
    InventoryFact f = new InventoryFact();
    f.service = service;
    f.type = type;
    f.instance = instance;
    f.container = container;
    f.zone = zone;
    f.cell = cell;
    f.version = version;
    f.timestampMs = timestampMs;
    return f;
  }

  public static String typeName(int type) {
    return switch (type) {
      case METRICS -> "metrics";
      case TRACES -> "traces";
      case LOGS -> "logs";
      default -> "signals";
    };
  }

  public String getService() {
    return service;
  }

  public void setService(String service) {
    this.service = service;
  }

  public int getType() {
    return type;
  }

  public void setType(int type) {
    this.type = type;
  }

  @Nullable
  public String getInstance() {
    return instance;
  }

  public void setInstance(@Nullable String instance) {
    this.instance = instance;
  }

  @Nullable
  public String getContainer() {
    return container;
  }

  public void setContainer(@Nullable String container) {
    this.container = container;
  }

  @Nullable
  public String getZone() {
    return zone;
  }

  public void setZone(@Nullable String zone) {
    this.zone = zone;
  }

  @Nullable
  public String getCell() {
    return cell;
  }

  public void setCell(@Nullable String cell) {
    this.cell = cell;
  }

  @Nullable
  public String getVersion() {
    return version;
  }

  public void setVersion(@Nullable String version) {
    this.version = version;
  }

  public long getTimestampMs() {
    return timestampMs;
  }

  public void setTimestampMs(long timestampMs) {
    this.timestampMs = timestampMs;
  }
}
