package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.Direction;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SignalClass;
import io.signalfold.schema.SignalSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * The service and dependency graph built from call edges, versioned in event time.
 *
 * <p>Design note: each edge keeps a short list of presence intervals (first/last interval seen,
 * split when the edge was absent for longer than the expiry), so "the graph as of the incident's
 * onset" is a filter over edges rather than a stored snapshot per time (the approach of
 * trace-derived service maps such as Jaeger's dependency links and X-Ray's service graph, made
 * time-aware). An edge absent for the expiry ages out of the live graph; its state is kept for the
 * retention so past onsets can still be answered, then removed. An edge seen for the first time
 * after the topology has warmed up is reported as a NEW_DEPENDENCY anomaly on the feed.
 */
public final class Topology {

  private static final int MAX_INTERVALS = 8;

  private final CorrelationConfig config;
  private final KeyedStore<EdgeState> edges;

  public Topology(CorrelationConfig config, CorrelationState state) {
    this.config = config;
    this.edges = state.edges();
  }

  static String edgeKey(String caller, String callee) {
    return caller + "->" + callee;
  }

  /**
   * Records one observed edge interval.
   *
   * @return a NEW_DEPENDENCY anomaly if this edge was never seen before (within the retention) and
   *     the topology has been observed for at least the warm-up, otherwise null
   */
  @Nullable
  public Anomaly observe(CallEdge e, EngineMeta meta) {
    if (meta.topologyStartMs == Long.MIN_VALUE || e.getIntervalStartMs() < meta.topologyStartMs) {
      meta.topologyStartMs = e.getIntervalStartMs();
    }
    String key = edgeKey(e.getCaller(), e.getCallee());
    EdgeState s = edges.get(key);
    boolean isNew = s == null;
    if (isNew) {
      s = new EdgeState();
      s.caller = e.getCaller();
      s.callee = e.getCallee();
      s.presence = new long[] {e.getIntervalStartMs(), e.getIntervalEndMs()};
    } else {
      extend(s, e.getIntervalStartMs(), e.getIntervalEndMs());
    }
    s.calleeKind = e.getCalleeKind().ordinal();
    s.calleeSystem = e.getCalleeSystem();
    if (e.getIntervalEndMs() >= s.lastIntervalEndMs) {
      s.lastIntervalEndMs = e.getIntervalEndMs();
      s.lastCalls = e.getCalls();
      s.lastErrors = e.getErrors();
      if (e.getSampleTraceIds() != null && !e.getSampleTraceIds().isEmpty()) {
        s.sampleTraceIds = e.getSampleTraceIds().stream().limit(5).toArray(String[]::new);
      }
    }
    edges.put(key, s);
    if (isNew && e.getIntervalStartMs() >= meta.topologyStartMs + config.newEdgeWarmupMs()) {
      return newDependency(e, meta);
    }
    return null;
  }

  private void extend(EdgeState s, long start, long end) {
    long[] p = s.presence;
    int last = p.length - 2;
    if (start <= p[last + 1] + config.edgeExpiryMs()) {
      if (start >= p[last]) {
        p[last + 1] = Math.max(p[last + 1], end);
      } else {
        // Out of order: widen the interval it belongs to.
        for (int i = 0; i < p.length; i += 2) {
          if (start <= p[i + 1] + config.edgeExpiryMs() && end >= p[i] - config.edgeExpiryMs()) {
            p[i] = Math.min(p[i], start);
            p[i + 1] = Math.max(p[i + 1], end);
            return;
          }
        }
      }
      return;
    }
    long[] next;
    if (p.length / 2 >= MAX_INTERVALS) {
      next = Arrays.copyOfRange(p, 2, p.length + 2);
    } else {
      next = Arrays.copyOf(p, p.length + 2);
    }
    next[next.length - 2] = start;
    next[next.length - 1] = end;
    s.presence = next;
  }

  private Anomaly newDependency(CallEdge e, EngineMeta meta) {
    Map<String, String> attrs = new TreeMap<>();
    attrs.put("peer", e.getCallee());
    attrs.put("peer.kind", e.getCalleeKind().name());
    if (e.getCalleeSystem() != null) {
      attrs.put("peer.system", e.getCalleeSystem());
    }
    if (e.getCallerOperation() != null) {
      attrs.put("operation", e.getCallerOperation());
    }
    if (e.getCalleeOperation() != null) {
      attrs.put("peer.operation", e.getCalleeOperation());
    }
    String series = "topology:" + edgeKey(e.getCaller(), e.getCallee());
    return Anomaly.newBuilder()
        .setId(StableIds.anomalyId(series, e.getIntervalStartMs()))
        .setSeriesId(series)
        .setSignal("topology.edge.new")
        .setSource(SignalSource.TOPOLOGY)
        .setTimestampMs(e.getIntervalEndMs())
        .setOnsetMs(e.getIntervalStartMs())
        .setPhase(AnomalyPhase.OPEN)
        .setResource(ResourceContext.newBuilder().setService(e.getCaller()).build())
        .setAttributes(attrs)
        .setValue(e.getCalls())
        .setExpected(0.0)
        .setLower(0.0)
        .setUpper(0.0)
        .setScore(0.5)
        .setDirection(Direction.UP)
        .setKind(AnomalyKind.NEW_DEPENDENCY)
        .setSignalClass(SignalClass.LEADING)
        .setTier(AnomalyTier.INVESTIGATE)
        .setHistoryPoints(0L)
        .setHistoryMs(e.getIntervalStartMs() - meta.topologyStartMs)
        .setEvidence(
            AnomalyEvidence.newBuilder()
                .setTraceIds(
                    e.getSampleTraceIds() == null
                        ? List.of()
                        : new ArrayList<>(e.getSampleTraceIds()))
                .setLink(null)
                .build())
        .setDetector("correlation.topology")
        .build();
  }

  /** The graph of edges present at event time t. */
  public TopologyGraph asOf(long t) {
    Map<String, Set<String>> callees = new TreeMap<>();
    Map<String, Set<String>> callers = new TreeMap<>();
    Set<String> external = new TreeSet<>();
    Map<String, EdgeState> present = new HashMap<>();
    for (String key : edges.sortedKeys()) {
      EdgeState e = edges.get(key);
      if (e == null || !e.presentAt(t, config.edgeExpiryMs())) {
        continue;
      }
      present.put(key, e);
      callees.computeIfAbsent(e.caller, k -> new TreeSet<>()).add(e.callee);
      callers.computeIfAbsent(e.callee, k -> new TreeSet<>()).add(e.caller);
      if (e.calleeKind != DependencyKind.SERVICE.ordinal()) {
        external.add(e.callee);
      }
    }
    return new TopologyGraph(callees, callers, external, present);
  }

  /** Removes edges unseen for longer than the retention; enforces the edge cap. */
  public void cleanup(long now) {
    List<String> keys = edges.sortedKeys();
    List<long[]> alive = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      EdgeState e = edges.get(keys.get(i));
      if (e == null) {
        continue;
      }
      if (e.lastSeenMs() + config.edgeRetentionMs() < now) {
        edges.remove(keys.get(i));
      } else {
        alive.add(new long[] {e.lastSeenMs(), i});
      }
    }
    if (alive.size() > config.maxEdges()) {
      alive.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
      for (int i = 0; i < alive.size() - config.maxEdges(); i++) {
        edges.remove(keys.get((int) alive.get(i)[1]));
      }
    }
  }
}
