package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import javax.annotation.Nullable;

/**
 * A surge or drop of the request rate where traffic enters the failing part of the graph. Load that
 * moved only after the other symptoms began is ruled out; a drop that the service's own errors
 * explain is no hypothesis at all. The best surge is left on the board so that saturation it
 * brought is not blamed on its own.
 */
final class TrafficHypotheses implements HypothesisGenerator {

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    CandidateAnalysis a = in.analysis;
    HypothesisDraft best = null;
    long othersOnset = othersOnset(a);
    for (Node n : a.nodes.values()) {
      if (!n.has(SignalCategory.TRAFFIC) || n.dependency || !a.isEntry(n)) {
        continue;
      }
      SignalState first = firstRateMove(n);
      if (first == null) {
        continue;
      }
      boolean up = first.direction > 0;
      if (!up && failuresExplainDrop(in, n, first)) {
        continue;
      }
      if (othersOnset != Long.MAX_VALUE
          && first.onsetMs > othersOnset + a.consequenceToleranceMs()) {
        // Load that rose after the symptoms began did not cause them.
        out.ruleOut(
            "traffic " + (up ? "surge" : "drop") + " at " + n.name,
            RootCauseKind.TRAFFIC,
            "the request rate moved "
                + HypothesisRanker.duration(first.onsetMs - othersOnset)
                + " after the other symptoms began",
            first.id);
        continue;
      }
      HypothesisDraft d = draft(in, n, first, othersOnset);
      out.put(d);
      if (up && (best == null || d.score > best.score)) {
        best = d;
      }
    }
    out.traffic = best;
  }

  /** When the symptoms other than load began (context blips aside): the same for every entry. */
  private static long othersOnset(CandidateAnalysis a) {
    long othersOnset = Long.MAX_VALUE;
    for (SignalState s : a.members) {
      if (s.category != SignalCategory.TRAFFIC.ordinal()
          && s.category != SignalCategory.TOPOLOGY.ordinal()
          && !a.isContext(s)) {
        othersOnset = Math.min(othersOnset, s.onsetMs);
      }
    }
    return othersOnset;
  }

  @Nullable
  private static SignalState firstRateMove(Node n) {
    for (SignalState s : n.own) {
      if (s.category == SignalCategory.TRAFFIC.ordinal() && s.direction != 0) {
        return s;
      }
    }
    return null;
  }

  private static HypothesisDraft draft(
      RankingContext in, Node n, SignalState first, long othersOnset) {
    boolean up = first.direction > 0;
    HypothesisDraft d =
        new HypothesisDraft(
            RootCauseKind.TRAFFIC,
            EntityKind.SERVICE,
            n.name,
            n.name,
            in.weights.get(Weight.TRAFFIC) * (up ? 1.0 : 0.7),
            "Traffic "
                + (up ? "surge" : "drop")
                + " at "
                + n.name
                + ": request rate "
                + EvidenceFactory.fmt(first.value)
                + " vs expected "
                + EvidenceFactory.fmt(first.expected)
                + ".");
    d.mitigation = up ? MitigationClass.SCALE_OUT : MitigationClass.INVESTIGATE;
    if (first.onsetMs <= othersOnset) {
      d.term(
          "leading",
          in.weights.get(Weight.LEADING_FIRST),
          "the request rate moved before the other symptoms");
    } else {
      d.term("onset order", n.onsetFactor, "other symptoms started first");
    }
    d.observed("request rate " + (up ? "above" : "below") + " its band (" + first.id + ")");
    d.addEvidence(in.evidence.signal(first));
    return d;
  }

  /**
   * Fewer successful requests while the same service starts failing is the failure seen from the
   * other side, not less load.
   */
  private static boolean failuresExplainDrop(RankingContext in, Node n, SignalState drop) {
    for (SignalState s : n.own) {
      if (s.category == SignalCategory.ERRORS.ordinal()
          && s.onsetMs <= drop.onsetMs + in.config.joinWindowMs()) {
        return true;
      }
    }
    return false;
  }
}
