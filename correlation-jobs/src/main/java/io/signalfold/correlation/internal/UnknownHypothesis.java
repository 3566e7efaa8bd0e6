package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.List;

/**
 * The fallback when nothing else explains the candidate: the deepest anomalous node, to
 * investigate. Always proposed, so the list is never empty and still says where to look; weak
 * explanations rank below it.
 */
final class UnknownHypothesis implements HypothesisGenerator {

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    CandidateAnalysis a = in.analysis;
    List<Node> roots = a.roots();
    Node root = roots.isEmpty() ? null : roots.get(0);
    String name;
    EntityKind ek;
    if (root != null) {
      name = root.name;
      ek = root.dependency ? EntityKind.DEPENDENCY : EntityKind.SERVICE;
    } else {
      SignalState first = a.members.isEmpty() ? null : a.members.get(0);
      name = first == null ? "unknown" : EvidenceFactory.entityOf(first);
      ek = EntityKind.SERVICE;
    }
    HypothesisDraft d =
        new HypothesisDraft(
            RootCauseKind.UNKNOWN,
            ek,
            name,
            ek == EntityKind.SERVICE && root != null ? name : null,
            in.weights.get(Weight.UNKNOWN),
            "No change, resource or dependency explains it: "
                + name
                + " is the deepest anomalous node"
                + (root == null ? "" : " (" + root.roleReason + ")")
                + ".");
    d.mitigation = MitigationClass.INVESTIGATE;
    in.addNodeEvidence(d, root);
    out.put(d);
  }
}
