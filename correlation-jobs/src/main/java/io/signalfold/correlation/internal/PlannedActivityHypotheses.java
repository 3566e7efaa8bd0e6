package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import javax.annotation.Nullable;

/**
 * Planned activities (load tests, maintenance) whose window covers the onset: not a fault, and the
 * reason to wait rather than act. The best one is left on the board so that a change made during
 * the activity is not blamed for the load the activity explains.
 */
final class PlannedActivityHypotheses implements HypothesisGenerator {

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    CandidateAnalysis a = in.analysis;
    HypothesisDraft best = null;
    long grace = in.config.onsetGraceMs();
    for (ChangeEvent c : in.changes) {
      if (c.getKind() != ChangeKind.PLANNED_ACTIVITY) {
        continue;
      }
      long start = c.getActivityStartMs() != null ? c.getActivityStartMs() : c.getTimestampMs();
      long end =
          c.getActivityEndMs() != null
              ? c.getActivityEndMs()
              : c.getRolloutEndMs() != null ? c.getRolloutEndMs() : Long.MAX_VALUE;
      if (a.onsetMs < start - grace || a.onsetMs > end + grace) {
        continue;
      }
      String svc = c.getService();
      boolean related = svc == null || a.nodes.containsKey(svc) || a.isUpstreamOfFailure(svc);
      out.link(c);
      if (!related) {
        out.ruleOut(
            EvidenceFactory.describe(c),
            RootCauseKind.PLANNED_ACTIVITY,
            "planned activity on " + svc + ", which neither fails nor calls the failing services",
            c.getId());
        continue;
      }
      HypothesisDraft d = draft(in, c);
      out.put(d);
      if (best == null || d.score > best.score) {
        best = d;
      }
    }
    out.planned = best;
  }

  private static HypothesisDraft draft(RankingContext in, ChangeEvent c) {
    CandidateAnalysis a = in.analysis;
    String svc = c.getService();
    HypothesisDraft d =
        new HypothesisDraft(
            RootCauseKind.PLANNED_ACTIVITY,
            EntityKind.SERVICE,
            svc == null ? "all" : svc,
            svc,
            in.weights.get(Weight.PLANNED_ACTIVITY),
            "Planned activity, not a fault: "
                + EvidenceFactory.describe(c)
                + "; the signals started inside its window.");
    d.changeId = c.getId();
    d.planned = true;
    d.mitigation = MitigationClass.WAIT_FOR_PLANNED_END;
    d.term("proximity", 1.0, "onset inside the planned window");
    d.addEvidence(in.evidence.change(c));
    String load = loadSignal(a);
    if (load != null) {
      d.directEvidence(load, in.weights.get(Weight.DIRECT_EVIDENCE));
    }
    in.addNodeEvidence(d, svc == null ? null : a.nodes.get(svc));
    for (Node n : a.nodes.values()) {
      for (SignalState s : n.own) {
        SignalCategory cat = SignalCategory.of(s.category);
        if (cat == SignalCategory.TRAFFIC || cat.isResource() || cat == SignalCategory.LATENCY) {
          d.addEvidence(in.evidence.signal(s));
        }
      }
    }
    return d;
  }

  /** A sign of the load the activity brings: a request rate up, else CPU or saturation. */
  @Nullable
  private static String loadSignal(CandidateAnalysis a) {
    for (SignalState s : a.members) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (cat == SignalCategory.TRAFFIC && s.direction > 0) {
        return "request rate up on " + EvidenceFactory.entityOf(s) + " (" + s.id + ")";
      }
    }
    for (SignalState s : a.members) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (cat == SignalCategory.CPU || cat == SignalCategory.SATURATION) {
        return cat.label() + " saturation on " + EvidenceFactory.entityOf(s) + " (" + s.id + ")";
      }
    }
    return null;
  }
}
