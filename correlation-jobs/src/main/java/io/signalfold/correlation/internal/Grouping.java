package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Decides whether a signal belongs to a candidate, and whether two groups of signals are one
 * incident.
 *
 * <p>Design note: a signal joins when it names the same entity (service, dependency, host), or when
 * the call graph as of the candidate's onset connects it to a member in a way that can propagate a
 * failure: the signal's service calls a member (it inherits the member's failure), or it is called
 * by a member whose failure nothing else explains (it may be the cause). Siblings that merely share
 * a caller do not join: a gateway that calls everything would otherwise glue unrelated incidents
 * together. Broad common factors (zone, cell, sidecar container) only merge groups whose
 * factor-bearing signals all share the value, across at least the configured number of services,
 * with close onsets, and only when the value is not universal for those services. Close to the
 * "topology + time window" grouping of alert-storm reducers (e.g. Microsoft's AlertRCA and the
 * alert-aggregation literature surveyed by Chen et al., ICSE 2020), kept deterministic.
 */
public final class Grouping {

  /** Relation strengths. */
  public static final int NONE = 0;

  public static final int CONNECTED = 2;
  public static final int SAME_ENTITY = 3;

  private final CorrelationConfig config;

  public Grouping(CorrelationConfig config) {
    this.config = config;
  }

  static Set<String> nodesOf(SignalState s) {
    Set<String> n = new TreeSet<>();
    if (s.service != null) {
      n.add(s.service);
    }
    if (s.peer != null && s.category != SignalCategory.TOPOLOGY.ordinal()) {
      n.add(s.peer);
    }
    return n;
  }

  /** How strongly signal {@code s} relates to a candidate with these members. */
  public int relation(SignalState s, List<SignalState> members, TopologyGraph g) {
    Set<String> mine = nodesOf(s);
    Set<String> theirs = new TreeSet<>();
    for (SignalState m : members) {
      theirs.addAll(nodesOf(m));
      if (s.instance != null && s.instance.equals(m.instance)) {
        return SAME_ENTITY;
      }
    }
    for (String n : mine) {
      if (theirs.contains(n)) {
        return SAME_ENTITY;
      }
    }
    int hops = config.maxHops();
    for (String n : mine) {
      for (String m : theirs) {
        if (g.distance(n, m, hops) > 0) {
          return CONNECTED; // n calls m: n inherits m's failure
        }
        if (g.distance(m, n, hops) > 0 && !explained(m, theirs, g)) {
          return CONNECTED; // m calls n and nothing else explains m: n may be the cause
        }
      }
    }
    return NONE;
  }

  /** Member node m calls another member node: its failure is already explained. */
  private boolean explained(String m, Set<String> members, TopologyGraph g) {
    for (String other : members) {
      if (!other.equals(m) && g.distance(m, other, config.maxHops()) > 0) {
        return true;
      }
    }
    return false;
  }

  /** Broad factors, checked in this order. */
  public static final String[] BROAD_FACTORS = {
    InventoryIndex.ZONE, InventoryIndex.CELL, InventoryIndex.CONTAINER
  };

  /** Whether any signal of group a relates to group b (graph or same entity). */
  public boolean related(List<SignalState> a, List<SignalState> b, TopologyGraph g) {
    for (SignalState s : a) {
      if (relation(s, b, g) >= CONNECTED) {
        return true;
      }
    }
    return false;
  }

  /** Services with a value of this facet among the group's signals. */
  public static Set<String> factorServices(List<SignalState> group, String facet) {
    Set<String> out = new TreeSet<>();
    for (SignalState s : group) {
      if (s.facetValue(facet) != null && s.service != null) {
        out.add(s.service);
      }
    }
    return out;
  }

  /** Every instance of these services runs with this value: not a distinguishing factor. */
  public static boolean universal(
      String facet, String value, Set<String> services, InventoryIndex inventory, long now) {
    Set<String> population = new TreeSet<>();
    for (String svc : services) {
      population.addAll(inventory.values(svc, facet, now));
    }
    return population.size() == 1 && population.contains(value);
  }

  /** The value every factor-bearing signal of the group shares for this facet, or null. */
  @Nullable
  public static String common(List<SignalState> group, String facet) {
    String v = null;
    for (SignalState s : group) {
      String x = s.facetValue(facet);
      if (x == null) {
        continue;
      }
      if (v == null) {
        v = x;
      } else if (!v.equals(x)) {
        return null;
      }
    }
    return v;
  }
}
