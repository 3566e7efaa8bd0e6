package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.RankingWeights;
import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.FeedbackVerdict;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.RuledOut;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Ranks root-cause hypotheses for one candidate.
 *
 * <p>Design note: each hypothesis gets a score that is a product of interpretable factors, in the
 * spirit of the evidence-weighting used by change-aware RCA systems (Resolve AI, AWS DevOps Agent's
 * investigations; and the "change proximity x call-graph position" heuristics of Gandalf, Li et al.
 * NSDI 2020): a kind weight (how often this kind explains an incident when present), exponential
 * decay of the time from the actual rollout to the onset (half-life of minutes for lagging
 * symptoms, hours for leading signals such as leaks), the node's position in the call graph
 * (deepest anomalous node over callers that inherit its errors), onset order, leading before
 * lagging, the spread of a common factor, and a multiplier for direct evidence (telemetry from the
 * implicated version, an error message naming the cause) as opposed to co-occurrence. Confidences
 * are scores normalized over the listed hypotheses plus an "unexplained" prior, so they read as a
 * distribution over mutually exclusive explanations. Every factor is written into the description.
 *
 * <p>Each kind of hypothesis has its {@link HypothesisGenerator}; this class runs them in a fixed
 * order over one {@link RankingContext} and {@link RankingBoard}, then sorts the drafts, applies
 * feedback and normalizes the scores.
 */
public final class HypothesisRanker {

  /** In order: a generator may read what an earlier one left on the board. */
  private static final List<HypothesisGenerator> GENERATORS =
      List.of(
          new PlannedActivityHypotheses(),
          new ChangeHypotheses(),
          new DependencyHypotheses(),
          new TrafficHypotheses(),
          new FactorHypotheses(),
          new VersionHypotheses(),
          new ResourceHypotheses(),
          new UnknownHypothesis());

  private final CorrelationConfig config;
  private final RankingWeights w;
  private final EvidenceFactory evidence;

  /** The outcome of one ranking. */
  public static final class Result {
    public final List<Hypothesis> hypotheses;
    public final List<RuledOut> ruledOut;
    public final List<ChangeEvent> linkedChanges;

    /** Entities (node names, instances, dependencies) named by the top three hypotheses. */
    public final Set<String> causeEntities;

    Result(
        List<Hypothesis> hypotheses,
        List<RuledOut> ruledOut,
        List<ChangeEvent> linkedChanges,
        Set<String> causeEntities) {
      this.hypotheses = hypotheses;
      this.ruledOut = ruledOut;
      this.linkedChanges = linkedChanges;
      this.causeEntities = causeEntities;
    }
  }

  public HypothesisRanker(CorrelationConfig config) {
    this.config = config;
    this.w = config.weights();
    this.evidence = new EvidenceFactory(config);
  }

  /** Ranks hypotheses for the analysed candidate at event time {@code now}. */
  public Result rank(
      CandidateAnalysis a,
      List<ChangeEvent> changes,
      ImpactIndex impact,
      InventoryIndex inventory,
      HypothesisFeedback[] feedback,
      long now,
      Map<SignalState, String> warmUps) {
    RankingBoard board = new RankingBoard();
    for (Map.Entry<SignalState, String> w : warmUps.entrySet()) {
      SignalState s = w.getKey();
      board.ruleOut(
          SignalCategory.of(s.category).label() + " spike on " + EvidenceFactory.entityOf(s),
          RootCauseKind.RESOURCE,
          w.getValue(),
          s.id);
    }
    RankingContext in = new RankingContext(config, evidence, a, changes, impact, inventory, now);
    for (HypothesisGenerator g : GENERATORS) {
      g.generate(in, board);
    }

    List<HypothesisDraft> list = new ArrayList<>(board.drafts.values());
    list.sort(
        Comparator.comparingDouble((HypothesisDraft d) -> -d.score)
            .thenComparing(d -> d.kind.ordinal())
            .thenComparing(d -> d.entityName)
            .thenComparing(d -> d.changeId == null ? "" : d.changeId));
    Map<String, HypothesisFeedback> verdicts = latestVerdicts(feedback);
    applyFeedback(list, verdicts);

    Set<String> causes = new TreeSet<>();
    List<Hypothesis> out = normalize(list, verdicts, causes);
    List<RuledOut> ruledOut = board.ruledOut;
    if (ruledOut.size() > 20) {
      ruledOut = new ArrayList<>(ruledOut.subList(0, 20));
    }
    return new Result(out, ruledOut, new ArrayList<>(board.linked.values()), causes);
  }

