package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.RankingWeights.Weight;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * The shape of one candidate: its signals mapped onto graph nodes (services and dependencies), the
 * call graph as of its onset, and for each node whether it is the deepest anomalous node or a
 * caller that inherits the failures of an anomalous callee.
 *
 * <p>Design note: the "deepest anomalous dependency" rule is the microservice RCA heuristic of
 * walking the call graph from the symptoms towards the callees and stopping where nothing below is
 * anomalous (as in MonitorRank, Kim et al. SIGMETRICS 2013, and the trace-graph localisation of
 * MicroRCA, Wu et al. NOMS 2020), simplified to reachability in the as-of-onset graph plus onset
 * order: a caller only "inherits" when it has no signal of its own (resources, missing data) and
 * did not start failing clearly before its anomalous callee.
 */
public final class CandidateAnalysis {

  /** Node roles. */
  public static final int ROOT = 0;

  public static final int MIXED = 1;
  public static final int INHERITOR = 2;

  /** One service or dependency implicated by the candidate's signals. */
  public static final class Node {
    public final String name;
    public boolean dependency;
    public long onsetMs = Long.MAX_VALUE;
    public long leadingOnsetMs = Long.MAX_VALUE;
    public long laggingOnsetMs = Long.MAX_VALUE;
    public int categories;
    public final List<SignalState> own = new ArrayList<>();
    public final List<SignalState> viaClients = new ArrayList<>();
    public final Set<String> versions = new TreeSet<>();
    public final Set<String> instances = new TreeSet<>();
    public int role = ROOT;
    public String roleReason = "";
    public final Set<String> anomalousCallees = new TreeSet<>();
    public double onsetFactor = 1.0;

    Node(String name) {
      this.name = name;
    }

    public boolean has(SignalCategory c) {
      return (categories & (1 << c.ordinal())) != 0;
    }

    public boolean hasOwnSignals() {
      for (SignalCategory c : SignalCategory.values()) {
        if (c.isOwn() && has(c)) {
          return true;
        }
      }
      return false;
    }

    /** All signals that implicate the node. */
    public List<SignalState> all() {
      List<SignalState> out = new ArrayList<>(own);
      out.addAll(viaClients);
      return out;
    }
  }

  public final List<SignalState> members;
  public final TopologyGraph graph;
  public final Map<String, Node> nodes = new TreeMap<>();
  public final long onsetMs;
  public final long laggingOnsetMs;
  public final long leadingOnsetMs;

  /** A leading signal started no later than the first lagging one: use the long lookback. */
  public final boolean leadingFirst;

  private final CorrelationConfig config;

  /** Onset of the first opening signal; MAX_VALUE when none opened. */
  private final long firstOpenerMs;

  /** A non-opening member whose episode ended before {@code t} (recovered, or last heard). */
  static boolean endedBefore(SignalState s, long t) {
    if (s.opener || s.active || t == Long.MAX_VALUE) {
      return false;
    }
    long end = s.recoveredMs > 0 ? s.recoveredMs : s.lastSeenMs;
    return end < t;
  }

  public CandidateAnalysis(
      CorrelationConfig config, List<SignalState> members, Topology topology, long fallbackTime) {
    this.config = config;
    List<SignalState> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparingLong((SignalState s) -> s.onsetMs).thenComparing(s -> s.key));
    this.members = sorted;
    long opener = Long.MAX_VALUE;
    for (SignalState s : sorted) {
      if (s.opener) {
        opener = Math.min(opener, s.onsetMs);
      }
    }
    this.firstOpenerMs = opener;
    long onset = Long.MAX_VALUE;
    long lead = Long.MAX_VALUE;
    long lag = Long.MAX_VALUE;
    for (SignalState s : sorted) {
      if (isContext(s)) {
        // a supporting blip that was over before the first opening signal is context, not the
        // incident's onset (it would rule out a deploy made between the blip and the failure)
        continue;
      }
      onset = Math.min(onset, s.onsetMs);
      if (s.leading && s.category != SignalCategory.TOPOLOGY.ordinal()) {
        lead = Math.min(lead, s.onsetMs);
      } else if (!s.leading) {
        lag = Math.min(lag, s.onsetMs);
      }
    }
    this.onsetMs = onset == Long.MAX_VALUE ? fallbackTime : onset;
    this.leadingOnsetMs = lead;
    this.laggingOnsetMs = lag;
    this.leadingFirst = lead != Long.MAX_VALUE && lead <= lag;

