package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SpanKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Recent RED history per service/operation/span-kind/peer, for the impact of a candidate: failure
 * rates since onset against the rate before it, failing trace ids and error messages as evidence,
 * throttling events, and the distinct count of configured attributes among failing requests.
 *
 * <p>Design note: a fixed ring of interval slots per series (primitive arrays) answers "since
 * onset" and "the hour before onset" without keeping raw points; the distinct counts are Apache
 * DataSketches HLL sketches (Flajolet et al., HyperLogLog, 2007), which merge exactly across
 * intervals, operations and services, so a user hit on three services counts once.
 */
public final class ImpactIndex {

  private static final int MAX_MESSAGES = 8;
  private static final int MAX_TRACES = 5;

  private final CorrelationConfig config;
  private final KeyedStore<RedSeriesState> series;
  private final KeyedStore<byte[]> sketches;

  public ImpactIndex(CorrelationConfig config, CorrelationState state) {
    this.config = config;
    this.series = state.redSeries();
    this.sketches = state.sketches();
  }

  public static String seriesKey(String service, String operation, int spanKind, String peer) {
    return service + "|" + operation + "|" + spanKind + "|" + (peer == null ? "" : peer);
  }

  /** Adds one RED point (already rolled up per interval, or per instance: both accumulate). */
  public void observe(RedPoint r) {
    long start = r.getIntervalStartMs();
    long interval = r.getIntervalEndMs() - start;
    if (interval <= 0) {
      interval = config.redIntervalMs();
    }
    String key =
        seriesKey(r.getService(), r.getOperation(), r.getSpanKind().ordinal(), r.getPeer());
    RedSeriesState s = series.get(key);
    int n = config.redRingSlots();
    if (s == null || s.intervalMs != interval || s.slotStart.length != n) {
      s = newSeries(r, interval, n);
    }
    int i = (int) Math.floorMod(Math.floorDiv(start, interval), (long) n);
    if (s.slotStart[i] != start) {
      if (start < s.slotStart[i]) {
        return; // older than the ring: nothing to learn from it any more
      }
      s.slotStart[i] = start;
      s.requests[i] = 0;
      s.errors[i] = 0;
      s.p95[i] = 0;
      s.throttled[i] = 0;
      s.hasSketch[i] = false;
    }
    s.requests[i] += r.getRequests();
    s.errors[i] += r.getErrors();
    if (r.getP95Ms() != null) {
      s.p95[i] = Math.max(s.p95[i], r.getP95Ms());
    }
    Map<String, Double> events = r.getEventCounts();
    if (events != null) {
      Double t = events.get("throttled");
      if (t != null) {
        s.throttled[i] += t;
      }
    }
    long end = start + interval;
    s.lastIntervalEndMs = Math.max(s.lastIntervalEndMs, end);
    if (r.getErrorTraceIds() != null && !r.getErrorTraceIds().isEmpty()) {
      s.errorTraceIds = firstN(r.getErrorTraceIds(), MAX_TRACES);
    }
    if (r.getSlowTraceIds() != null && !r.getSlowTraceIds().isEmpty()) {
      s.slowTraceIds = firstN(r.getSlowTraceIds(), MAX_TRACES);
    }
    if (r.getErrorMessages() != null && !r.getErrorMessages().isEmpty()) {
      mergeMessages(s, r.getErrorMessages(), end);
    }
    if (r.getErrors() > 0 && r.getImpact() != null && !r.getImpact().isEmpty()) {
      for (String attr : config.impactAttributes()) {
        ByteBuffer b = r.getImpact().get(attr);
        if (b != null && b.remaining() > 0) {
          storeSketch(key, start, attr, b);
          s.hasSketch[i] = true;
        }
      }
    }
    series.put(key, s);
  }

  private static RedSeriesState newSeries(RedPoint r, long interval, int n) {
    RedSeriesState s = new RedSeriesState();
    s.service = r.getService();
    s.operation = r.getOperation();
    s.spanKind = r.getSpanKind().ordinal();
    s.peer = r.getPeer();
    s.peerKind = r.getPeerKind() == null ? -1 : r.getPeerKind().ordinal();
    s.intervalMs = interval;
    s.slotStart = new long[n];
    Arrays.fill(s.slotStart, Long.MIN_VALUE);
    s.requests = new double[n];
    s.errors = new double[n];
    s.p95 = new double[n];
    s.throttled = new double[n];
    s.hasSketch = new boolean[n];
    return s;
  }

  private void storeSketch(String seriesKey, long slotStart, String attr, ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    String k = sketchKey(seriesKey, slotStart, attr);
    byte[] existing = sketches.get(k);
    if (existing != null) {
      try {
        Union u = new Union(config.hllLgK());
        u.update(HllSketch.heapify(existing));
        u.update(HllSketch.heapify(bytes));
        bytes = u.getResult(TgtHllType.HLL_4).toCompactByteArray();
      } catch (RuntimeException e) {
        return; // a corrupt sketch must not break impact accounting; the older one stays
      }
    }
    sketches.put(k, bytes);
  }

  static String sketchKey(String seriesKey, long slotStart, String attr) {
    return seriesKey + "#" + String.format("%016x", slotStart) + "#" + attr;
  }