  /**
   * Confidences: scores over their sum plus the "unexplained" prior, overridden by feedback, for
   * the first {@code maxHypotheses}. Adds the entities the leading hypotheses name to {@code
   * causes}.
   */
  private List<Hypothesis> normalize(
      List<HypothesisDraft> list, Map<String, HypothesisFeedback> verdicts, Set<String> causes) {
    double sum = 0;
    for (HypothesisDraft d : list) {
      sum += d.score;
    }
    double denom = sum + w.get(Weight.UNEXPLAINED_PRIOR);
    List<Hypothesis> out = new ArrayList<>();
    double topConfidence = 0;
    for (int i = 0; i < list.size() && i < config.maxHypotheses(); i++) {
      HypothesisDraft d = list.get(i);
      double conf = denom <= 0 ? 0 : Math.round(d.score / denom * 10_000) / 10_000.0;
      HypothesisFeedback fb = verdicts.get(d.id());
      if (fb != null && fb.getVerdict() == FeedbackVerdict.CONFIRM) {
        conf = Math.max(conf, 0.95);
      } else if (fb != null && fb.getVerdict() == FeedbackVerdict.REJECT) {
        conf = Math.min(conf, 0.01);
      }
      Hypothesis h =
          d.toAvro(i + 1, Math.max(0, Math.min(1, conf)), config.maxEvidencePerHypothesis());
      if (fb != null && fb.getVerdict() != FeedbackVerdict.NOTE) {
        h.setFeedback(fb.getVerdict());
      }
      out.add(h);
      if (i == 0) {
        topConfidence = h.getConfidence();
      }
      // Affected entities named as causes: the first three hypotheses, unless far less likely than
      // the first (instances inside a failing zone rank next, and are its victims, not causes).
      if (i < 3
          && h.getConfidence() >= 0.5 * topConfidence
          && (fb == null || fb.getVerdict() != FeedbackVerdict.REJECT)) {
        causes.add(d.entityName);
        if (d.entityService != null && d.entityKind != EntityKind.ZONE) {
          causes.add(d.entityService);
        }
      }
    }
    return out;
  }

  private static Map<String, HypothesisFeedback> latestVerdicts(HypothesisFeedback[] feedback) {
    Map<String, HypothesisFeedback> out = new TreeMap<>();
    if (feedback == null) {
      return out;
    }
    for (HypothesisFeedback f : feedback) {
      if (f.getHypothesisId() == null) {
        continue;
      }
      HypothesisFeedback prev = out.get(f.getHypothesisId());
      if (prev == null || prev.getTimestampMs() <= f.getTimestampMs()) {
        out.put(f.getHypothesisId(), f);
      }
    }
    return out;
  }

  /** Confirmed hypotheses move to the top, rejected ones to the bottom; the rest keep order. */
  private static void applyFeedback(
      List<HypothesisDraft> list, Map<String, HypothesisFeedback> verdicts) {
    if (verdicts.isEmpty()) {
      return;
    }
    List<HypothesisDraft> confirmed = new ArrayList<>();
    List<HypothesisDraft> rest = new ArrayList<>();
    List<HypothesisDraft> rejected = new ArrayList<>();
    for (HypothesisDraft d : list) {
      HypothesisFeedback f = verdicts.get(d.id());
      if (f != null && f.getVerdict() == FeedbackVerdict.CONFIRM) {
        confirmed.add(d);
      } else if (f != null && f.getVerdict() == FeedbackVerdict.REJECT) {
        d.ruledOut.add(
            RankingBoard.ruled(
                HypothesisDraft.label(d.kind) + " " + d.entityName,
                d.kind,
                "rejected by "
                    + (f.getAuthor() == null ? "a person" : f.getAuthor())
                    + (f.getNote() == null ? "" : ": " + f.getNote()),
                d.id()));
        rejected.add(d);
      } else {
        rest.add(d);
      }
    }
    list.clear();
    list.addAll(confirmed);
    list.addAll(rest);
    list.addAll(rejected);
  }

  /** A duration as it reads in descriptions: 90s, 12m, 3h5m, 2d. */
  static String duration(long ms) {
    long s = Math.abs(ms) / 1000;
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 120) {
      return m + "m";
    }
    long h = m / 60;
    return h < 48 ? h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m") : (h / 24) + "d";
  }
}
