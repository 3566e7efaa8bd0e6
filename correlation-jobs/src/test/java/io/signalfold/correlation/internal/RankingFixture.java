package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.Direction;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.SignalClass;
import io.signalfold.schema.SignalSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * Hand-built inputs for one {@link HypothesisGenerator}: a call graph, the candidate's signals, the
 * changes and the inventory, ranked at event time {@link #now}. Signals are active openers with a
 * value well above their band unless a test says otherwise.
 */
final class RankingFixture {

  static final long MIN = 60_000;

  /** Where the tests put the incident's first signal. */
  static final long ONSET = 10 * 3_600_000L;

  final CorrelationConfig config = CorrelationConfig.defaults();
  final InventoryIndex inventory;
  final ImpactIndex impact;
  final List<ChangeEvent> changes = new ArrayList<>();
  long now = ONSET + 30 * MIN;

  private final Topology topology;
  private final EngineMeta meta = new EngineMeta();
  private final List<SignalState> signals = new ArrayList<>();
  private int next;

  RankingFixture() {
    InMemoryCorrelationState state = new InMemoryCorrelationState();
    topology = new Topology(config, state);
    inventory = new InventoryIndex(config, state);
    impact = new ImpactIndex(config, state);
  }

  Topology topology() {
    return topology;
  }

  /** {@code caller} calls service {@code callee} from two hours before the onset onwards. */
  RankingFixture calls(String caller, String callee) {
    return edge(caller, callee, DependencyKind.SERVICE);
  }

  /** {@code caller} calls the external database {@code dependency}. */
  RankingFixture callsDatabase(String caller, String dependency) {
    return edge(caller, dependency, DependencyKind.DATABASE);
  }

  private RankingFixture edge(String caller, String callee, DependencyKind kind) {
    topology.observe(
        CallEdge.newBuilder()
            .setIntervalStartMs(ONSET - 120 * MIN)
            .setIntervalEndMs(now)
            .setCaller(caller)
            .setCallee(callee)
            .setCalleeKind(kind)
            .setResolution(
                kind == DependencyKind.SERVICE
                    ? EdgeResolution.PARENT_CHILD
                    : EdgeResolution.PEER_ATTRIBUTE)
            .setCalls(100)
            .setErrors(0)
            .build(),
        meta);
    return this;
  }

  /** A service-level signal of {@code service}, ten times its expected value. */
  SignalState signal(String service, SignalCategory category, long onsetMs) {
    SignalState s = new SignalState();
    s.id = "sig-" + ++next;
    s.key = "a|" + s.id;
    s.source = SignalState.ANOMALY;
    s.service = service;
    s.category = category.ordinal();
    s.signal = category.name().toLowerCase(Locale.ROOT);
    s.seriesId = service + "/" + s.signal;
    s.direction = 1;
    s.opener = true;
    s.active = true;
    s.onsetMs = onsetMs;
    s.firstSeenMs = onsetMs;
    s.lastSeenMs = now;
    s.value = 10;
    s.expected = 1;
    s.lower = 0;
    s.upper = 2;
    signals.add(s);
    return s;
  }

  /**
   * A signal of one instance: the series names the instance, so the instances of one service form
   * one metric family.
   */
  SignalState instanceSignal(
      String service,
      String instance,
      @Nullable String zone,
      SignalCategory category,
      long onsetMs,
      double value) {
    SignalState s = signal(service, category, onsetMs);
    s.instance = instance;
    s.zone = zone;
    s.seriesId = service + "/" + instance + "/" + s.signal;
    s.value = value;
    return s;
  }

  /** A signal seen on {@code service}'s client spans to {@code peer}. */
  SignalState clientSignal(String service, String peer, SignalCategory category, long onsetMs) {
    SignalState s = signal(service, category, onsetMs);
    s.peer = peer;
    s.seriesId = service + "->" + peer + "/" + s.signal;
    return s;
  }

  /** Attaches the detector's evidence (a log template, a sample message) to a signal. */
  static SignalState withMessage(
      SignalState s, @Nullable String logTemplate, @Nullable String sampleMessage) {
    s.anomaly =
        Anomaly.newBuilder()
            .setId(s.id)
            .setSeriesId(s.seriesId)
            .setSignal(s.signal)
            .setSource(SignalSource.METRIC)
            .setTimestampMs(s.onsetMs)
            .setOnsetMs(s.onsetMs)
            .setPhase(AnomalyPhase.OPEN)
            .setResource(ResourceContext.newBuilder().setService(s.service).build())
            .setValue(s.value)
            .setExpected(s.expected)
            .setLower(s.lower)
            .setUpper(s.upper)
            .setScore(1)
            .setDirection(Direction.UP)
            .setKind(AnomalyKind.SPIKE)
            .setSignalClass(SignalClass.LAGGING)
            .setTier(AnomalyTier.ALARM)
            .setHistoryPoints(1000L)
            .setHistoryMs(86_400_000L)
            .setEvidence(
                AnomalyEvidence.newBuilder()
                    .setLogTemplate(logTemplate)
                    .setSampleMessage(sampleMessage)
                    .build())
            .setDetector("test")
            .build();
    return s;
  }

  static ChangeEvent.Builder change(String id, ChangeKind kind, @Nullable String service, long t) {
    return ChangeEvent.newBuilder().setId(id).setKind(kind).setService(service).setTimestampMs(t);
  }

  RankingFixture add(ChangeEvent.Builder change) {
    changes.add(change.build());
    return this;
  }

  /** The inventory saw {@code instance} of {@code service} just now. */
  RankingFixture runs(
      String service, String instance, @Nullable String zone, @Nullable String version) {
    inventory.observe(
        InventoryFact.create(
            service, InventoryFact.TRACES, instance, null, zone, null, version, now));
    return this;
  }

  CandidateAnalysis analysis() {
    return new CandidateAnalysis(config, signals, topology, ONSET);
  }

  RankingContext context() {
    return new RankingContext(
        config, new EvidenceFactory(config), analysis(), changes, impact, inventory, now);
  }

  /** Runs {@code generator} on a fresh board. */
  RankingBoard run(HypothesisGenerator generator) {
    return run(new RankingBoard(), generator);
  }

  /** Runs {@code generator} on a board earlier generators (or the test) have filled. */
  RankingBoard run(RankingBoard board, HypothesisGenerator generator) {
    generator.generate(context(), board);
    return board;
  }

  static List<HypothesisDraft> drafts(RankingBoard board, RootCauseKind kind) {
    return board.drafts.values().stream().filter(d -> d.kind == kind).toList();
  }

  /** The one draft of {@code kind} on the board; fails when there is none or more than one. */
  static HypothesisDraft only(RankingBoard board, RootCauseKind kind) {
    List<HypothesisDraft> found = drafts(board, kind);
    if (found.size() != 1) {
      throw new AssertionError("one " + kind + " draft expected, got " + describe(board));
    }
    return found.get(0);
  }

  static List<String> describe(RankingBoard board) {
    return board.drafts.values().stream()
        .map(d -> d.kind + " " + d.entityName + " " + d.terms)
        .toList();
  }

  static List<String> reasons(RankingBoard board) {
    return board.ruledOut.stream().map(r -> r.getWhat() + ": " + r.getReason()).toList();
  }
}
