package io.signalfold.correlation.internal;

import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Rolls RED points of one service/operation/span-kind/peer and interval up across instances (and
 * other breakdown dimensions) before they reach the single correlation operator, so its input rate
 * is per series, not per instance. Counts add up, p95 keeps the maximum (an upper bound), error
 * messages and span events add up, impact sketches are unioned (exact for distinct counts).
 */
public final class RedRollup implements AggregateFunction<RedPoint, RedRollup.Acc, RedPoint> {

  private static final long serialVersionUID = 1L;
  private static final int MAX_TRACES = 5;
  private static final int MAX_MESSAGES = 16;

  private final int lgK;

  public RedRollup(int lgK) {
    this.lgK = lgK;
  }

  /** The rollup key: everything but the resource breakdown. */
  public static final class Key implements KeySelector<RedPoint, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(RedPoint r) {
      return ImpactIndex.seriesKey(
          r.getService(), r.getOperation(), r.getSpanKind().ordinal(), r.getPeer());
    }
  }

  /** The accumulator: a Flink POJO (no Kryo). */
  public static final class Acc {
    public RedPoint first;
    public long start = Long.MAX_VALUE;
    public long end = Long.MIN_VALUE;
    public double requests;
    public double errors;
    public double durationSum;
    public double p95;
    public boolean hasP95;
    public String[] errorTraceIds = new String[0];
    public String[] slowTraceIds = new String[0];
    public String[] eventKeys = new String[0];
    public double[] eventCounts = new double[0];
    public String[] messageKeys = new String[0];
    public double[] messageCounts = new double[0];
    public String[] sketchAttrs = new String[0];
    public byte[][] sketches = new byte[0][];

    public Acc() {}
  }

  @Override
  public Acc createAccumulator() {
    return new Acc();
  }

  @Override
  public Acc add(RedPoint r, Acc a) {
    if (a.first == null) {
      a.first = r;
    }
    a.start = Math.min(a.start, r.getIntervalStartMs());
    a.end = Math.max(a.end, r.getIntervalEndMs());
    a.requests += r.getRequests();
    a.errors += r.getErrors();
    a.durationSum += r.getDurationSumMs();
    if (r.getP95Ms() != null) {
      a.p95 = Math.max(a.p95, r.getP95Ms());
      a.hasP95 = true;
    }
    a.errorTraceIds = appendIds(a.errorTraceIds, r.getErrorTraceIds());
    a.slowTraceIds = appendIds(a.slowTraceIds, r.getSlowTraceIds());
    if (r.getEventCounts() != null) {
      for (Map.Entry<String, Double> e : r.getEventCounts().entrySet()) {
        addCount(a, true, e.getKey(), e.getValue());
      }
    }
    if (r.getErrorMessages() != null) {
      for (Map.Entry<String, Double> e : r.getErrorMessages().entrySet()) {
        addCount(a, false, e.getKey(), e.getValue());
      }
    }
    if (r.getImpact() != null) {
      for (Map.Entry<String, ByteBuffer> e : r.getImpact().entrySet()) {
        byte[] b = new byte[e.getValue().remaining()];
        e.getValue().duplicate().get(b);
        addSketch(a, e.getKey(), b);
      }
    }
    return a;
  }

  private static String[] appendIds(String[] ids, List<String> more) {
    if (more == null || more.isEmpty() || ids.length >= MAX_TRACES) {
      return ids;
    }
    List<String> l = new ArrayList<>(List.of(ids));
    for (String s : more) {
      if (l.size() < MAX_TRACES && !l.contains(s)) {
        l.add(s);
      }
    }
    return l.toArray(new String[0]);
  }

  private static void addCount(Acc a, boolean event, String key, Double v) {
    String[] keys = event ? a.eventKeys : a.messageKeys;
    double[] counts = event ? a.eventCounts : a.messageCounts;
    double x = v == null ? 0 : v;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        counts[i] += x;
        return;
      }
    }
    if (keys.length >= MAX_MESSAGES) {
      return;
    }
    keys = java.util.Arrays.copyOf(keys, keys.length + 1);
    counts = java.util.Arrays.copyOf(counts, counts.length + 1);
    keys[keys.length - 1] = key;
    counts[counts.length - 1] = x;
    if (event) {
      a.eventKeys = keys;
      a.eventCounts = counts;
    } else {
      a.messageKeys = keys;
      a.messageCounts = counts;
    }
  }

  private void addSketch(Acc a, String attr, byte[] bytes) {
    for (int i = 0; i < a.sketchAttrs.length; i++) {
      if (a.sketchAttrs[i].equals(attr)) {
        a.sketches[i] = union(a.sketches[i], bytes);
        return;
      }
    }
    a.sketchAttrs = java.util.Arrays.copyOf(a.sketchAttrs, a.sketchAttrs.length + 1);
    a.sketches = java.util.Arrays.copyOf(a.sketches, a.sketches.length + 1);
    a.sketchAttrs[a.sketchAttrs.length - 1] = attr;
    a.sketches[a.sketches.length - 1] = bytes;
  }

  private byte[] union(byte[] x, byte[] y) {
    try {
      Union u = new Union(lgK);
      u.update(HllSketch.heapify(x));
      u.update(HllSketch.heapify(y));
      return u.getResult(TgtHllType.HLL_4).toCompactByteArray();
    } catch (RuntimeException e) {
      return x; // keep the readable one; distinct counts are a lower bound then
    }
  }

  @Override
  public RedPoint getResult(Acc a) {
    RedPoint f = a.first;
    Map<String, Double> events = new TreeMap<>();
    for (int i = 0; i < a.eventKeys.length; i++) {
      events.put(a.eventKeys[i], a.eventCounts[i]);
    }
    Map<String, Double> messages = new TreeMap<>();
    for (int i = 0; i < a.messageKeys.length; i++) {
      messages.put(a.messageKeys[i], a.messageCounts[i]);
    }
    Map<String, ByteBuffer> impact = new TreeMap<>();
    for (int i = 0; i < a.sketchAttrs.length; i++) {
      impact.put(a.sketchAttrs[i], ByteBuffer.wrap(a.sketches[i]));
    }
    return RedPoint.newBuilder()
        .setSeriesId(new Key().getKey(f))
        .setIntervalStartMs(a.start)
        .setIntervalEndMs(a.end)
        .setService(f.getService())
        .setOperation(f.getOperation())
        .setSpanKind(f.getSpanKind())
        .setPeer(f.getPeer())
        .setPeerKind(f.getPeerKind())
        .setPeerSystem(f.getPeerSystem())
        .setResource(ResourceContext.newBuilder().setService(f.getService()).build())
        .setRequests(a.requests)
        .setErrors(a.errors)
        .setDurationSumMs(a.durationSum)
        .setP95Ms(a.hasP95 ? a.p95 : null)
        .setLatency(ExponentialHistogram.newBuilder().setScale(0).build())
        .setEventCounts(events)
        .setErrorMessages(messages)
        .setErrorTraceIds(List.of(a.errorTraceIds))
        .setSlowTraceIds(List.of(a.slowTraceIds))
        .setImpact(impact)
        .build();
  }

  @Override
  public Acc merge(Acc a, Acc b) {
    if (b.first == null) {
      return a;
    }
    if (a.first == null) {
      return b;
    }
    a.start = Math.min(a.start, b.start);
    a.end = Math.max(a.end, b.end);
    a.requests += b.requests;
    a.errors += b.errors;
    a.durationSum += b.durationSum;
    a.p95 = Math.max(a.p95, b.p95);
    a.hasP95 |= b.hasP95;
    a.errorTraceIds = appendIds(a.errorTraceIds, List.of(b.errorTraceIds));
    a.slowTraceIds = appendIds(a.slowTraceIds, List.of(b.slowTraceIds));
    for (int i = 0; i < b.eventKeys.length; i++) {
      addCount(a, true, b.eventKeys[i], b.eventCounts[i]);
    }
    for (int i = 0; i < b.messageKeys.length; i++) {
      addCount(a, false, b.messageKeys[i], b.messageCounts[i]);
    }
    for (int i = 0; i < b.sketchAttrs.length; i++) {
      addSketch(a, b.sketchAttrs[i], b.sketches[i]);
    }
    return a;
  }
}
