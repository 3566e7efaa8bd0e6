package io.signalfold.correlation.internal;

import io.signalfold.schema.LogSignal;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the firehose of metric points, RED points and log signals into rare inventory facts ("this
 * service emitted this signal type from this instance/zone/cell/container/version"), emitting a
 * fact only when its tuple is new to this subtask or was last emitted more than the refresh
 * interval ago (event time).
 *
 * <p>Design note: a direct-mapped cache of 64-bit tuple hashes in primitive arrays (no allocation
 * per record; a collision merely causes an early re-emission). The cache is not state: after a
 * restore it re-emits, which is harmless because facts are idempotent.
 */
public final class ResourceSightings<T> implements FlatMapFunction<T, CorrelationInput> {

  private static final long serialVersionUID = 1L;
  private static final int SLOTS = 4096;

  private final int type;
  private final long refreshMs;
  private transient long[] hashes;
  private transient long[] emittedAt;

  private ResourceSightings(int type, long refreshMs) {
    this.type = type;
    this.refreshMs = refreshMs;
  }

  public static ResourceSightings<MetricPoint> metrics(long refreshMs) {
    return new ResourceSightings<>(InventoryFact.METRICS, refreshMs);
  }

  public static ResourceSightings<RedPoint> traces(long refreshMs) {
    return new ResourceSightings<>(InventoryFact.TRACES, refreshMs);
  }

  public static ResourceSightings<LogSignal> logs(long refreshMs) {
    return new ResourceSightings<>(InventoryFact.LOGS, refreshMs);
  }

  @Override
  public void flatMap(T value, Collector<CorrelationInput> out) {
    ResourceContext r;
    long t;
    String service;
    if (value instanceof MetricPoint m) {
      r = m.getResource();
      t = m.getTimestampMs();
      service = r == null ? null : r.getService();
    } else if (value instanceof RedPoint p) {
      r = p.getResource();
      t = p.getIntervalEndMs();
      service = p.getService();
    } else if (value instanceof LogSignal l) {
      r = l.getResource();
      t = l.getIntervalEndMs();
      service = r == null ? null : r.getService();
    } else {
      return;
    }
    if (service == null) {
      return;
    }
    if (hashes == null) {
      hashes = new long[SLOTS];
      emittedAt = new long[SLOTS];
    }
    long h = 1125899906842597L + type;
    h = 31 * h + service.hashCode();
    if (r != null) {
      h = 31 * h + hash(r.getInstance());
      h = 31 * h + hash(r.getContainer());
      h = 31 * h + hash(r.getZone());
      h = 31 * h + hash(r.getCell());
      h = 31 * h + hash(r.getServiceVersion());
    }
    h ^= (h >>> 29);
    int slot = (int) (h & (SLOTS - 1));
    if (hashes[slot] == h && t >= emittedAt[slot] && t - emittedAt[slot] < refreshMs) {
      return;
    }
    hashes[slot] = h;
    emittedAt[slot] = t;
    out.collect(
        CorrelationInput.of(
            InventoryFact.create(
                service,
                type,
                r == null ? null : r.getInstance(),
                r == null ? null : r.getContainer(),
                r == null ? null : r.getZone(),
                r == null ? null : r.getCell(),
                r == null ? null : r.getServiceVersion(),
                t)));
  }

  private static int hash(String s) {
    return s == null ? 0 : s.hashCode();
  }
}
