package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A service whose anomalous instance-level signals all come from one version while it also runs
 * another (a canary, a partial rollout), when no deploy event names that version (the deploy tool
 * did not report it, and no derived event either): the version is the suspect.
 */
final class VersionHypotheses implements HypothesisGenerator {

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    for (Node n : in.analysis.nodes.values()) {
      if (n.dependency || n.versions.size() != 1) {
        continue;
      }
      String v = n.versions.iterator().next();
      Set<String> running = in.inventory.values(n.name, InventoryIndex.VERSION, in.now);
      if (running.size() < 2 || !running.contains(v)) {
        continue; // every instance runs it: not a distinguishing version
      }
      if (namedByDeploy(in.changes, n, v)) {
        continue; // the deploy hypothesis already covers it, with this as direct evidence
      }
      out.put(draft(in, n, v, running));
    }
  }

  private static boolean namedByDeploy(List<ChangeEvent> changes, Node n, String v) {
    boolean named = false;
    for (ChangeEvent c : changes) {
      named |=
          (c.getKind() == ChangeKind.DEPLOY || c.getKind() == ChangeKind.ROLLBACK)
              && n.name.equals(c.getService())
              && v.equals(c.getVersion());
    }
    return named;
  }

  private static HypothesisDraft draft(RankingContext in, Node n, String v, Set<String> running) {
    int withVersion = 0;
    for (SignalState s : n.own) {
      if (s.version != null) {
        withVersion++;
      }
    }
    Set<String> others = new TreeSet<>(running);
    others.remove(v);
    HypothesisDraft d =
        new HypothesisDraft(
            RootCauseKind.DEPLOYMENT,
            EntityKind.VERSION,
            v,
            n.name,
            in.weights.get(Weight.VERSION),
            "Version "
                + v
                + " of "
                + n.name
                + " is the one failing: its anomalous signals all report it while "
                + String.join(", ", others)
                + " also runs; no deploy event names it.");
    d.version = v;
    d.mitigation = MitigationClass.ROLLBACK;
    d.term("location", in.analysis.locationWeight(n), n.roleReason);
    d.term("concentration", 1.0, withVersion + " version-bearing signals, all on " + v);
    for (SignalState s : n.own) {
      if (v.equals(s.version)) {
        d.addEvidence(in.evidence.signal(s));
      }
    }
    return d;
  }
}
