package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Derives DEPLOY change events from telemetry: keyed by service and instance, it remembers the
 * service.version last seen and emits an event (derived=true, source "telemetry") when a newer
 * sighting shows another version. The first sighting is not a change; a sighting older than the
 * current version's first sighting is ignored (out-of-order telemetry from the old process must not
 * look like a rollback), unless no older version was seen yet: then the new version's sighting
 * merely arrived first, and the change is emitted as it would have been in event-time order. State
 * is dropped after the configured idle time (event-time timer).
 */
public final class VersionTracker
    extends KeyedProcessFunction<String, ResourceSighting, ChangeEvent> {

  private static final long serialVersionUID = 1L;

  private final long ttlMs;
  private transient ValueState<VersionState> state;

  /** Keyed state: the current version of one service instance. */
  public static final class VersionState {
    public String version;

    /** The version seen before {@link #version}; null while none was. */
    public String previous;

    public long sinceMs;
    public long lastSeenMs;
    public long timerMs;

    public VersionState() {}
  }

  public VersionTracker(IngestConfig config) {
    this.ttlMs = config.versionTtl().toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("version", VersionState.class));
  }

  @Override
  public void processElement(ResourceSighting s, Context ctx, Collector<ChangeEvent> out)
      throws Exception {
    VersionState st = state.value();
    if (st == null) {
      st = new VersionState();
      st.version = s.version;
      st.sinceMs = s.timeMs;
      st.lastSeenMs = s.timeMs;
    } else if (!st.version.equals(s.version)) {
      if (s.timeMs <= st.sinceMs) {
        if (st.previous != null || s.timeMs == st.sinceMs) {
          return; // late telemetry of the old process is not a rollback
        }
        // The new version's sighting arrived first (partitions are read in any order): this
        // older sighting says what ran before it, the same change as in arrival order.
        out.collect(deploy(firstSighting(s, st), s.version));
        st.previous = s.version;
        state.update(st);
        return;
      }
      out.collect(deploy(s, st.version));
      st.previous = st.version;
      st.version = s.version;
      st.sinceMs = s.timeMs;
      st.lastSeenMs = Math.max(st.lastSeenMs, s.timeMs);
    } else {
      st.lastSeenMs = Math.max(st.lastSeenMs, s.timeMs);
      st.sinceMs = Math.min(st.sinceMs, s.timeMs);
    }
    long deadline = EventTimeCleanup.deadline(st.lastSeenMs, ttlMs);
    if (deadline > st.timerMs) {
      ctx.timerService().registerEventTimeTimer(deadline);
      st.timerMs = deadline;
    }
    state.update(st);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChangeEvent> out)
      throws Exception {
    VersionState st = state.value();
    if (st == null) {
      return;
    }
    if (st.lastSeenMs + ttlMs <= timestamp) {
      state.clear();
    } else if (st.timerMs <= timestamp) {
      st.timerMs = EventTimeCleanup.deadline(st.lastSeenMs, ttlMs);
      ctx.timerService().registerEventTimeTimer(st.timerMs);
      state.update(st);
    }
  }

  /** The sighting that began the current version of this instance. */
  private static ResourceSighting firstSighting(ResourceSighting late, VersionState st) {
    ResourceSighting first = new ResourceSighting();
    first.service = late.service;
    first.instance = late.instance;
    first.zone = late.zone;
    first.version = st.version;
    first.timeMs = st.sinceMs;
    return first;
  }

  static ChangeEvent deploy(ResourceSighting s, String previous) {
    ChangeEvent e = new ChangeEvent();
    String content =
        s.service + "|" + s.instance + "|" + previous + "|" + s.version + "|" + s.timeMs;
    e.setId("derived-" + hash(content));
    e.setKind(ChangeKind.DEPLOY);
    e.setTimestampMs(s.timeMs);
    e.setService(s.service);
    e.setVersion(s.version);
    e.setPreviousVersion(previous);
    e.setSource("telemetry");
    e.setInstance(s.instance);
    e.setZone(s.zone);
    e.setDerived(true);
    e.setDescription(
        "service.version of "
            + s.service
            + (s.instance == null ? "" : " on " + s.instance)
            + " changed from "
            + previous
            + " to "
            + s.version);
    e.setAttributes(new HashMap<>());
    return e;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return Hex.encode(java.util.Arrays.copyOf(d, 8));
    } catch (java.security.NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