    // Nodes and the call edges the signals themselves prove (client spans to a peer).
    Map<String, Set<String>> implied = new TreeMap<>();
    Set<String> impliedExternal = new TreeSet<>();
    TopologyGraph asOf = topology.asOf(this.onsetMs);
    for (SignalState s : sorted) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (s.service != null) {
        Node n = node(s.service);
        n.own.add(s);
        mark(n, s, cat);
        if (s.version != null) {
          n.versions.add(s.version);
        }
        if (s.instance != null) {
          n.instances.add(s.instance);
        }
      }
      if (s.peer != null && cat != SignalCategory.TOPOLOGY) {
        Node p = node(s.peer);
        p.viaClients.add(s);
        mark(p, s, cat);
        if (s.service != null && !asOf.calleesOf(s.service).contains(s.peer)) {
          implied.computeIfAbsent(s.service, k -> new TreeSet<>()).add(s.peer);
          if (!asOf.contains(s.peer)) {
            impliedExternal.add(s.peer);
          }
        }
      }
    }
    this.graph = asOf.withImpliedEdges(implied, impliedExternal);
    for (Node n : nodes.values()) {
      n.dependency = graph.isExternal(n.name) || (n.own.isEmpty() && !graph.contains(n.name));
    }
    classifyRoles();
  }

  private Node node(String name) {
    return nodes.computeIfAbsent(name, Node::new);
  }

  private static void mark(Node n, SignalState s, SignalCategory cat) {
    n.categories |= 1 << cat.ordinal();
    if (cat == SignalCategory.TOPOLOGY) {
      return; // a new edge says nothing about when the node started failing
    }
    n.onsetMs = Math.min(n.onsetMs, s.onsetMs);
    if (s.leading) {
      n.leadingOnsetMs = Math.min(n.leadingOnsetMs, s.onsetMs);
    } else {
      n.laggingOnsetMs = Math.min(n.laggingOnsetMs, s.onsetMs);
    }
  }

  /**
   * A supporting blip that was over before the first opening signal: context pulled in from the
   * recent past, not part of the incident's onset.
   */
  public boolean isContext(SignalState s) {
    return endedBefore(s, firstOpenerMs);
  }

  /** The earliest onset of the node's signals that are not context; MAX_VALUE when none. */
  public long incidentOnset(Node n) {
    long first = Long.MAX_VALUE;
    for (SignalState s : n.all()) {
      if (s.category != SignalCategory.TOPOLOGY.ordinal() && !isContext(s)) {
        first = Math.min(first, s.onsetMs);
      }
    }
    return first;
  }

  /**
   * How much later than another signal one may start and still be its cause or share its cause: two
   * RED intervals, the granularity at which onsets are detected. A signal that starts later than
   * this after the symptoms it would explain is their consequence.
   */
  public long consequenceToleranceMs() {
    return 2 * config.redIntervalMs();
  }

  private void classifyRoles() {
    int hops = Math.max(2, config.maxHops() * 2);
    long tolerance = consequenceToleranceMs();
    long minOnset = Long.MAX_VALUE;
    for (Node n : nodes.values()) {
      if (n.onsetMs != Long.MAX_VALUE) {
        minOnset = Math.min(minOnset, n.onsetMs);
      }
    }
    double floor = config.weights().get(Weight.ONSET_ORDER_FLOOR);
    for (Node n : nodes.values()) {
      if (n.onsetMs == Long.MAX_VALUE) {
        n.onsetMs = onsetMs;
      }
      long lag = Math.max(0, n.onsetMs - (minOnset == Long.MAX_VALUE ? n.onsetMs : minOnset));
      n.onsetFactor = floor + (1 - floor) * Math.exp(-lag / 120_000.0);
      long firstBelow = Long.MAX_VALUE;
      for (Map.Entry<String, Integer> d : graph.downstream(n.name, hops).entrySet()) {
        Node below = nodes.get(d.getKey());
        if (below != null && below != n && canFailCallers(below)) {
          n.anomalousCallees.add(below.name);
          firstBelow = Math.min(firstBelow, below.onsetMs);
        }
      }
      if (n.anomalousCallees.isEmpty()) {
        n.role = ROOT;
        n.roleReason = "deepest anomalous node: nothing it calls is anomalous";
      } else if (n.onsetMs < firstBelow - tolerance) {
        // What starts failing only after its caller did cannot be what the caller inherits: a
        // slow service's database calls slowing down minutes later are a consequence.
        n.role = ROOT;
        n.roleReason =
            "started failing before anything it calls: "
                + String.join(", ", n.anomalousCallees)
                + " went anomalous "
                + HypothesisRanker.duration(firstBelow - n.onsetMs)
                + " later";
      } else if (!n.hasOwnSignals() && n.onsetMs >= firstBelow - tolerance) {
        n.role = INHERITOR;
        n.roleReason =
            "calls anomalous "
                + String.join(", ", n.anomalousCallees)
                + ": inherits their failures";
      } else {
        n.role = MIXED;
        n.roleReason =
            (n.hasOwnSignals() ? "has signals of its own" : "started failing before its callees")
                + " but calls anomalous "
                + String.join(", ", n.anomalousCallees);
      }
    }
  }

  private static boolean isAnomalous(Node n) {
    for (SignalState s : n.all()) {
      if (s.category != SignalCategory.TOPOLOGY.ordinal()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a callee shows something its callers can inherit. Receiving fewer calls (or more) does
   * not make a caller fail: a callee whose only anomaly is its request rate is a consequence of its
   * callers (they fail before calling it, or retry), never the source of their errors.
   */
  private static boolean canFailCallers(Node n) {
    for (SignalState s : n.all()) {
      if (s.category != SignalCategory.TOPOLOGY.ordinal()
          && s.category != SignalCategory.TRAFFIC.ordinal()) {
        return true;
      }
    }
    return false;
  }

  @Nullable
  public Node node(@Nullable String name, boolean create) {
    if (name == null) {
      return null;
    }
    return create ? node(name) : nodes.get(name);
  }

  /** Root nodes (deepest anomalous), earliest onset first. */
  public List<Node> roots() {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (n.role == ROOT && isAnomalous(n)) {
        out.add(n);
      }
    }
    out.sort(Comparator.comparingLong((Node n) -> n.onsetMs).thenComparing(n -> n.name));
    return out;
  }

  /** Location weight of a node in the call graph (root, mixed, inheritor). */
  public double locationWeight(Node n) {
    return switch (n.role) {
      case ROOT -> config.weights().get(Weight.LOCATION_ROOT);
      case MIXED -> config.weights().get(Weight.LOCATION_MIXED);
      default -> config.weights().get(Weight.LOCATION_INHERITOR);
    };
  }

  /**
   * Whether {@code service} is a callee (within two hops) of an anomalous node whose failure no
   * anomalous callee already explains (a caller that only inherits does not implicate its other
   * callees).
   */
  public boolean isNeighbourOfFailure(String service) {
    for (Node n : nodes.values()) {
      if (n.role == INHERITOR) {
        continue;
      }
      int d = graph.distance(n.name, service, 2);
      if (d > 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code service} calls (transitively) some anomalous node. */
  public boolean isUpstreamOfFailure(String service) {
    for (Node n : nodes.values()) {
      int d = graph.distance(service, n.name, Math.max(2, config.maxHops() * 2));
      if (d > 0) {
        return true;
      }
    }
    return false;
  }

  /** Nodes without anomalous callers: where traffic enters the failing part of the graph. */
  public boolean isEntry(Node n) {
    for (String caller : graph.callersOf(n.name)) {
      if (nodes.containsKey(caller)) {
        return false;
      }
    }
    return true;
  }
}
