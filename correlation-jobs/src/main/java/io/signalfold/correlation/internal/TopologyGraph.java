package io.signalfold.correlation.internal;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The call graph as it was at one point in event time: caller -> callee edges between services and
 * from services to external dependencies (databases, caches, HTTP APIs seen only through client
 * spans). Immutable; built by {@link Topology#asOf(long)}.
 */
public final class TopologyGraph {

  private final Map<String, Set<String>> callees;
  private final Map<String, Set<String>> callers;
  private final Set<String> external;
  private final Map<String, EdgeState> edges;
  private final Map<Long, Integer> distanceCache = new HashMap<>();

  TopologyGraph(
      Map<String, Set<String>> callees,
      Map<String, Set<String>> callers,
      Set<String> external,
      Map<String, EdgeState> edges) {
    this.callees = callees;
    this.callers = callers;
    this.external = external;
    this.edges = edges;
  }

  /** An empty graph (no call edges known). */
  public static TopologyGraph empty() {
    return new TopologyGraph(
        Collections.emptyMap(), Collections.emptyMap(), Collections.emptySet(), Map.of());
  }

  /**
   * A copy with extra caller -> callee edges (calls proven by client-side signals that the edge
   * stream has not reported, e.g. because the callee stopped answering).
   */
  public TopologyGraph withImpliedEdges(Map<String, Set<String>> implied, Set<String> externals) {
    if (implied.isEmpty()) {
      return this;
    }
    Map<String, Set<String>> ce = new TreeMap<>();
    callees.forEach((k, v) -> ce.put(k, new java.util.TreeSet<>(v)));
    Map<String, Set<String>> cr = new TreeMap<>();
    callers.forEach((k, v) -> cr.put(k, new java.util.TreeSet<>(v)));
    implied.forEach(
        (caller, set) -> {
          for (String callee : set) {
            ce.computeIfAbsent(caller, k -> new java.util.TreeSet<>()).add(callee);
            cr.computeIfAbsent(callee, k -> new java.util.TreeSet<>()).add(caller);
          }
        });
    Set<String> ext = new java.util.TreeSet<>(external);
    ext.addAll(externals);
    return new TopologyGraph(ce, cr, ext, edges);
  }

  /** A node seen only as the callee of client spans to a non-service dependency. */
  public boolean isExternal(String node) {
    return external.contains(node) && !callees.containsKey(node);
  }

  public boolean contains(String node) {
    return callees.containsKey(node) || callers.containsKey(node);
  }

  public Set<String> calleesOf(String node) {
    return callees.getOrDefault(node, Collections.emptySet());
  }

  public Set<String> callersOf(String node) {
    return callers.getOrDefault(node, Collections.emptySet());
  }

  /** The edge caller -> callee, if present. */
  public EdgeState edge(String caller, String callee) {
    return edges.get(Topology.edgeKey(caller, callee));
  }

  public int edgeCount() {
    return edges.size();
  }

  /** All nodes, sorted. */
  public Set<String> nodes() {
    Set<String> all = new TreeSet<>(callees.keySet());
    all.addAll(callers.keySet());
    return all;
  }

  /**
   * Number of call hops from {@code from} down to {@code to} following caller -> callee edges, 0
   * for the same node, or -1 if not reachable within maxHops.
   */
  public int distance(String from, String to, int maxHops) {
    if (from.equals(to)) {
      return 0;
    }
    long cacheKey = ((long) from.hashCode() << 32) ^ (to.hashCode() & 0xffffffffL) ^ maxHops;
    Integer cached = distanceCache.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    int result = -1;
    Map<String, Integer> seen = new HashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(from);
    seen.put(from, 0);
    while (!queue.isEmpty() && result < 0) {
      String n = queue.poll();
      int d = seen.get(n);
      if (d >= maxHops) {
        continue;
      }
      for (String next : calleesOf(n)) {
        if (seen.containsKey(next)) {
          continue;
        }
        if (next.equals(to)) {
          result = d + 1;
          break;
        }
        seen.put(next, d + 1);
        queue.add(next);
      }
    }
    distanceCache.put(cacheKey, result);
    return result;
  }

  /** Nodes reachable downstream from {@code from} within maxHops, with their distance. */
  public Map<String, Integer> downstream(String from, int maxHops) {
    Map<String, Integer> seen = new TreeMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(from);
    Map<String, Integer> dist = new HashMap<>();
    dist.put(from, 0);
    while (!queue.isEmpty()) {
      String n = queue.poll();
      int d = dist.get(n);
      if (d >= maxHops) {
        continue;
      }
      for (String next : calleesOf(n)) {
        if (!dist.containsKey(next)) {
          dist.put(next, d + 1);
          seen.put(next, d + 1);
          queue.add(next);
        }
      }
    }
    return seen;
  }

  /** Nodes that reach {@code to} within maxHops (its transitive callers), with their distance. */
  public Map<String, Integer> upstream(String to, int maxHops) {
    Map<String, Integer> seen = new TreeMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(to);
    Map<String, Integer> dist = new HashMap<>();
    dist.put(to, 0);
    while (!queue.isEmpty()) {
      String n = queue.poll();
      int d = dist.get(n);
      if (d >= maxHops) {
        continue;
      }
      for (String prev : callersOf(n)) {
        if (!dist.containsKey(prev)) {
          dist.put(prev, d + 1);
          seen.put(prev, d + 1);
          queue.add(prev);
        }
      }
    }
    return seen;
  }
}
