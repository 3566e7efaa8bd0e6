package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changes (deploys, rollbacks, config, flags, scaling, permissions, sessions) rolled out within the
 * lookback before the onset and located on or next to the failing services. The score decays with
 * the time from the rollout to the onset; changes after the onset, merges and changes elsewhere are
 * ruled out with the reason.
 */
final class ChangeHypotheses implements HypothesisGenerator {

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    CandidateAnalysis a = in.analysis;
    long onset = a.onsetMs;
    long lookback =
        a.leadingFirst ? in.config.leadingChangeLookbackMs() : in.config.changeLookbackMs();
    double tau = a.leadingFirst ? in.config.leadingChangeDecayMs() : in.config.changeDecayMs();
    Map<String, ChangeEvent> deployedCommits = deployedCommits(in.changes);
    for (Rollouts.Rollout rollout : Rollouts.merge(in.changes)) {
      ChangeEvent c = rollout.change();
      ChangeKind k = c.getKind();
      if (k == ChangeKind.PLANNED_ACTIVITY) {
        continue;
      }
      long t = c.getTimestampMs();
      boolean inWindow = t >= onset - lookback && t <= onset + in.config.onsetGraceMs();
      boolean touches = ChangeLocation.touches(a, c);
      if (k == ChangeKind.MERGE) {
        if (t >= onset - lookback
            && t <= a.members.get(a.members.size() - 1).lastSeenMs
            && (touches || c.getService() == null || a.isUpstreamOfFailure(c.getService()))) {
          out.link(rollout);
          ruleOutMerge(out, c, deployedCommits);
        }
        continue;
      }
      if (t > onset + in.config.onsetGraceMs()) {
        if (touches && t <= onset + in.config.joinWindowMs() * 6) {
          out.link(rollout);
          ruleOutAfterOnset(out, c, t - onset);
        }
        continue;
      }
      if (!inWindow) {
        continue;
      }
      ChangeLocation loc = ChangeLocation.of(in, c);
      if (loc.weight <= 0) {
        if (t >= onset - in.config.changeLookbackMs()) {
          out.link(rollout);
          out.ruleOut(
              EvidenceFactory.describe(c),
              kindOf(c),
              "healthy change elsewhere: " + loc.reason,
              c.getId());
        }
        continue;
      }
      out.link(rollout);
      out.put(score(in, out, rollout, loc, tau));
    }
  }

  /**
   * When the node's first own failure was already under way as its series became able to alert (a
   * censored onset, as the detector reports it), the earliest time it may have begun: the start of
   * that series' history. Otherwise {@code Long.MAX_VALUE}: the onset was seen.
   */
  static long censoredFrom(CandidateAnalysis.Node n) {
    long first = Long.MAX_VALUE;
    for (SignalState s : n.own) {
      first = Math.min(first, s.onsetMs);
    }
    long from = Long.MAX_VALUE;
    for (SignalState s : n.own) {
      if (s.onsetMs == first && s.anomaly != null && s.anomaly.getOnsetCensored()) {
        from = Math.min(from, s.onsetMs - s.anomaly.getHistoryMs());
      }
    }
    return from;
  }

  /**
   * Deployed or rolled-back commits, to tell a merge that reached production from one that did not.
   */
  private static Map<String, ChangeEvent> deployedCommits(List<ChangeEvent> changes) {
    Map<String, ChangeEvent> deployed = new TreeMap<>();
    for (ChangeEvent c : changes) {
      if ((c.getKind() == ChangeKind.DEPLOY || c.getKind() == ChangeKind.ROLLBACK)
          && c.getCommit() != null) {
        deployed.put(c.getCommit(), c);
      }
    }
    return deployed;
  }

  private static void ruleOutMerge(
      RankingBoard out, ChangeEvent c, Map<String, ChangeEvent> deployedCommits) {
    ChangeEvent deployed = c.getCommit() == null ? null : deployedCommits.get(c.getCommit());
    out.ruleOut(
        EvidenceFactory.describe(c),
        null,
        "a merge is not a rollout: the code was merged but "
            + (deployed == null
                ? "never deployed"
                : "only reached production with " + deployed.getId())
            + "; merge time is never blamed",
        c.getId());
  }

  private static void ruleOutAfterOnset(RankingBoard out, ChangeEvent c, long after) {
    out.ruleOut(
        EvidenceFactory.describe(c),
        kindOf(c),
        (c.getKind() == ChangeKind.ROLLBACK
                ? "a rollback after onset is a mitigation, not a cause"
                : "rolled out after onset, cannot have caused it")
            + " ("
            + HypothesisRanker.duration(after)
            + " after the first signal)",
        c.getId());
  }

  /** The draft of a located change before the onset, with every factor and its evidence. */
  private static HypothesisDraft score(
      RankingContext in,
      RankingBoard out,
      Rollouts.Rollout rollout,
      ChangeLocation loc,
      double tau) {
    ChangeEvent c = rollout.change();
    long onset = in.analysis.onsetMs;
    long t = c.getTimestampMs();
    HypothesisDraft d = draft(in, c);
    long end = c.getRolloutEndMs() == null ? t : c.getRolloutEndMs();
    long unseenFrom = loc.node == null ? Long.MAX_VALUE : censoredFrom(loc.node);
    long delta = onset <= end || t >= unseenFrom ? 0 : onset - t;
    double p = Math.exp(-delta / Math.max(1.0, tau));
    d.term(
        "proximity",
        p,
        onset <= end
            ? "onset during the rollout"
            : delta == 0
                ? "onset unknown: "
                    + loc.node.name
                    + " was already off its baseline when its series first had enough history"
                    + " to alert, so it may have begun any time after "
                    + EvidenceFactory.time(unseenFrom)
                    + ", which this change follows"
                : "rolled out "
                    + HypothesisRanker.duration(delta)
                    + " before onset, decay "
                    + HypothesisRanker.duration((long) tau));
    d.term("location", loc.weight, loc.reason);
    if (loc.node != null) {
      d.term(
          "onset order", loc.node.onsetFactor, "onset " + EvidenceFactory.time(loc.node.onsetMs));
    }
    ChangeEvidence.add(in, c, d, loc);
    HypothesisDraft planned = out.planned;
    if (planned != null && planned.direct) {
      d.term("planned activity", 0.5, "a planned activity in progress explains the load");
      d.ruledOut.add(
          RankingBoard.ruled(
              EvidenceFactory.describe(c),
              kindOf(c),
              "coincides with planned activity "
                  + planned.changeId
                  + ", which explains the signals",
              c.getId()));
    }
    d.addEvidence(in.evidence.change(c));
    for (ChangeEvent seen : rollout.alsoSeen()) {
      d.addEvidence(in.evidence.change(seen));
    }
    in.addNodeEvidence(d, loc.node);
    return d;
  }

  private static HypothesisDraft draft(RankingContext in, ChangeEvent c) {
    String svc = c.getService();
    RootCauseKind kind = kindOf(c);
    EntityKind ek;
    String entity;
    switch (c.getKind()) {
      case MANUAL_SESSION -> {
        ek = c.getInstance() != null ? EntityKind.INSTANCE : EntityKind.SERVICE;
        entity = c.getInstance() != null ? c.getInstance() : String.valueOf(svc);
      }
      case PERMISSION -> {
        ek = c.getResourceName() != null ? EntityKind.DEPENDENCY : EntityKind.SERVICE;
        entity = c.getResourceName() != null ? c.getResourceName() : String.valueOf(svc);
      }
      default -> {
        ek = EntityKind.SERVICE;
        entity = svc == null ? "all" : svc;
      }
    }
    HypothesisDraft d =
        new HypothesisDraft(
            kind,
            ek,
            entity,
            svc,
            in.weights.get(weightOf(c.getKind())),
            HypothesisDraft.label(kind).substring(0, 1).toUpperCase(Locale.ROOT)
                + HypothesisDraft.label(kind).substring(1)
                + " suspected: "
                + EvidenceFactory.describe(c)
                + ".");
    d.changeId = c.getId();
    if (c.getKind() == ChangeKind.DEPLOY || c.getKind() == ChangeKind.ROLLBACK) {
      d.version = c.getVersion();
    }
    d.mitigation = mitigationOf(c);
    return d;
  }

  private static Weight weightOf(ChangeKind k) {
    return switch (k) {
      case DEPLOY -> Weight.DEPLOY;
      case ROLLBACK -> Weight.ROLLBACK;
      case CONFIG -> Weight.CONFIG;
      case FEATURE_FLAG -> Weight.FEATURE_FLAG;
      case SCALE -> Weight.SCALE;
      case PERMISSION -> Weight.PERMISSION;
      case MANUAL_SESSION -> Weight.MANUAL_SESSION;
      default -> Weight.DEPLOY;
    };
  }

  private static MitigationClass mitigationOf(ChangeEvent c) {
    return switch (c.getKind()) {
      case DEPLOY, ROLLBACK -> MitigationClass.ROLLBACK;
      case CONFIG, FEATURE_FLAG -> MitigationClass.REVERT_CONFIG;
      case SCALE ->
          c.getReplicas() != null && c.getReplicas() == 0
              ? MitigationClass.RESTORE_CAPACITY
              : MitigationClass.SCALE_OUT;
      case PERMISSION -> MitigationClass.REVERT_PERMISSION;
      case MANUAL_SESSION -> MitigationClass.REPLACE_INSTANCE;
      default -> MitigationClass.INVESTIGATE;
    };
  }

  static RootCauseKind kindOf(ChangeEvent c) {
    return switch (c.getKind()) {
      case DEPLOY, ROLLBACK -> RootCauseKind.DEPLOYMENT;
      case CONFIG, FEATURE_FLAG -> RootCauseKind.CONFIG;
      case SCALE -> RootCauseKind.SCALE;
      case MANUAL_SESSION -> RootCauseKind.MANUAL_SESSION;
      case PERMISSION -> RootCauseKind.PERMISSION;
      case PLANNED_ACTIVITY -> RootCauseKind.PLANNED_ACTIVITY;
      default -> RootCauseKind.UNKNOWN;
    };
  }
}
