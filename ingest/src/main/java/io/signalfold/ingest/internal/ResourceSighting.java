package io.signalfold.ingest.internal;

/** A resource seen with a service.version at an event time (input of version tracking). */
public final class ResourceSighting {
  public String service;
  public String instance;
  public String version;
  public String zone;
  public long timeMs;

  public ResourceSighting() {}

  public String key() {
    return service + "|" + (instance == null ? "" : instance);
  }
}