  private static String[] firstN(List<String> ids, int n) {
    int m = Math.min(n, ids.size());
    String[] out = new String[m];
    for (int i = 0; i < m; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  private static void mergeMessages(RedSeriesState s, Map<String, Double> messages, long at) {
    for (Map.Entry<String, Double> m : messages.entrySet()) {
      int idx = -1;
      for (int i = 0; i < s.messages.length; i++) {
        if (s.messages[i].equals(m.getKey())) {
          idx = i;
          break;
        }
      }
      if (idx < 0) {
        if (s.messages.length < MAX_MESSAGES) {
          idx = s.messages.length;
          s.messages = Arrays.copyOf(s.messages, idx + 1);
          s.messageCounts = Arrays.copyOf(s.messageCounts, idx + 1);
          s.messageLastMs = Arrays.copyOf(s.messageLastMs, idx + 1);
        } else {
          idx = 0;
          for (int i = 1; i < s.messages.length; i++) {
            if (s.messageLastMs[i] < s.messageLastMs[idx]) {
              idx = i;
            }
          }
        }
        s.messages[idx] = m.getKey();
        s.messageCounts[idx] = 0;
      }
      s.messageCounts[idx] += m.getValue() == null ? 0 : m.getValue();
      s.messageLastMs[idx] = Math.max(s.messageLastMs[idx], at);
    }
  }

  /** The series of one service (sorted keys); server-side ones first is the caller's business. */
  public List<RedSeriesState> seriesOf(String service) {
    List<RedSeriesState> out = new ArrayList<>();
    String prefix = service + "|";
    for (String k : series.sortedKeys()) {
      if (k.startsWith(prefix)) {
        RedSeriesState s = series.get(k);
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** Client series of any service calling {@code peer}. */
  public List<RedSeriesState> clientSeriesTo(String peer) {
    List<RedSeriesState> out = new ArrayList<>();
    String suffix = "|" + peer;
    for (String k : series.sortedKeys()) {
      if (k.endsWith(suffix)) {
        RedSeriesState s = series.get(k);
        if (s != null && peer.equals(s.peer)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  @Nullable
  public RedSeriesState get(String key) {
    return series.get(key);
  }

  public static String keyOf(RedSeriesState s) {
    return seriesKey(s.service, s.operation, s.spanKind, s.peer);
  }

  public static boolean isServer(RedSeriesState s) {
    return s.spanKind == SpanKind.SERVER.ordinal() || s.spanKind == SpanKind.CONSUMER.ordinal();
  }

  /**
   * Sums [requests, errors, throttled, maxP95] over complete slots with from <= start, end <= to.
   */
  public static double[] totals(RedSeriesState s, long from, long to) {
    double[] t = new double[4];
    for (int i = 0; i < s.slotStart.length; i++) {
      long st = s.slotStart[i];
      if (st != Long.MIN_VALUE && st >= from && st + s.intervalMs <= to) {
        t[0] += s.requests[i];
        t[1] += s.errors[i];
        t[2] += s.throttled[i];
        t[3] = Math.max(t[3], s.p95[i]);
      }
    }
    return t;
  }

  /** Latest complete slot end <= to that has data, or from if none. */
  public static long foldedEnd(RedSeriesState s, long from, long to) {
    long end = from;
    for (int i = 0; i < s.slotStart.length; i++) {
      long st = s.slotStart[i];
      if (st != Long.MIN_VALUE && st >= from && st + s.intervalMs <= to) {
        end = Math.max(end, st + s.intervalMs);
      }
    }
    return end;
  }

  /**
   * Unions the stored impact sketches of one attribute over complete slots in [from, to) into
   * {@code union}; returns whether any sketch was found.
   */
  public boolean unionSketches(RedSeriesState s, String attr, long from, long to, Union union) {
    boolean any = false;
    String key = keyOf(s);
    for (int i = 0; i < s.slotStart.length; i++) {
      long st = s.slotStart[i];
      if (st != Long.MIN_VALUE && s.hasSketch[i] && st >= from && st + s.intervalMs <= to) {
        byte[] b = sketches.get(sketchKey(key, st, attr));
        if (b != null) {
          try {
            union.update(HllSketch.heapify(b));
            any = true;
          } catch (RuntimeException e) {
            // corrupt sketch: skip it, the count is a lower bound then
          }
        }
      }
    }
    return any;
  }

  /**
   * Drops series older than the ring and sketches older than the sketch ring (live candidates fold
   * sketches at least every cleanup interval, so nothing they need is dropped).
   */
  public void cleanup(long now) {
    for (String k : series.sortedKeys()) {
      RedSeriesState s = series.get(k);
      if (s == null) {
        continue;
      }
      long span = s.intervalMs * s.slotStart.length;
      if (s.lastIntervalEndMs + span < now) {
        series.remove(k);
      }
    }
    long sketchHorizon = now - config.redIntervalMs() * (long) config.sketchRingSlots();
    for (String k : sketches.sortedKeys()) {
      int a = k.lastIndexOf('#');
      int b = a > 0 ? k.lastIndexOf('#', a - 1) : -1;
      long slot;
      try {
        slot = b >= 0 ? Long.parseUnsignedLong(k.substring(b + 1, a), 16) : Long.MIN_VALUE;
      } catch (NumberFormatException e) {
        slot = Long.MIN_VALUE;
      }
      if (slot < sketchHorizon || series.get(k.substring(0, Math.max(0, b))) == null) {
        sketches.remove(k);
      }
    }
  }
}
