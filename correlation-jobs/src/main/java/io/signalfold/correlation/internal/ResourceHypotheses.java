package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resource exhaustion (CPU, memory, disk, saturation, GC, restarts) on a failing service, named
 * after the resource that moved first. It is discounted when a traffic surge came first (the load
 * explains the saturation) or when it sits on the one instance an instance factor already names.
 */
final class ResourceHypotheses implements HypothesisGenerator {

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    CandidateAnalysis a = in.analysis;
    for (Node n : a.nodes.values()) {
      if (n.dependency || !n.hasOwnSignals()) {
        continue;
      }
      Map<SignalCategory, List<SignalState>> byCat = byCategory(n);
      if (byCat.isEmpty()) {
        continue;
      }
      SignalCategory main = null;
      for (Map.Entry<SignalCategory, List<SignalState>> e : byCat.entrySet()) {
        if (main == null || e.getValue().get(0).onsetMs < byCat.get(main).get(0).onsetMs) {
          main = e.getKey();
        }
      }
      out.put(draft(in, out, n, byCat, main));
    }
  }

  /** The node's own resource signals by category, each list in onset order. */
  private static Map<SignalCategory, List<SignalState>> byCategory(Node n) {
    Map<SignalCategory, List<SignalState>> byCat = new TreeMap<>();
    for (SignalState s : n.own) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (!cat.isResource()) {
        continue;
      }
      byCat.computeIfAbsent(cat, k -> new ArrayList<>()).add(s);
    }
    return byCat;
  }

  private static HypothesisDraft draft(
      RankingContext in,
      RankingBoard out,
      Node n,
      Map<SignalCategory, List<SignalState>> byCat,
      SignalCategory main) {
    CandidateAnalysis a = in.analysis;
    List<SignalState> sigs = byCat.get(main);
    Set<String> instances = new TreeSet<>();
    for (SignalState s : sigs) {
      if (s.instance != null) {
        instances.add(s.instance);
      }
    }
    HypothesisDraft d =
        new HypothesisDraft(
            RootCauseKind.RESOURCE,
            EntityKind.SERVICE,
            n.name,
            n.name,
            in.weights.get(Weight.RESOURCE),
            "Resource exhaustion on "
                + n.name
                + ": "
                + main.label()
                + (instances.isEmpty() ? "" : " on " + String.join(", ", instances))
                + (byCat.size() > 1 ? " (also " + otherLabels(byCat, main) + ")" : "")
                + ".");
    d.mitigation =
        switch (main) {
          case CPU, SATURATION, GC -> MitigationClass.SCALE_OUT;
          case DISK -> MitigationClass.RESTORE_CAPACITY;
          default -> MitigationClass.REPLACE_INSTANCE;
        };
    d.term("location", a.locationWeight(n), n.roleReason);
    SignalState firstRes = sigs.get(0);
    onsetOrder(in, d, n, main, firstRes);
    explained(a, out, d, main, firstRes, instances);
    d.observed(main.label() + " outside its band on " + n.name + " (" + firstRes.id + ")");
    for (List<SignalState> l : byCat.values()) {
      for (SignalState s : l) {
        d.addEvidence(in.evidence.signal(s));
      }
    }
    return d;
  }

  /** A resource that moved before the lagging symptoms leads them; otherwise it follows. */
  private static void onsetOrder(
      RankingContext in, HypothesisDraft d, Node n, SignalCategory main, SignalState firstRes) {
    long laggingOnset = Long.MAX_VALUE;
    for (SignalState s : in.analysis.members) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (!cat.isResource() && !s.leading && cat != SignalCategory.TOPOLOGY) {
        laggingOnset = Math.min(laggingOnset, s.onsetMs);
      }
    }
    if (firstRes.onsetMs <= laggingOnset) {
      d.term(
          "leading",
          in.weights.get(Weight.LEADING_FIRST),
          laggingOnset == Long.MAX_VALUE
              ? "a leading signal, no user-visible symptom yet"
              : main.label() + " moved before the lagging symptoms");
    } else {
      d.term("onset order", n.onsetFactor, "lagging symptoms started first");
    }
  }

  /** Discounts for what the earlier generators already explain: a surge, one instance. */
  private static void explained(
      CandidateAnalysis a,
      RankingBoard out,
      HypothesisDraft d,
      SignalCategory main,
      SignalState firstRes,
      Set<String> instances) {
    HypothesisDraft traffic = out.traffic;
    if (traffic != null
        && (main == SignalCategory.CPU
            || main == SignalCategory.SATURATION
            || main == SignalCategory.GC)
        && firstRes.onsetMs >= a.nodes.get(traffic.entityName).onsetMs) {
      d.term("explained", 0.5, "the traffic surge at " + traffic.entityName + " came first");
    }
    if (instances.size() == 1 && out.instanceFactors.containsKey(instances.iterator().next())) {
      d.term(
          "explained",
          0.8,
          "concentrated on one instance: see the instance hypothesis for "
              + instances.iterator().next());
    }
  }

  private static String otherLabels(
      Map<SignalCategory, List<SignalState>> byCat, SignalCategory main) {
    List<String> l = new ArrayList<>();
    for (SignalCategory c : byCat.keySet()) {
      if (c != main) {
        l.add(c.label());
      }
    }
    return String.join(", ", l);
  }
}
