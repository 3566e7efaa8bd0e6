package io.signalfold.correlation;

import io.signalfold.anomaly.AnomalyStage;
import io.signalfold.correlation.internal.BusinessIndex;
import io.signalfold.correlation.internal.CandidateAssembler;
import io.signalfold.correlation.internal.CandidateState;
import io.signalfold.correlation.internal.ChangeSeparation;
import io.signalfold.correlation.internal.CorrelationInput;
import io.signalfold.correlation.internal.CorrelationState;
import io.signalfold.correlation.internal.EngineMeta;
import io.signalfold.correlation.internal.Grouping;
import io.signalfold.correlation.internal.ImpactIndex;
import io.signalfold.correlation.internal.InMemoryCorrelationState;
import io.signalfold.correlation.internal.InventoryFact;
import io.signalfold.correlation.internal.InventoryIndex;
import io.signalfold.correlation.internal.SignalCategory;
import io.signalfold.correlation.internal.SignalFactory;
import io.signalfold.correlation.internal.SignalState;
import io.signalfold.correlation.internal.StableIds;
import io.signalfold.correlation.internal.Topology;
import io.signalfold.correlation.internal.TopologyGraph;
import io.signalfold.correlation.internal.WarmUp;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SloBurnAlert;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * The correlation algorithm: topology, grouping of signals into incident candidates, their
 * lifecycle and the ranking of root-cause hypotheses, independent of Flink.
 *
 * <p>Design note: inputs that describe the world (call edges, RED points, business metric points,
 * inventory) are indexed by their own event time as they arrive; signals (anomalies, SLO alerts,
 * external alerts) and change events are buffered and processed in event-time order when the
 * watermark passes them ({@link #advanceTo}), interleaved with candidate deadlines (open after a
 * short delay, rate-limited updates, resolution after a quiet period, expiry). Decisions therefore
 * depend only on event time and the data, not on arrival order or watermark granularity: a replay
 * gives the same candidates, versions and ids. The event-time clock is injected through {@link
 * Context#currentWatermark()}; nothing reads wall-clock time. All state lives in a {@link
 * CorrelationState}, so the same code runs in the Flink operator (keyed state), in unit tests and
 * in benchmarks (in memory).
 */
public final class CorrelationEngine {

  /** What the engine needs from its host: the event-time clock, timers and outputs. */
  public interface Context {
    /** Current event-time watermark (the injected clock); Long.MIN_VALUE before the first. */
    long currentWatermark();

    /** Asks to be called back with {@link #advanceTo} once the watermark reaches the time. */
    void scheduleAt(long eventTimeMs);

    void candidate(IncidentCandidate candidate);

    /** NEW_DEPENDENCY anomalies for the anomaly feed. */
    void topologyAnomaly(Anomaly anomaly);

    void deadLetter(DeadLetter deadLetter);
  }

  /** Counters of this engine instance (Flink metrics read them). */
  public static final class Stats {
    long rawSignals;
    long candidatesOpened;
    long candidatesResolved;
    long candidatesReopened;
    long updatesEmitted;
    long transientDiscarded;
    long lateRecords;
    long deadLetters;
    long topologyAnomalies;
    long droppedMembers;
    long feedOnlyRecords;

    public long rawSignals() {
      return rawSignals;
    }

    public long candidatesOpened() {
      return candidatesOpened;
    }

    public long candidatesResolved() {
      return candidatesResolved;
    }

    /** Resolved candidates re-opened by a related flare-up within the re-open window. */
    public long candidatesReopened() {
      return candidatesReopened;
    }

    public long updatesEmitted() {
      return updatesEmitted;
    }

    public long transientDiscarded() {
      return transientDiscarded;
    }

    public long lateRecords() {
      return lateRecords;
    }

    public long deadLetters() {
      return deadLetters;
    }

    public long topologyAnomalies() {
      return topologyAnomalies;
    }

    /** Pattern and entity joint-check records seen on the anomaly feed, left out of correlation. */
    public long feedOnlyRecords() {
      return feedOnlyRecords;
    }

    /** Raw anomaly/alert records per opened candidate (0 when none opened). */
    public double rawSignalsPerCandidate() {
      return candidatesOpened == 0 ? 0 : (double) rawSignals / candidatesOpened;
    }
  }

  private static final int SOURCE_CHANGE = 0;
  private static final int SOURCE_ANOMALY = 1;
  private static final int SOURCE_SLO = 2;
  private static final int SOURCE_EXTERNAL = 3;
  private static final int MAX_FEEDBACK = 50;
  private static final long SLOW_CLEANUP_MS = 3_600_000L;

  private final CorrelationConfig config;
  private final CorrelationState state;
  private final SignalFactory factory;
  private final Topology topology;
  private final ImpactIndex impact;
  private final BusinessIndex business;
  private final InventoryIndex inventory;
  private final Grouping grouping;
  private final CandidateAssembler assembler;
  private final Stats stats = new Stats();

  /** Graphs as of a time, valid within one {@link #advanceTo} call. */
  private final Map<Long, TopologyGraph> graphCache = new HashMap<>();

  /** Change events, valid within one {@link #advanceTo} call (null: not loaded yet). */
  @Nullable private List<ChangeEvent> changeCache;

  @Nullable private List<ChangeEvent> rolloutCache;

  public CorrelationEngine(CorrelationConfig config, CorrelationState state) {
    this.config = config;
    this.state = state;
    this.factory = new SignalFactory(config);
    this.topology = new Topology(config, state);
    this.impact = new ImpactIndex(config, state);
    this.business = new BusinessIndex(config, state);
    this.inventory = new InventoryIndex(config, state);
    this.grouping = new Grouping(config);
    this.assembler = new CandidateAssembler(config, state, topology, impact, business, inventory);
  }

  /** An engine over in-memory state (tests, CLI harnesses, benchmarks). */
  public static CorrelationEngine inMemory(CorrelationConfig config) {
    return new CorrelationEngine(config, new InMemoryCorrelationState());
  }

  public Stats stats() {
    return stats;
  }

  public CorrelationConfig config() {
    return config;
  }

  // ================================================================ inputs

  public void onAnomaly(Anomaly a, Context ctx) {
    if (isFeedOnly(a)) {
      // Joined as members they set candidates' onsets: a day unlike yesterday is the end of hours
      // of accumulation, not an onset, and the joint check's INVESTIGATE episodes (a few a week per
      // entity) came minutes before a deploy; both moved the onset before the deploy that caused
      // the incident, which was then ruled out. They stay on the anomaly feed.
      stats.feedOnlyRecords++;
      return;
    }
    enqueue(
        a.getTimestampMs(),
        SOURCE_ANOMALY,
        a.getId() + "|" + a.getPhase().ordinal(),
        CorrelationInput.of(a),
        ctx);
  }

  /**
   * A record for the anomaly feed only: a pattern record (detector starting with {@link
   * AnomalyStage#PATTERN_DETECTOR_PREFIX}) or an entity joint-check record (kind MULTIVARIATE).
   */
  static boolean isFeedOnly(Anomaly a) {
    return a.getKind() == AnomalyKind.MULTIVARIATE
        || (a.getDetector() != null
            && a.getDetector().startsWith(AnomalyStage.PATTERN_DETECTOR_PREFIX));
  }

  public void onSloAlert(SloBurnAlert a, Context ctx) {
    enqueue(
        a.getTimestampMs(),
        SOURCE_SLO,
        a.getId() + "|" + a.getState().ordinal(),
        CorrelationInput.of(a),
        ctx);
  }

  public void onExternalAlert(ExternalAlert a, Context ctx) {
    enqueue(
        CorrelationInput.externalAlertTimeMs(a),
        SOURCE_EXTERNAL,
        SignalFactory.externalId(a) + "|" + (a.getFiring() ? 0 : 1),
        CorrelationInput.of(a),
        ctx);
  }

  public void onChange(ChangeEvent c, Context ctx) {
    enqueue(c.getTimestampMs(), SOURCE_CHANGE, c.getId(), CorrelationInput.of(c), ctx);
  }

  public void onCallEdge(CallEdge e, Context ctx) {
    EngineMeta meta = touch(e.getIntervalEndMs(), ctx);
    Anomaly n = topology.observe(e, meta);
    state.meta().set(meta);
    if (n != null) {
      stats.topologyAnomalies++;
      ctx.topologyAnomaly(n);
      onAnomaly(n, ctx);
    }
  }

  public void onRedPoint(RedPoint r, Context ctx) {
    saveMetaIfTouched(touch(r.getIntervalEndMs(), ctx));
    impact.observe(r);
  }

  /** Points of the configured business metric (others are ignored). */
  public void onMetricPoint(MetricPoint m, Context ctx) {
    if (!BusinessIndex.matches(config, m)) {
      return;
    }
    saveMetaIfTouched(touch(m.getTimestampMs(), ctx));
    business.observe(m);
  }

  public void onInventory(InventoryFact f, Context ctx) {
    saveMetaIfTouched(touch(f.getTimestampMs(), ctx));
    inventory.observe(f);
  }

  /**
   * Human feedback: attached to the candidate at once and a new version emitted (feedback carries
   * wall-clock time, so it is not ordered by the watermark). Feedback for an unknown candidate
   * becomes a dead letter.
   */
  public void onFeedback(HypothesisFeedback f, Context ctx) {
    CandidateState c = state.candidates().get(f.getCandidateId());
    if (c == null) {
      stats.deadLetters++;
      ctx.deadLetter(
          DeadLetter.newBuilder()
              .setTimestampMs(f.getTimestampMs())
              .setSourceTopic(config.feedbackTopic())
              .setSourcePartition(-1)
              .setSourceOffset(-1L)
              .setStage("correlation.feedback")
              .setReason(DeadLetterReason.OTHER)
              .setDetail(
                  "feedback for unknown or expired candidate "
                      + f.getCandidateId()
                      + " (resolved candidates are kept for "
                      + config.resolvedRetentionMs()
                      + " ms)")
              .setPayload(ByteBuffer.wrap(f.toString().getBytes(StandardCharsets.UTF_8)))
              .build());
      return;
    }
    HypothesisFeedback[] fb = c.feedback == null ? new HypothesisFeedback[0] : c.feedback;
    if (fb.length >= MAX_FEEDBACK) {
      fb = Arrays.copyOfRange(fb, 1, fb.length);
    }
    fb = Arrays.copyOf(fb, fb.length + 1);
    fb[fb.length - 1] = f;
    c.feedback = fb;
    c.dirty = true;
    c.significant = true;
    if (c.status != CandidateState.PENDING) {
      long now = Math.max(c.lastEmitMs, ctx.currentWatermark());
      emit(
          c,
          c.status == CandidateState.RESOLVED ? CandidateStatus.RESOLVED : CandidateStatus.UPDATED,
          now,
          ctx);
    }
    saveCandidate(c, ctx);
  }

  private void enqueue(long ts, int source, String id, CorrelationInput in, Context ctx) {
    EngineMeta meta = touch(ts, ctx);
    state.meta().set(meta);
    state.pending().put(String.format("%016x|%d|%s", ts, source, id), in);
    ctx.scheduleAt(ts);
  }

  /** Set by {@link #touch} when the meta state changed and must be written. */
  private boolean metaTouched;

  private void saveMetaIfTouched(EngineMeta meta) {
    if (metaTouched) {
      state.meta().set(meta);
    }
  }

  /** Reads the meta state, notes event-time progress and makes sure cleanup is scheduled. */
  private EngineMeta touch(long ts, Context ctx) {
    EngineMeta stored = state.meta().get();
    EngineMeta meta = stored == null ? new EngineMeta() : stored;
    metaTouched = stored == null;
    if (ts > meta.maxEventTimeMs) {
      meta.maxEventTimeMs = ts;
      metaTouched = true;
    }
    long wm = ctx.currentWatermark();
    if (wm != Long.MIN_VALUE && ts < wm) {
      stats.lateRecords++;
    }
    if (meta.nextCleanupMs == Long.MIN_VALUE) {
      long interval = config.cleanupIntervalMs();
      meta.nextCleanupMs = (Math.floorDiv(ts, interval) + 1) * interval;
      meta.nextSlowCleanupMs = meta.nextCleanupMs + SLOW_CLEANUP_MS;
      ctx.scheduleAt(meta.nextCleanupMs);
      metaTouched = true;
    }
    return meta;
  }

  private EngineMeta meta() {
    EngineMeta m = state.meta().get();
    return m == null ? new EngineMeta() : m;
  }

  // ================================================================ event-time loop

  /**
   * Processes everything due at or before event time {@code t}: buffered signals and changes in
   * time order, interleaved with candidate deadlines, then cleanup. At the end of input (t =
   * Long.MAX_VALUE) time only advances to the last event time seen: nothing resolves or expires
   * merely because the data stopped.
   */
  public void advanceTo(long t, Context ctx) {
    graphCache.clear();
    changeCache = null;
    rolloutCache = null;
    EngineMeta meta0 = state.meta().get();
    if (meta0 == null) {
      return;
    }
    long limit = t == Long.MAX_VALUE ? meta0.maxEventTimeMs : t;
    List<String> keys = state.pending().sortedKeys();
    int idx = 0;
    while (true) {
      long nextPending =
          idx < keys.size()
              ? Long.parseUnsignedLong(keys.get(idx).substring(0, 16), 16)
              : Long.MAX_VALUE;
      String dueId = null;
      long due = Long.MAX_VALUE;
      for (String id : state.deadlines().sortedKeys()) {
        Long d = state.deadlines().get(id);
        if (d != null && d < due) {
          due = d;
          dueId = id;
        }
      }
      EngineMeta meta = state.meta().get();
      long cleanupAt =
          meta == null || meta.nextCleanupMs == Long.MIN_VALUE
              ? Long.MAX_VALUE
              : meta.nextCleanupMs;
      long next = Math.min(nextPending, Math.min(due, cleanupAt));
      if (next == Long.MAX_VALUE || next > limit) {
        break;
      }
      // At equal times: signals first, then candidate deadlines, then cleanup.
      if (nextPending == next) {
        String key = keys.get(idx++);
        CorrelationInput in = state.pending().get(key);
        state.pending().remove(key);
        if (in != null) {
          process(in, nextPending, ctx);
        }
      } else if (due == next) {
        CandidateState c = state.candidates().get(dueId);
        if (c == null) {
          state.deadlines().remove(dueId);
        } else {
          onDeadline(c, due, ctx);
        }
      } else {
        cleanup(meta, cleanupAt, ctx);
      }
    }
    graphCache.clear();
  }

  private void process(CorrelationInput in, long now, Context ctx) {
    if (in.getChange() != null) {
      onChangeDue(in.getChange(), now, ctx);
      return;
    }
    SignalState prev;
    SignalState s;
    if (in.getAnomaly() != null) {
      prev = state.signals().get(SignalFactory.key(in.getAnomaly()));
      boolean wasActive = prev != null && prev.active;
      s = factory.merge(prev, in.getAnomaly());
      onSignal(s, prev == null, wasActive, now, ctx);
    } else if (in.getSloAlert() != null) {
      prev = state.signals().get(SignalFactory.key(in.getSloAlert()));
      boolean wasActive = prev != null && prev.active;
      s = factory.merge(prev, in.getSloAlert());
      onSignal(s, prev == null, wasActive, now, ctx);
    } else if (in.getExternalAlert() != null) {
      prev = state.signals().get(SignalFactory.key(in.getExternalAlert()));
      boolean wasActive = prev != null && prev.active;
      s = factory.merge(prev, in.getExternalAlert());
      onSignal(s, prev == null, wasActive, now, ctx);
    }
  }

  private void onChangeDue(ChangeEvent c, long now, Context ctx) {
    if (c.getId() == null || c.getId().isEmpty()) {
      return;
    }
    state.changes().put(c.getId(), c);
    changeCache = null;
    rolloutCache = null;
    // Live candidates re-rank with the change at their next (rate-limited) update.
    for (String id : state.candidates().sortedKeys()) {
      CandidateState cand = state.candidates().get(id);
      if (cand != null
          && cand.isLive()
          && c.getTimestampMs() >= cand.onsetMs - config.leadingChangeLookbackMs()) {
        markDirty(cand, now, true, ctx);
        saveCandidate(cand, ctx);
      }
    }
  }

  private void onSignal(SignalState s, boolean isNew, boolean wasActive, long now, Context ctx) {
    stats.rawSignals++;
    if (s.candidateId != null) {
      CandidateState c = state.candidates().get(s.candidateId);
      if (c == null) {
        s.candidateId = null;
      } else {
        if (c.status != CandidateState.RESOLVED) {
          c.rawSignalCount++;
          if (s.active) {
            c.lastActivityMs = Math.max(c.lastActivityMs, s.lastSeenMs);
          }
          state.signals().put(s.key, s);
          markDirty(c, now, wasActive != s.active, ctx);
          updateResolveCheck(c, now);
          saveCandidate(c, ctx);
        } else {
          state.signals().put(s.key, s);
        }
        return;
      }
    }
    state.signals().put(s.key, s);
    boolean repeatedTopology = s.source == SignalState.TOPOLOGY && !isNew;
    if (!s.isActiveAt(now, config.signalStaleAfterMs()) || repeatedTopology) {
      return;
    }
    CandidateState best = bestCandidate(s, now);
    if (best != null) {
      join(best, s, now, ctx);
      return;
    }
    if (s.opener) {
      createPending(s, now, ctx);
    }
  }

  // ================================================================ grouping

  private TopologyGraph graphAsOf(long t) {
    return graphCache.computeIfAbsent(t, topology::asOf);
  }

  private List<ChangeEvent> changes() {
    if (changeCache == null) {
      changeCache = assembler.allChanges();
    }
    return changeCache;
  }

  /** {@link #changes()} with each rollout's sightings merged, as change separation reads them. */
  private List<ChangeEvent> rollouts() {
    if (rolloutCache == null) {
      rolloutCache = ChangeSeparation.rollouts(changes());
    }
    return rolloutCache;
  }

  /**
   * Members that may attract other signals: a CPU/GC spike explained as warm-up after a deploy or
   * restart is not evidence of a failure others could inherit.
   */
  private List<SignalState> attracting(List<SignalState> members, long now) {
    List<SignalState> out = new ArrayList<>(members.size());
    for (SignalState m : members) {
      if (WarmUp.explain(m, changes(), members, config.warmupWindowMs(), now) == null) {
        out.add(m);
      }
    }
    return out;
  }

  private List<SignalState> members(CandidateState c) {
    List<SignalState> out = new ArrayList<>();
    for (String k : c.signalKeys) {
      SignalState s = state.signals().get(k);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  @Nullable
  private CandidateState bestCandidate(SignalState s, long now) {
    CandidateState best = null;
    int bestRel = Grouping.NONE;
    for (String id : state.candidates().sortedKeys()) {
      CandidateState c = state.candidates().get(id);
      if (c == null || c.status == CandidateState.RESOLVED) {
        continue;
      }
      long before = s.leading ? config.leadingSupportLookbackMs() : config.joinWindowMs();
      if (s.onsetMs > c.lastActivityMs + config.joinWindowMs() || s.onsetMs < c.onsetMs - before) {
        continue;
      }
      int rel = grouping.relation(s, attracting(members(c), now), graphAsOf(c.onsetMs));
      if (rel >= Grouping.CONNECTED && separatedByChange(c, List.of(s), s.onsetMs)) {
        continue;
      }
      if (rel > bestRel
          || (rel == bestRel && rel > Grouping.NONE && best != null && c.onsetMs < best.onsetMs)) {
        best = c;
        bestRel = rel;
      }
    }
    return bestRel >= Grouping.CONNECTED ? best : null;
  }

  private void join(CandidateState c, SignalState s, long now, Context ctx) {
    addMember(c, s);
    state.signals().put(s.key, s);
    markDirty(c, now, true, ctx);
    updateResolveCheck(c, now);
    saveCandidate(c, ctx);
  }

  private void addMember(CandidateState c, SignalState s) {
    s.candidateId = c.id;
    c.rawSignalCount += s.records;
    if (c.signalKeys.length < config.maxSignalsPerCandidate()) {
      c.signalKeys = Arrays.copyOf(c.signalKeys, c.signalKeys.length + 1);
      c.signalKeys[c.signalKeys.length - 1] = s.key;
    } else {
      stats.droppedMembers++;
    }
    c.onsetMs = Math.min(c.onsetMs, s.onsetMs);
    if (s.active) {
      c.lastActivityMs = Math.max(c.lastActivityMs, s.lastSeenMs);
    } else {
      c.lastActivityMs = Math.max(c.lastActivityMs, s.recoveredMs);
    }
  }

  private void createPending(SignalState s, long now, Context ctx) {
    String base = StableIds.candidateId(s.seriesId, s.onsetMs, config.idBucketMs());
    String id = base;
    for (int i = 2; state.candidates().get(id) != null; i++) {
      id = base + "-" + i;
    }
    CandidateState c = new CandidateState();
    c.id = id;
    c.idSeries = s.seriesId;
    c.status = CandidateState.PENDING;
    c.createdMs = now;
    c.openDeadlineMs = now + config.openDelayMs();
    c.onsetMs = s.onsetMs;
    c.lastActivityMs = s.lastSeenMs;
    c.nextUpdateMs = Long.MAX_VALUE;
    c.resolveCheckMs = Long.MAX_VALUE;
    c.retainUntilMs = Long.MAX_VALUE;
    addMember(c, s);
    state.signals().put(s.key, s);
    pullSupporting(c, now);
    saveCandidate(c, ctx);
  }

  /** Joins unassigned supporting signals (recent, or hours back for leading ones) that relate. */
  private void pullSupporting(CandidateState c, long now) {
    List<SignalState> mem = attracting(members(c), now);
    TopologyGraph g = graphAsOf(c.onsetMs);
    for (String k : state.signals().sortedKeys()) {
      SignalState s = state.signals().get(k);
      if (s == null || s.candidateId != null || s.onsetMs > now) {
        continue;
      }
      long lookback = s.leading ? config.leadingSupportLookbackMs() : config.supportLookbackMs();
      boolean recent =
          s.isActiveAt(now, config.signalStaleAfterMs())
              || s.inactiveSinceMs(config.signalStaleAfterMs())
                  >= c.onsetMs - config.supportLookbackMs();
      if (s.onsetMs < c.onsetMs - lookback || !recent) {
        continue;
      }
      if (grouping.relation(s, mem, g) >= Grouping.CONNECTED) {
        addMember(c, s);
        state.signals().put(s.key, s);
        mem.add(s);
      }
    }
  }

  // ================================================================ lifecycle

  private void onDeadline(CandidateState c, long now, Context ctx) {
    switch (c.status) {
      case CandidateState.PENDING -> tryOpen(c, now, ctx);
      case CandidateState.OPEN, CandidateState.UPDATED -> {
        if (c.dirty && now >= c.nextUpdateMs) {
          emit(c, CandidateStatus.UPDATED, now, ctx);
        }
        if (now >= c.resolveCheckMs) {
          checkResolve(c, now, ctx);
        }
        saveCandidate(c, ctx);
      }
      case CandidateState.RESOLVED -> {
        if (c.dirty && now >= c.nextUpdateMs) {
          emit(c, CandidateStatus.RESOLVED, now, ctx);
        }
        if (now >= c.retainUntilMs) {
          expire(c);
        } else {
          saveCandidate(c, ctx);
        }
      }
      default -> {
        state.deadlines().remove(c.id);
      }
    }
  }

  private void tryOpen(CandidateState c, long now, Context ctx) {
    List<SignalState> mem = members(c);
    List<ChangeEvent> changes = changes();
    int openers = 0;
    int activeOpeners = 0;
    long warmUntil = Long.MIN_VALUE;
    for (SignalState s : mem) {
      if (!s.opener) {
        continue;
      }
      if (WarmUp.explain(s, changes, mem, config.warmupWindowMs(), now) != null) {
        // Warm-up after a deploy or restart: wait it out before it may count as an opener.
        if (s.isActiveAt(now, config.signalStaleAfterMs())) {
          warmUntil = Math.max(warmUntil, s.onsetMs + config.warmupWindowMs() + 1);
        }
        continue;
      }
      openers++;
      if (s.isActiveAt(now, config.signalStaleAfterMs())) {
        activeOpeners++;
      }
    }
    if (openers == 0 && warmUntil > now) {
      c.openDeadlineMs = warmUntil;
      saveCandidate(c, ctx);
      return;
    }
    if (activeOpeners == 0 && openers < config.minOpenersIfRecovered()) {
      // A transient blip (or warm-up) that recovered before the open delay: never shown.
      stats.transientDiscarded++;
      for (SignalState s : mem) {
        s.candidateId = null;
        state.signals().put(s.key, s);
      }
      removeCandidate(c.id);
      return;
    }
    // 1. Connected (call graph, same entity) to a live candidate: it is part of that incident.
    CandidateState target = graphRelatedLive(c, attracting(mem, now), now);
    if (target != null) {
      foldInto(target, List.of(c), now, ctx);
      return;
    }
    // 1b. The same incident coming back after it went quiet (a slow ramp whose band caught up,
    // then fell behind again): a resolved candidate re-opens, a live one takes the group.
    target = quietRelatedCandidate(c, attracting(mem, now));
    if (target != null && target.isLive()) {
      foldInto(target, List.of(c), now, ctx);
      return;
    } else if (target != null) {
      reopen(target, c, now, ctx);
      return;
    }
    // 2. Absorb pending candidates connected to this one.
    for (String id : state.candidates().sortedKeys()) {
      CandidateState p = state.candidates().get(id);
      if (p == null || p.id.equals(c.id) || p.status != CandidateState.PENDING) {
        continue;
      }
      List<SignalState> pm = attracting(members(p), now);
      List<SignalState> cm = attracting(mem, now);
      if (connected(c, cm, p, pm)) {
        absorb(c, p, mem);
      }
    }
    // 3. A broad common factor (zone, cell, sidecar container) shared by several groups.
    target = broadFactorMerge(c, mem, now);
    if (target != null) {
      foldInto(target, List.of(c), now, ctx);
      return;
    }
    pullSupporting(c, now);
    c.status = CandidateState.OPEN;
    c.version = 0;
    c.openedAtMs = now;
    stats.candidatesOpened++;
    emit(c, CandidateStatus.OPEN, now, ctx);
    updateResolveCheck(c, now);
    saveCandidate(c, ctx);
  }

  /**
   * Whether two groups belong together: either one's signals relate to the other's in the call
   * graph as it was at the other's onset.
   */
  private boolean connected(
      CandidateState c, List<SignalState> cm, CandidateState o, List<SignalState> om) {
    return grouping.related(cm, om, graphAsOf(o.onsetMs))
        || grouping.related(om, cm, graphAsOf(c.onsetMs));
  }

  /** Moves every member of {@code from} into {@code into} and drops {@code from}. */
  private List<SignalState> moveMembers(CandidateState into, CandidateState from) {
    List<SignalState> moved = members(from);
    for (SignalState s : moved) {
      addMember(into, s);
      state.signals().put(s.key, s);
    }
    removeCandidate(from.id);
    return moved;
  }

  private void absorb(CandidateState into, CandidateState p, List<SignalState> intoMembers) {
    intoMembers.addAll(moveMembers(into, p));
  }

  private void foldInto(
      CandidateState target, List<CandidateState> sources, long now, Context ctx) {
    for (CandidateState src : sources) {
      moveMembers(target, src);
    }
    markDirty(target, now, true, ctx);
    updateResolveCheck(target, now);
    saveCandidate(target, ctx);
  }

  /**
   * The candidate that went quiet most recently (resolved, or live but silent past the join window)
   * whose incident c is coming back: a shared series within the re-open window (the slow-fault
   * window for one that started leading), or lagging symptoms on its services within the slow-fault
   * window; connected to c. Null when there is none.
   */
  @Nullable
  private CandidateState quietRelatedCandidate(CandidateState c, List<SignalState> mem) {
    if (config.reopenWindowMs() <= 0) {
      return null;
    }
    CandidateState best = null;
    long bestQuietSince = Long.MIN_VALUE;
    boolean consequences = hasLaggingOpener(mem);
    long window = Math.max(config.reopenWindowMs(), config.slowFaultReopenWindowMs());
    for (String id : state.candidates().sortedKeys()) {
      CandidateState o = state.candidates().get(id);
      if (o == null || o.id.equals(c.id) || !(o.isLive() || o.status == CandidateState.RESOLVED)) {
        continue;
      }
      // A live candidate that went quiet longer than the join window counts from its last
      // activity, as if it had resolved then.
      long quietSince = o.isLive() ? o.lastActivityMs : o.resolvedAtMs;
      if (c.onsetMs < quietSince - config.quietPeriodMs() || c.onsetMs > quietSince + window) {
        continue;
      }
      List<SignalState> om = members(o);
      // A slow fault's band catches up and its candidate resolves while the fault goes on: its
      // series come back, or it bites as errors or burn on the same services, hours later.
      boolean slow = startedLeading(om);
      long flareUpWindow =
          slow
              ? Math.max(config.reopenWindowMs(), config.slowFaultReopenWindowMs())
              : config.reopenWindowMs();
      boolean flareUp =
          c.onsetMs <= quietSince + flareUpWindow && sharesAny(mem, om, s -> s.seriesId);
      boolean biting =
          slow
              && consequences
              && c.onsetMs <= quietSince + config.slowFaultReopenWindowMs()
              && sharesAny(mem, om, s -> s.service);
      if (!flareUp && !biting) {
        continue; // not that incident coming back, only a neighbour's blip
      }
      if (separatedByChange(o, mem, c.onsetMs)) {
        continue; // a new change in between: a new incident, not the old one coming back
      }
      if (connected(c, mem, o, om) && (best == null || quietSince > bestQuietSince)) {
        best = o;
        bestQuietSince = quietSince;
      }
    }
    return best;
  }

  /** See {@link ChangeSeparation}; the older candidate's members are read only when needed. */
  private boolean separatedByChange(CandidateState older, List<SignalState> signals, long onset) {
    return ChangeSeparation.separates(
        config,
        topology,
        rollouts(),
        older,
        () -> members(older),
        this::allSignals,
        signals,
        onset);
  }

  private List<SignalState> allSignals() {
    List<SignalState> out = new ArrayList<>();
    for (String k : state.signals().sortedKeys()) {
      SignalState s = state.signals().get(k);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean hasLaggingOpener(List<SignalState> mem) {
    for (SignalState s : mem) {
      if (s.opener && !s.leading) {
        return true;
      }
    }
    return false;
  }

  /** Whether the earliest anomaly of the group was a leading signal. */
  private static boolean startedLeading(List<SignalState> mem) {
    SignalState first = null;
    for (SignalState s : mem) {
      if (s.source == SignalState.ANOMALY
          && s.category != SignalCategory.TOPOLOGY.ordinal()
          && (first == null || s.onsetMs < first.onsetMs)) {
        first = s;
      }
    }
    return first != null && first.leading;
  }

  /** Whether the two groups have a value of {@code key} (non-null) in common. */
  private static boolean sharesAny(
      List<SignalState> a, List<SignalState> b, Function<SignalState, String> key) {
    Set<String> values = new HashSet<>();
    for (SignalState s : a) {
      String v = key.apply(s);
      if (v != null) {
        values.add(v);
      }
    }
    for (SignalState s : b) {
      String v = key.apply(s);
      if (v != null && values.contains(v)) {
        return true;
      }
    }
    return false;
  }

  private void reopen(CandidateState o, CandidateState c, long now, Context ctx) {
    moveMembers(o, c);
    o.status = CandidateState.UPDATED;
    o.retainUntilMs = Long.MAX_VALUE;
    stats.candidatesReopened++;
    emit(o, CandidateStatus.UPDATED, now, ctx);
    updateResolveCheck(o, now);
    saveCandidate(o, ctx);
  }

  /** The earliest live candidate connected by the call graph or a shared entity, or null. */
  @Nullable
  private CandidateState graphRelatedLive(CandidateState c, List<SignalState> mem, long now) {
    for (String id : state.candidates().sortedKeys()) {
      CandidateState o = state.candidates().get(id);
      if (o == null || o.id.equals(c.id) || !o.isLive()) {
        continue;
      }
      if (c.onsetMs > o.lastActivityMs + config.joinWindowMs()
          || separatedByChange(o, mem, c.onsetMs)) {
        continue;
      }
      List<SignalState> om = attracting(members(o), now);
      if (connected(c, mem, o, om)) {
        return o;
      }
    }
    return null;
  }

  /**
   * Groups (this pending candidate and others, pending or live) whose factor-bearing signals all
   * share one zone, cell or container value, with onsets close together, across at least the
   * configured number of services, where the value is not universal for them, are one incident.
   * Returns the live candidate to fold into, or null (pending peers are absorbed into c).
   */
  @Nullable
  private CandidateState broadFactorMerge(CandidateState c, List<SignalState> mem, long now) {
    for (String facet : Grouping.BROAD_FACTORS) {
      String v = Grouping.common(mem, facet);
      if (v == null) {
        continue;
      }
      List<CandidateState> peers = new ArrayList<>();
      java.util.Set<String> services = new java.util.TreeSet<>(Grouping.factorServices(mem, facet));
      for (String id : state.candidates().sortedKeys()) {
        CandidateState o = state.candidates().get(id);
        if (o == null || o.id.equals(c.id) || o.status == CandidateState.RESOLVED) {
          continue;
        }
        List<SignalState> om = members(o);
        if (!v.equals(Grouping.common(om, facet))) {
          continue;
        }
        long window =
            allLeading(mem) && allLeading(om)
                ? config.leadingSupportLookbackMs() / 6
                : config.factorOnsetWindowMs();
        if (Math.abs(o.onsetMs - c.onsetMs) > window) {
          continue;
        }
        peers.add(o);
        services.addAll(Grouping.factorServices(om, facet));
      }
      if (peers.isEmpty()
          || services.size() < config.minFactorServices()
          || Grouping.universal(facet, v, services, inventory, now)) {
        continue;
      }
      CandidateState live = null;
      for (CandidateState o : peers) {
        if (o.isLive() && (live == null || o.onsetMs < live.onsetMs)) {
          live = o;
        }
      }
      for (CandidateState o : peers) {
        if (o.status == CandidateState.PENDING) {
          if (live != null) {
            foldPending(live, o);
          } else {
            absorb(c, o, mem);
          }
        }
      }
      return live;
    }
    return null;
  }

  private void foldPending(CandidateState live, CandidateState p) {
    for (SignalState s : members(p)) {
      addMember(live, s);
      state.signals().put(s.key, s);
    }
    removeCandidate(p.id);
  }

  private static boolean allLeading(List<SignalState> group) {
    for (SignalState s : group) {
      if (!s.leading) {
        return false;
      }
    }
    return !group.isEmpty();
  }

  private void markDirty(CandidateState c, long now, boolean significant, Context ctx) {
    c.dirty = true;
    c.significant |= significant;
    if (c.status == CandidateState.PENDING) {
      return;
    }
    long interval = c.significant ? config.updateIntervalMs() : config.impactUpdateIntervalMs();
    long next = Math.max(now, c.lastEmitMs + interval);
    if (c.nextUpdateMs == Long.MAX_VALUE || next < c.nextUpdateMs || !c.dirty) {
      c.nextUpdateMs = next;
    } else if (c.significant) {
      c.nextUpdateMs = Math.min(c.nextUpdateMs, next);
    }
    ctx.scheduleAt(c.nextUpdateMs);
  }

  /** Resolution is checked when every member has been inactive for the quiet period. */
  private void updateResolveCheck(CandidateState c, long now) {
    if (!c.isLive()) {
      return;
    }
    long quietSince = Long.MIN_VALUE;
    for (SignalState s : members(c)) {
      quietSince = Math.max(quietSince, s.inactiveSinceMs(config.signalStaleAfterMs()));
    }
    long check = quietSince == Long.MIN_VALUE ? now : quietSince + config.quietPeriodMs();
    c.resolveCheckMs = Math.max(check, now);
  }

  private void checkResolve(CandidateState c, long now, Context ctx) {
    long quietSince = Long.MIN_VALUE;
    for (SignalState s : members(c)) {
      quietSince = Math.max(quietSince, s.inactiveSinceMs(config.signalStaleAfterMs()));
    }
    if (quietSince != Long.MIN_VALUE && now < quietSince + config.quietPeriodMs()) {
      c.resolveCheckMs = quietSince + config.quietPeriodMs();
      return;
    }
    c.status = CandidateState.RESOLVED;
    c.resolvedAtMs = now;
    c.retainUntilMs = now + config.resolvedRetentionMs();
    c.resolveCheckMs = Long.MAX_VALUE;
    stats.candidatesResolved++;
    emit(c, CandidateStatus.RESOLVED, now, ctx);
  }

  private void emit(CandidateState c, CandidateStatus status, long now, Context ctx) {
    c.version++;
    IncidentCandidate rec = assembler.assemble(c, members(c), status, now);
    ctx.candidate(rec);
    if (status == CandidateStatus.UPDATED) {
      stats.updatesEmitted++;
      c.status = CandidateState.UPDATED;
    }
    c.lastEmitMs = now;
    c.dirty = false;
    c.significant = false;
    c.nextUpdateMs = Long.MAX_VALUE;
  }

  private void saveCandidate(CandidateState c, Context ctx) {
    state.candidates().put(c.id, c);
    long d = c.nextDeadlineMs();
    if (d == Long.MAX_VALUE) {
      state.deadlines().remove(c.id);
    } else {
      state.deadlines().put(c.id, d);
      ctx.scheduleAt(d);
    }
  }

  private void removeCandidate(String id) {
    state.candidates().remove(id);
    state.deadlines().remove(id);
  }

  private void expire(CandidateState c) {
    for (String k : c.signalKeys) {
      state.signals().remove(k);
    }
    removeCandidate(c.id);
  }

  // ================================================================ cleanup

  private void cleanup(EngineMeta meta, long now, Context ctx) {
    topology.cleanup(now);
    impact.cleanup(now);
    inventory.cleanup(now);
    if (now >= meta.nextSlowCleanupMs) {
      business.cleanup(now);
      meta.nextSlowCleanupMs = now + SLOW_CLEANUP_MS;
    }
    // Changes: kept for the longest lookback after they ended, unless a live candidate cites them.
    java.util.Set<String> cited = new java.util.TreeSet<>();
    List<CandidateState> live = new ArrayList<>();
    for (String id : state.candidates().sortedKeys()) {
      CandidateState c = state.candidates().get(id);
      if (c != null && c.status != CandidateState.RESOLVED) {
        cited.addAll(Arrays.asList(c.linkedChangeIds));
        live.add(c);
      }
    }
    long keep = config.leadingChangeLookbackMs() + 3_600_000L;
    List<String> changeKeys = state.changes().sortedKeys();
    int remaining = changeKeys.size();
    for (String k : changeKeys) {
      ChangeEvent ch = state.changes().get(k);
      if (ch == null) {
        continue;
      }
      long end = ch.getTimestampMs();
      if (ch.getRolloutEndMs() != null) {
        end = Math.max(end, ch.getRolloutEndMs());
      }
      if (ch.getActivityEndMs() != null) {
        end = Math.max(end, ch.getActivityEndMs());
      }
      if ((end + keep < now || remaining > config.maxChanges()) && !cited.contains(k)) {
        state.changes().remove(k);
        remaining--;
      }
    }
    // Unassigned signals: kept while they may still support a candidate.
    List<String> signalKeys = state.signals().sortedKeys();
    int count = signalKeys.size();
    for (String k : signalKeys) {
      SignalState s = state.signals().get(k);
      if (s == null) {
        continue;
      }
      if (s.candidateId != null) {
        if (state.candidates().get(s.candidateId) != null) {
          continue;
        }
        s.candidateId = null;
      }
      long retention = s.leading ? config.leadingSupportLookbackMs() : config.supportLookbackMs();
      long inactive = s.inactiveSinceMs(config.signalStaleAfterMs());
      if (inactive + retention < now || count > config.maxSignals()) {
        state.signals().remove(k);
        count--;
      } else {
        state.signals().put(k, s);
      }
    }
    // Live candidates fold their impact now, so the sketch ring can be trimmed safely.
    for (CandidateState c : live) {
      if (c.isLive()) {
        assembler.assemble(c, members(c), CandidateStatus.UPDATED, now); // folds; not emitted
        state.candidates().put(c.id, c);
      }
    }
    boolean empty =
        state.signals().isEmpty()
            && state.candidates().isEmpty()
            && state.pending().isEmpty()
            && state.changes().isEmpty()
            && state.edges().isEmpty()
            && state.redSeries().isEmpty()
            && state.redSlots().isEmpty()
            && state.sketches().isEmpty()
            && state.business().isEmpty()
            && state.inventory().isEmpty()
            && state.deadlines().isEmpty();
    if (empty) {
      state.meta().clear();
      return;
    }
    meta.nextCleanupMs = now + config.cleanupIntervalMs();
    state.meta().set(meta);
    ctx.scheduleAt(meta.nextCleanupMs);
  }
}
