package io.signalfold.ingest.internal;

import io.signalfold.ingest.RedDimension;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SpanKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.memory.WritableMemory;

/**
 * Rate, errors and duration of one RED series over one interval, built span by span. Every count is
 * weighted by the span's sampling adjusted count. Durations go into a mergeable {@link
 * LatencyHistogram} (percentiles) and the impact attributes of failing spans into Apache
 * DataSketches HLL sketches kept in their updatable serialized form (a {@code byte[]} per
 * attribute, updated in place), so the whole accumulator is a Flink POJO of arrays.
 */
public final class RedAccumulator {

  public String seriesId;
  public int mode;
  public String service;
  public String operation;
  public SpanKind spanKind;
  public String peer;
  public DependencyKind peerKind;
  public String peerSystem;
  public ResourceContext resource;

  public double requests;

  /** Span records added (unweighted): the sample size behind the latency quantiles. */
  public long sampledSpans;

  public double errors;
  public double durationSum;
  public double durationMin = Double.POSITIVE_INFINITY;
  public double durationMax = Double.NEGATIVE_INFINITY;
  public LatencyHistogram.State latency = new LatencyHistogram.State();
  public WeightedCounts statusCounts = new WeightedCounts();
  public WeightedCounts eventCounts = new WeightedCounts();
  public WeightedCounts errorMessages = new WeightedCounts();
  public String[] errorTraceIds = new String[0];
  public String[] slowTraceIds = new String[0];
  public double[] slowDurations = new double[0];

  /** Updatable HLL images, one per configured impact attribute (null until a value is seen). */
  public byte[][] impact = new byte[0][];

  public RedAccumulator() {}

  private static final int MAX_STATUS_KEYS = 16;
  private static final int MAX_EVENT_KEYS = 16;

  /** Adds one span (routed to this series in {@code mode}). */
  public void add(
      SpanRecord s,
      int mode,
      Set<RedDimension> breakdown,
      int maxTraceIds,
      int maxMessages,
      int lgK) {
    if (seriesId == null) {
      init(s, mode, breakdown);
    } else if (mode >= KeyedSpan.ROLLUP_BASE || mode == KeyedSpan.OPERATION) {
      // Keep the newest resource view (e.g. the instance's version after a deploy).
      resource = resourceFor(s, mode, breakdown);
    }
    double w = s.weight;
    requests += w;
    sampledSpans++;
    durationSum += s.durationMs * w;
    durationMin = Math.min(durationMin, s.durationMs);
    durationMax = Math.max(durationMax, s.durationMs);
    LatencyHistogram.record(latency, s.durationMs, w);
    statusCounts.add(s.statusClass, w, MAX_STATUS_KEYS);
    for (String ev : s.eventNames) {
      eventCounts.add(ev, w, MAX_EVENT_KEYS);
    }
    if (s.error) {
      errors += w;
      if (s.errorMessage != null) {
        errorMessages.add(s.errorMessage, w, maxMessages);
      }
      if (errorTraceIds.length < maxTraceIds && !contains(errorTraceIds, s.traceId)) {
        errorTraceIds = append(errorTraceIds, s.traceId);
      }
      if (s.impactValues != null) {
        if (impact.length < s.impactValues.length) {
          impact = java.util.Arrays.copyOf(impact, s.impactValues.length);
        }
        for (int i = 0; i < s.impactValues.length; i++) {
          String v = s.impactValues[i];
          if (v == null) {
            continue;
          }
          if (impact[i] == null) {
            impact[i] =
                new byte[HllSketch.getMaxUpdatableSerializationBytes(lgK, TgtHllType.HLL_4)];
            new HllSketch(lgK, TgtHllType.HLL_4, WritableMemory.writableWrap(impact[i]));
          }
          HllSketch.writableWrap(WritableMemory.writableWrap(impact[i])).update(v);
        }
      }
    }
    recordSlow(s.traceId, s.durationMs, maxTraceIds);
  }

  private void recordSlow(String traceId, double duration, int max) {
    if (max == 0) {
      return;
    }
    int n = slowTraceIds.length;
    for (int i = 0; i < n; i++) {
      if (slowTraceIds[i].equals(traceId)) {
        slowDurations[i] = Math.max(slowDurations[i], duration);
        return;
      }
    }
    if (n < max) {
      slowTraceIds = append(slowTraceIds, traceId);
      slowDurations = java.util.Arrays.copyOf(slowDurations, n + 1);
      slowDurations[n] = duration;
      return;
    }
    int minIdx = 0;
    for (int i = 1; i < n; i++) {
      if (slowDurations[i] < slowDurations[minIdx]) {
        minIdx = i;
      }
    }
    if (duration > slowDurations[minIdx]) {
      slowTraceIds[minIdx] = traceId;
      slowDurations[minIdx] = duration;
    }
  }

