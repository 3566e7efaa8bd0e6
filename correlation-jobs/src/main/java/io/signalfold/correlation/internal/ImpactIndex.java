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
  private final KeyedStore<double[]> slots;
  private final KeyedStore<byte[]> sketches;

  public ImpactIndex(CorrelationConfig config, CorrelationState state) {
    this.config = config;
    this.series = state.redSeries();
    this.slots = state.redSlots();
    this.sketches = state.sketches();
  }

  public static String seriesKey(String service, String operation, int spanKind, String peer) {
    return service + "|" + operation + "|" + spanKind + "|" + (peer == null ? "" : peer);
  }

  /** Slot counts: requests, errors, max p95, throttled events. */
  private static final int REQ = 0;

  private static final int ERR = 1;
  private static final int P95 = 2;
  private static final int THR = 3;

  static String slotKey(String seriesKey, long slotStart) {
    return seriesKey + "#" + hex16(slotStart);
  }

  static String hex16(long v) {
    String h = Long.toHexString(v);
    return h.length() >= 16 ? h : "0000000000000000".substring(h.length()) + h;
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
    boolean changed = false;
    if (s == null || s.intervalMs != interval) {
      s = newSeries(r, interval);
      changed = true;
    }
    long end = start + interval;
    if (end + ringSpan(s) < s.lastIntervalEndMs) {
      return; // older than the ring: nothing to learn from it any more
    }
    String sk = slotKey(key, start);
    double[] slot = slots.get(sk);
    if (slot == null) {
      slot = new double[4];
    }
    slot[REQ] += r.getRequests();
    slot[ERR] += r.getErrors();
    if (r.getP95Ms() != null) {
      slot[P95] = Math.max(slot[P95], r.getP95Ms());
    }
    Map<String, Double> events = r.getEventCounts();
    if (events != null) {
      Double t = events.get("throttled");
      if (t != null) {
        slot[THR] += t;
      }
    }
    slots.put(sk, slot);
    if (end > s.lastIntervalEndMs) {
      s.lastIntervalEndMs = end;
      changed = true;
    }
    if (start < s.firstIntervalStartMs) {
      s.firstIntervalStartMs = start;
      changed = true;
    }
    if (r.getErrorTraceIds() != null && !r.getErrorTraceIds().isEmpty()) {
      s.errorTraceIds = firstN(r.getErrorTraceIds(), MAX_TRACES);
      changed = true;
    }
    if (r.getSlowTraceIds() != null && !r.getSlowTraceIds().isEmpty()) {
      s.slowTraceIds = firstN(r.getSlowTraceIds(), MAX_TRACES);
      changed = true;
    }
    if (r.getErrorMessages() != null && !r.getErrorMessages().isEmpty()) {
      mergeMessages(s, r.getErrorMessages(), end);
      changed = true;
    }
    if (r.getErrors() > 0 && r.getImpact() != null && !r.getImpact().isEmpty()) {
      for (String attr : config.impactAttributes()) {
        ByteBuffer b = r.getImpact().get(attr);
        if (b != null && b.remaining() > 0) {
          storeSketch(key, start, attr, b);
          if (start < s.firstSketchSlotMs) {
            s.firstSketchSlotMs = start;
            changed = true;
          }
        }
      }
    }
    if (changed) {
      series.put(key, s);
    }
  }

  private long ringSpan(RedSeriesState s) {
    return s.intervalMs * (long) config.redRingSlots();
  }

  private static RedSeriesState newSeries(RedPoint r, long interval) {
    RedSeriesState s = new RedSeriesState();
    s.service = r.getService();
    s.operation = r.getOperation();
    s.spanKind = r.getSpanKind().ordinal();
    s.peer = r.getPeer();
    s.peerKind = r.getPeerKind() == null ? -1 : r.getPeerKind().ordinal();
    s.intervalMs = interval;
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
    return seriesKey + "#" + hex16(slotStart) + "#" + attr;
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

  /** The first slot start to look at for a query starting at {@code from}. */
  private long firstSlot(RedSeriesState s, long from) {
    long earliest = Math.max(s.firstIntervalStartMs, s.lastIntervalEndMs - ringSpan(s));
    long f = Math.max(from, earliest);
    return Math.floorDiv(f + s.intervalMs - 1, s.intervalMs) * s.intervalMs;
  }

  /**
   * Sums [requests, errors, throttled, maxP95] over complete slots with from <= start and end <= to
   * (and within the ring).
   */
  public double[] totals(RedSeriesState s, long from, long to) {
    double[] t = new double[4];
    String key = keyOf(s);
    long last = Math.min(to, s.lastIntervalEndMs);
    for (long st = firstSlot(s, from); st + s.intervalMs <= last; st += s.intervalMs) {
      double[] slot = slots.get(slotKey(key, st));
      if (slot != null) {
        t[0] += slot[REQ];
        t[1] += slot[ERR];
        t[2] += slot[THR];
        t[3] = Math.max(t[3], slot[P95]);
      }
    }
    return t;
  }

  /** End of the last complete slot <= to within the ring, or from if none. */
  public long foldedEnd(RedSeriesState s, long from, long to) {
    long end = from;
    long last = Math.min(to, s.lastIntervalEndMs);
    for (long st = firstSlot(s, from); st + s.intervalMs <= last; st += s.intervalMs) {
      end = st + s.intervalMs;
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
    long last = Math.min(to, s.lastIntervalEndMs);
    for (long st = firstSlot(s, from); st + s.intervalMs <= last; st += s.intervalMs) {
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
    return any;
  }

  /**
   * Drops slots older than the ring and sketches older than the sketch ring, per series from its
   * low-water mark (point deletes of just what expired, no scan of all slots), and series whose
   * newest slot left the ring. Live candidates fold sketches at least every cleanup interval, so
   * nothing they need is dropped.
   */
  public void cleanup(long now) {
    long sketchSpan = config.redIntervalMs() * (long) config.sketchRingSlots();
    for (String k : series.sortedKeys()) {
      RedSeriesState s = series.get(k);
      if (s == null) {
        continue;
      }
      boolean expired = s.lastIntervalEndMs + ringSpan(s) < now;
      long slotHorizon = expired ? Long.MAX_VALUE : now - ringSpan(s) - s.intervalMs;
      long sketchHorizon = expired ? Long.MAX_VALUE : now - sketchSpan;
      boolean changed = false;
      long st = s.firstIntervalStartMs;
      for (;
          st != Long.MAX_VALUE && st < slotHorizon && st < s.lastIntervalEndMs;
          st += s.intervalMs) {
        slots.remove(slotKey(k, st));
        changed = true;
      }
      if (changed) {
        s.firstIntervalStartMs = st;
      }
      st = s.firstSketchSlotMs;
      boolean sketchChanged = false;
      for (;
          st != Long.MAX_VALUE && st < sketchHorizon && st < s.lastIntervalEndMs;
          st += s.intervalMs) {
        for (String attr : config.impactAttributes()) {
          sketches.remove(sketchKey(k, st, attr));
        }
        sketchChanged = true;
      }
      if (sketchChanged) {
        s.firstSketchSlotMs = st >= s.lastIntervalEndMs ? Long.MAX_VALUE : st;
      }
      if (expired) {
        series.remove(k);
      } else if (changed || sketchChanged) {
        series.put(k, s);
      }
    }
  }

  private static long parseHex(String h) {
    try {
      return Long.parseUnsignedLong(h, 16);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }
}
