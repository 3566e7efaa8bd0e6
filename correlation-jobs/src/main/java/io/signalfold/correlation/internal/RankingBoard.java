package io.signalfold.correlation.internal;

import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.RuledOut;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * What the {@link HypothesisGenerator}s of one ranking produce: the drafts by hypothesis id,
 * explanations ruled out, the changes linked to the candidate, and the few results that later
 * generators read.
 */
final class RankingBoard {

  /** Drafts by hypothesis id, in the order first proposed (the sort's input order). */
  final Map<String, HypothesisDraft> drafts = new LinkedHashMap<>();

  final List<RuledOut> ruledOut = new ArrayList<>();

  /** Changes considered for the candidate, by id. */
  final Map<String, ChangeEvent> linked = new TreeMap<>();

  /** The highest-scoring planned activity covering the onset; null when none. */
  @Nullable HypothesisDraft planned;

  /** The highest-scoring traffic surge at an entry node; null when none. */
  @Nullable HypothesisDraft traffic;

  /** Instance factor drafts by instance name. */
  Map<String, HypothesisDraft> instanceFactors = Map.of();

  /** Adds a draft, keeping the higher-scoring one when two share an id. */
  void put(HypothesisDraft d) {
    String id = d.id();
    HypothesisDraft prev = drafts.get(id);
    if (prev == null || prev.score < d.score) {
      drafts.put(id, d);
    }
  }

  void ruleOut(String what, @Nullable RootCauseKind kind, String reason, String evidenceId) {
    ruledOut.add(ruled(what, kind, reason, evidenceId));
  }

  void link(ChangeEvent c) {
    linked.put(c.getId(), c);
  }

  /** Links a rollout's change and every other sighting folded into it. */
  void link(Rollouts.Rollout rollout) {
    link(rollout.change());
    for (ChangeEvent seen : rollout.alsoSeen()) {
      link(seen);
    }
  }

  static RuledOut ruled(
      String what, @Nullable RootCauseKind kind, String reason, String evidenceId) {
    return RuledOut.newBuilder()
        .setWhat(what)
        .setKind(kind)
        .setReason(reason)
        .setEvidenceIds(List.of(evidenceId))
        .build();
  }
}