  private void init(SpanRecord s, int mode, Set<RedDimension> breakdown) {
    this.mode = mode;
    this.service = s.service;
    if (mode == KeyedSpan.OPERATION) {
      this.operation = s.operation;
      this.spanKind = s.kind;
      this.peer = s.peer;
      this.peerKind = s.peerKind;
      this.peerSystem = s.peerSystem;
    } else {
      this.operation = "*";
      this.spanKind = SpanKind.SERVER;
    }
    this.resource = resourceFor(s, mode, breakdown);
    this.seriesId = seriesId(s, mode, breakdown);
  }

  /** The resource dimensions kept for a series in this mode. */
  static ResourceContext resourceFor(SpanRecord s, int mode, Set<RedDimension> breakdown) {
    ResourceContext src = s.resource;
    ResourceContext rc = new ResourceContext();
    rc.setService(s.service);
    rc.setNamespace(src.getNamespace());
    rc.setAttributes(new HashMap<>());
    if (mode == KeyedSpan.OPERATION) {
      for (RedDimension d : breakdown) {
        copy(d, src, rc);
      }
    } else if (mode >= KeyedSpan.ROLLUP_BASE) {
      RedDimension d = RedDimension.values()[mode - KeyedSpan.ROLLUP_BASE];
      if (d == RedDimension.INSTANCE) {
        // An instance carries its own version, zone, cell and container: common-factor analysis
        // reads them from the per-instance series.
        rc.setInstance(src.getInstance());
        rc.setServiceVersion(src.getServiceVersion());
        rc.setZone(src.getZone());
        rc.setCell(src.getCell());
        rc.setContainer(src.getContainer());
      } else {
        copy(d, src, rc);
      }
    }
    return rc;
  }

  private static void copy(RedDimension d, ResourceContext src, ResourceContext dst) {
    switch (d) {
      case INSTANCE:
        dst.setInstance(src.getInstance());
        break;
      case VERSION:
        dst.setServiceVersion(src.getServiceVersion());
        break;
      case ZONE:
        dst.setZone(src.getZone());
        break;
      case CELL:
        dst.setCell(src.getCell());
        break;
      case CONTAINER:
        dst.setContainer(src.getContainer());
        break;
      default:
        break;
    }
  }

  private static String dimValue(RedDimension d, ResourceContext r) {
    switch (d) {
      case INSTANCE:
        return r.getInstance();
      case VERSION:
        return r.getServiceVersion();
      case ZONE:
        return r.getZone();
      case CELL:
        return r.getCell();
      case CONTAINER:
        return r.getContainer();
      default:
        return null;
    }
  }

  /**
   * The series key (also the seriesId). Rollup keys are built only for spans that have the
   * dimension; callers skip the rollup when {@link #dimValue} is null.
   */
  public static String seriesId(SpanRecord s, int mode, Set<RedDimension> breakdown) {
    StringBuilder sb = new StringBuilder(64);
    sb.append("red|").append(s.service).append('|');
    if (mode == KeyedSpan.OPERATION) {
      sb.append(s.operation).append('|').append(s.kind.name());
      if (s.peer != null) {
        sb.append("|peer=").append(s.peer);
      }
      for (RedDimension d : breakdown) {
        String v = dimValue(d, s.resource);
        sb.append('|').append(d.name().toLowerCase(java.util.Locale.ROOT)).append('=');
        if (v != null) {
          sb.append(v);
        }
      }
    } else {
      sb.append("*|SERVER");
      if (mode >= KeyedSpan.ROLLUP_BASE) {
        RedDimension d = RedDimension.values()[mode - KeyedSpan.ROLLUP_BASE];
        sb.append('|')
            .append(d.name().toLowerCase(java.util.Locale.ROOT))
            .append('=')
            .append(dimValue(d, s.resource));
      }
    }
    return sb.toString();
  }

  /** True when the span has a value for the rollup dimension of {@code mode}. */
  static boolean hasDimension(SpanRecord s, RedDimension d) {
    return dimValue(d, s.resource) != null;
  }

  public void merge(RedAccumulator o, int maxTraceIds, int maxMessages, int lgK) {
    if (o.seriesId == null) {
      return;
    }
    if (seriesId == null) {
      seriesId = o.seriesId;
      mode = o.mode;
      service = o.service;
      operation = o.operation;
      spanKind = o.spanKind;
      peer = o.peer;
      peerKind = o.peerKind;
      peerSystem = o.peerSystem;
      resource = o.resource;
    }
    requests += o.requests;
    sampledSpans += o.sampledSpans;
    errors += o.errors;
    durationSum += o.durationSum;
    durationMin = Math.min(durationMin, o.durationMin);
    durationMax = Math.max(durationMax, o.durationMax);
    LatencyHistogram.merge(latency, o.latency);
    statusCounts.merge(o.statusCounts, MAX_STATUS_KEYS);
    eventCounts.merge(o.eventCounts, MAX_EVENT_KEYS);
    errorMessages.merge(o.errorMessages, maxMessages);
    for (String t : o.errorTraceIds) {
      if (errorTraceIds.length < maxTraceIds && !contains(errorTraceIds, t)) {
        errorTraceIds = append(errorTraceIds, t);
      }
    }
    for (int i = 0; i < o.slowTraceIds.length; i++) {
      recordSlow(o.slowTraceIds[i], o.slowDurations[i], maxTraceIds);
    }
    if (impact.length < o.impact.length) {
      impact = java.util.Arrays.copyOf(impact, o.impact.length);
    }
    for (int i = 0; i < o.impact.length; i++) {
      if (o.impact[i] == null) {
        continue;
      }
      if (impact[i] == null) {
        impact[i] = o.impact[i].clone();
        continue;
      }
      Union u = new Union(lgK);
      u.update(HllSketch.wrap(Memory.wrap(impact[i])));
      u.update(HllSketch.wrap(Memory.wrap(o.impact[i])));
      impact[i] = u.getResult(TgtHllType.HLL_4).toUpdatableByteArray();
    }
  }

  /** The interval's RED point. */
  public RedPoint toRedPoint(long startMs, long endMs, List<String> impactAttributes) {
    RedPoint p = new RedPoint();
    p.setSeriesId(seriesId);
    p.setIntervalStartMs(startMs);
    p.setIntervalEndMs(endMs);
    p.setService(service);
    p.setOperation(operation);
    p.setSpanKind(spanKind);
    p.setPeer(peer);
    p.setPeerKind(peerKind);
    p.setPeerSystem(peerSystem);
    p.setResource(resource);
    p.setRequests(requests);
    p.setSampledSpans(sampledSpans);
    p.setErrors(errors);
    p.setDurationSumMs(durationSum);
    boolean any = requests > 0;
    p.setDurationMinMs(any ? durationMin : null);
    p.setDurationMaxMs(any ? durationMax : null);
    p.setP50Ms(any ? LatencyHistogram.quantile(latency, 0.50, durationMin, durationMax) : null);
    p.setP90Ms(any ? LatencyHistogram.quantile(latency, 0.90, durationMin, durationMax) : null);
    p.setP95Ms(any ? LatencyHistogram.quantile(latency, 0.95, durationMin, durationMax) : null);
    p.setP99Ms(any ? LatencyHistogram.quantile(latency, 0.99, durationMin, durationMax) : null);
    p.setLatency(LatencyHistogram.toSchema(latency));
    p.setStatusCounts(statusCounts.toMap());
    p.setEventCounts(eventCounts.toMap());
    p.setErrorTraceIds(List.of(errorTraceIds));
    List<String> slow = new ArrayList<>(slowTraceIds.length);
    Integer[] order = new Integer[slowTraceIds.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(slowDurations[b], slowDurations[a]));
    for (Integer i : order) {
      slow.add(slowTraceIds[i]);
    }
    p.setSlowTraceIds(slow);
    p.setErrorMessages(errorMessages.toMap());
    Map<String, ByteBuffer> sketches = new HashMap<>();
    for (int i = 0; i < impact.length && i < impactAttributes.size(); i++) {
      if (impact[i] != null) {
        byte[] compact = HllSketch.wrap(Memory.wrap(impact[i])).toCompactByteArray();
        sketches.put(impactAttributes.get(i), ByteBuffer.wrap(compact));
      }
    }
    p.setImpact(sketches);
    return p;
  }

  private static boolean contains(String[] arr, String v) {
    for (String s : arr) {
      if (s.equals(v)) {
        return true;
      }
    }
    return false;
  }

  private static String[] append(String[] arr, String v) {
    String[] n = java.util.Arrays.copyOf(arr, arr.length + 1);
    n[arr.length] = v;
    return n;
  }
}
