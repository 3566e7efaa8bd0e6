package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.RankingWeights;
import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.FeedbackVerdict;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.RuledOut;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

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
 */
public final class HypothesisRanker {

  private static final Pattern DENIED =
      Pattern.compile(
          "(?i)(access ?denied|forbidden|unauthori[sz]ed|not authori[sz]ed|permission|\\b403\\b)");
  private static final Pattern THROTTLE =
      Pattern.compile(
          "(?i)(throttl|rate ?exceeded|throughputexceeded|too many requests|\\b429\\b)");

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
    Map<String, HypothesisDraft> drafts = new LinkedHashMap<>();
    List<RuledOut> ruledOut = new ArrayList<>();
    for (Map.Entry<SignalState, String> w : warmUps.entrySet()) {
      SignalState s = w.getKey();
      ruledOut.add(
          ruled(
              SignalCategory.of(s.category).label() + " spike on " + EvidenceFactory.entityOf(s),
              RootCauseKind.RESOURCE,
              w.getValue(),
              s.id));
    }
    Map<String, ChangeEvent> linked = new TreeMap<>();

    HypothesisDraft planned = plannedActivities(a, changes, drafts, ruledOut, linked);
    changeHypotheses(a, changes, inventory, drafts, ruledOut, linked, planned, now);
    dependencyHypotheses(a, impact, drafts, ruledOut, now);
    HypothesisDraft traffic = trafficHypotheses(a, drafts, ruledOut);
    Map<String, HypothesisDraft> instanceFactors = factorHypotheses(a, inventory, drafts, now);
    versionHypotheses(a, changes, inventory, drafts, now);
    resourceHypotheses(a, changes, drafts, ruledOut, traffic, instanceFactors, now);
    unknownHypothesis(a, drafts);

    List<HypothesisDraft> list = new ArrayList<>(drafts.values());
    list.sort(
        Comparator.comparingDouble((HypothesisDraft d) -> -d.score)
            .thenComparing(d -> d.kind.ordinal())
            .thenComparing(d -> d.entityName)
            .thenComparing(d -> d.changeId == null ? "" : d.changeId));
    Map<String, HypothesisFeedback> verdicts = latestVerdicts(feedback);
    applyFeedback(list, verdicts);

    double sum = 0;
    for (HypothesisDraft d : list) {
      sum += d.score;
    }
    double denom = sum + w.get(Weight.UNEXPLAINED_PRIOR);
    List<Hypothesis> out = new ArrayList<>();
    Set<String> causes = new TreeSet<>();
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
    if (ruledOut.size() > 20) {
      ruledOut = new ArrayList<>(ruledOut.subList(0, 20));
    }
    return new Result(out, ruledOut, new ArrayList<>(linked.values()), causes);
  }

  // ---------------------------------------------------------------- changes

  private long lookback(CandidateAnalysis a) {
    return a.leadingFirst ? config.leadingChangeLookbackMs() : config.changeLookbackMs();
  }

  private double decay(CandidateAnalysis a) {
    return a.leadingFirst ? config.leadingChangeDecayMs() : config.changeDecayMs();
  }

  @Nullable
  private HypothesisDraft plannedActivities(
      CandidateAnalysis a,
      List<ChangeEvent> changes,
      Map<String, HypothesisDraft> drafts,
      List<RuledOut> ruledOut,
      Map<String, ChangeEvent> linked) {
    HypothesisDraft best = null;
    long grace = config.onsetGraceMs();
    for (ChangeEvent c : changes) {
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
      linked.put(c.getId(), c);
      if (!related) {
        ruledOut.add(
            ruled(
                EvidenceFactory.describe(c),
                RootCauseKind.PLANNED_ACTIVITY,
                "planned activity on "
                    + svc
                    + ", which neither fails nor calls the failing services",
                c.getId()));
        continue;
      }
      HypothesisDraft d =
          new HypothesisDraft(
              RootCauseKind.PLANNED_ACTIVITY,
              EntityKind.SERVICE,
              svc == null ? "all" : svc,
              svc,
              w.get(Weight.PLANNED_ACTIVITY),
              "Planned activity, not a fault: "
                  + EvidenceFactory.describe(c)
                  + "; the signals started inside its window.");
      d.changeId = c.getId();
      d.planned = true;
      d.mitigation = MitigationClass.WAIT_FOR_PLANNED_END;
      d.term("proximity", 1.0, "onset inside the planned window");
      d.addEvidence(evidence.change(c));
      String load = loadSignal(a);
      if (load != null) {
        d.directEvidence(load, w.get(Weight.DIRECT_EVIDENCE));
      }
      addNodeEvidence(d, a, svc == null ? null : a.nodes.get(svc));
      for (Node n : a.nodes.values()) {
        for (SignalState s : n.own) {
          SignalCategory cat = SignalCategory.of(s.category);
          if (cat == SignalCategory.TRAFFIC || cat.isResource() || cat == SignalCategory.LATENCY) {
            d.addEvidence(evidence.signal(s));
          }
        }
      }
      put(drafts, d);
      if (best == null || d.score > best.score) {
        best = d;
      }
    }
    return best;
  }

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

  private void changeHypotheses(
      CandidateAnalysis a,
      List<ChangeEvent> changes,
      InventoryIndex inventory,
      Map<String, HypothesisDraft> drafts,
      List<RuledOut> ruledOut,
      Map<String, ChangeEvent> linked,
      @Nullable HypothesisDraft planned,
      long now) {
    long onset = a.onsetMs;
    long lookback = lookback(a);
    double tau = decay(a);
    Map<String, ChangeEvent> deployedCommits = new TreeMap<>();
    for (ChangeEvent c : changes) {
      if ((c.getKind() == ChangeKind.DEPLOY || c.getKind() == ChangeKind.ROLLBACK)
          && c.getCommit() != null) {
        deployedCommits.put(c.getCommit(), c);
      }
    }
    for (Rollouts.Rollout rollout : Rollouts.merge(changes)) {
      ChangeEvent c = rollout.change();
      ChangeKind k = c.getKind();
      if (k == ChangeKind.PLANNED_ACTIVITY) {
        continue;
      }
      long t = c.getTimestampMs();
      boolean inWindow = t >= onset - lookback && t <= onset + config.onsetGraceMs();
      boolean touches = touches(a, c);
      if (k == ChangeKind.MERGE) {
        if (t >= onset - lookback
            && t <= a.members.get(a.members.size() - 1).lastSeenMs
            && (touches || c.getService() == null || a.isUpstreamOfFailure(c.getService()))) {
          ChangeEvent deployed = c.getCommit() == null ? null : deployedCommits.get(c.getCommit());
          linkRollout(linked, rollout);
          ruledOut.add(
              ruled(
                  EvidenceFactory.describe(c),
                  null,
                  "a merge is not a rollout: the code was merged but "
                      + (deployed == null
                          ? "never deployed"
                          : "only reached production with " + deployed.getId())
                      + "; merge time is never blamed",
                  c.getId()));
        }
        continue;
      }
      if (t > onset + config.onsetGraceMs()) {
        if (touches && t <= onset + config.joinWindowMs() * 6) {
          linkRollout(linked, rollout);
          long after = t - onset;
          ruledOut.add(
              ruled(
                  EvidenceFactory.describe(c),
                  kindOf(c),
                  (k == ChangeKind.ROLLBACK
                          ? "a rollback after onset is a mitigation, not a cause"
                          : "rolled out after onset, cannot have caused it")
                      + " ("
                      + duration(after)
                      + " after the first signal)",
                  c.getId()));
        }
        continue;
      }
      if (!inWindow) {
        continue;
      }
      Location loc = locate(a, c);
      if (loc.weight <= 0) {
        if (t >= onset - config.changeLookbackMs()) {
          linkRollout(linked, rollout);
          ruledOut.add(
              ruled(
                  EvidenceFactory.describe(c),
                  kindOf(c),
                  "healthy change elsewhere: " + loc.reason,
                  c.getId()));
        }
        continue;
      }
      linkRollout(linked, rollout);
      HypothesisDraft d = changeDraft(c, loc);
      long end = c.getRolloutEndMs() == null ? t : c.getRolloutEndMs();
      long delta = onset <= end ? 0 : onset - t;
      double p = Math.exp(-delta / Math.max(1.0, tau));
      d.term(
          "proximity",
          p,
          delta == 0
              ? "onset during the rollout"
              : "rolled out " + duration(delta) + " before onset, decay " + duration((long) tau));
      d.term("location", loc.weight, loc.reason);
      if (loc.node != null) {
        d.term(
            "onset order", loc.node.onsetFactor, "onset " + EvidenceFactory.time(loc.node.onsetMs));
      }
      directForChange(a, c, d, loc, inventory, now);
      if (planned != null && planned.direct) {
        d.term("planned activity", 0.5, "a planned activity in progress explains the load");
        d.ruledOut.add(
            ruled(
                EvidenceFactory.describe(c),
                kindOf(c),
                "coincides with planned activity "
                    + planned.changeId
                    + ", which explains the signals",
                c.getId()));
      }
      d.addEvidence(evidence.change(c));
      for (ChangeEvent seen : rollout.alsoSeen()) {
        d.addEvidence(evidence.change(seen));
      }
      addNodeEvidence(d, a, loc.node);
      put(drafts, d);
    }
  }

  private static void linkRollout(Map<String, ChangeEvent> linked, Rollouts.Rollout rollout) {
    linked.put(rollout.change().getId(), rollout.change());
    for (ChangeEvent seen : rollout.alsoSeen()) {
      linked.put(seen.getId(), seen);
    }
  }

  /** Whether a change concerns an entity of the candidate (for ruled-out bookkeeping). */
  private static boolean touches(CandidateAnalysis a, ChangeEvent c) {
    if (c.getService() != null && a.nodes.containsKey(c.getService())) {
      return true;
    }
    if (c.getResourceName() != null && a.nodes.containsKey(c.getResourceName())) {
      return true;
    }
    if (c.getInstance() != null) {
      for (SignalState s : a.members) {
        if (c.getInstance().equals(s.instance)) {
          return true;
        }
      }
    }
    return false;
  }

  private static final class Location {
    final double weight;
    final String reason;
    @Nullable final Node node;

    Location(double weight, String reason, @Nullable Node node) {
      this.weight = weight;
      this.reason = reason;
      this.node = node;
    }
  }

  private Location locate(CandidateAnalysis a, ChangeEvent c) {
    String svc = c.getService();
    switch (c.getKind()) {
      case MANUAL_SESSION -> {
        String host = c.getInstance();
        if (host != null) {
          int[] share = worstOffShare(a, host);
          if (share[0] > 0) {
            return new Location(
                w.get(Weight.LOCATION_ROOT) * Math.max(0.5, (double) share[0] / share[1]),
                share[0] + " of " + share[1] + " metrics of its service are worst on host " + host,
                svc == null ? null : a.nodes.get(svc));
          }
        }
        Node n = svc == null ? null : a.nodes.get(svc);
        if (n != null) {
          return new Location(
              0.4 * a.locationWeight(n),
              "session on " + svc + " but not on one of its anomalous hosts",
              n);
        }
        return new Location(0, "host " + host + " and its service show no anomaly", null);
      }
      case PERMISSION -> {
        String res = c.getResourceName();
        Node r = res == null ? null : a.nodes.get(res);
        if (r != null) {
          return new Location(
              a.locationWeight(r), res + " is failing for its callers (" + r.roleReason + ")", r);
        }
        Node n = svc == null ? null : a.nodes.get(svc);
        if (n != null) {
          return new Location(a.locationWeight(n), n.roleReason, n);
        }
        return new Location(
            0,
            (res == null ? svc : res) + " shows no anomaly and no failing call reaches it",
            null);
      }
      default -> {
        if (svc == null) {
          return c.getKind() == ChangeKind.CONFIG || c.getKind() == ChangeKind.FEATURE_FLAG
              ? new Location(
                  w.get(Weight.LOCATION_NEIGHBOUR), "change not scoped to a service", null)
              : new Location(0, "change names no service", null);
        }
        Node n = a.nodes.get(svc);
        if (n != null) {
          return new Location(a.locationWeight(n), svc + ": " + n.roleReason, n);
        }
        if (a.isNeighbourOfFailure(svc)) {
          return new Location(
              w.get(Weight.LOCATION_NEIGHBOUR),
              svc + " is called by failing services but shows no anomaly itself",
              null);
        }
        return new Location(
            0,
            svc + " shows no anomaly and is not connected to the failing services as of onset",
            null);
      }
    }
  }

  private HypothesisDraft changeDraft(ChangeEvent c, Location loc) {
    String svc = c.getService();
    RootCauseKind kind = kindOf(c);
    Weight weight =
        switch (c.getKind()) {
          case DEPLOY -> Weight.DEPLOY;
          case ROLLBACK -> Weight.ROLLBACK;
          case CONFIG -> Weight.CONFIG;
          case FEATURE_FLAG -> Weight.FEATURE_FLAG;
          case SCALE -> Weight.SCALE;
          case PERMISSION -> Weight.PERMISSION;
          case MANUAL_SESSION -> Weight.MANUAL_SESSION;
          default -> Weight.DEPLOY;
        };
    EntityKind ek;
    String entity;
    String entityService = svc;
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
            entityService,
            w.get(weight),
            HypothesisDraft.label(kind).substring(0, 1).toUpperCase(Locale.ROOT)
                + HypothesisDraft.label(kind).substring(1)
                + " suspected: "
                + EvidenceFactory.describe(c)
                + ".");
    d.changeId = c.getId();
    if (c.getKind() == ChangeKind.DEPLOY || c.getKind() == ChangeKind.ROLLBACK) {
      d.version = c.getVersion();
    }
    d.mitigation =
        switch (c.getKind()) {
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
    return d;
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

  private void directForChange(
      CandidateAnalysis a,
      ChangeEvent c,
      HypothesisDraft d,
      Location loc,
      InventoryIndex inventory,
      long now) {
    double m = w.get(Weight.DIRECT_EVIDENCE);
    String svc = c.getService();
    Node n = svc == null ? null : a.nodes.get(svc);
    long t = c.getTimestampMs();
    switch (c.getKind()) {
      case DEPLOY, ROLLBACK -> {
        if (n != null && c.getVersion() != null && n.role != CandidateAnalysis.INHERITOR) {
          compareVersions(c, d, n, inventory.versionsAt(svc, a.onsetMs, now));
        }
        loadAfterRollout(a, c, d);
        newTemplateAfter(n, t, d, m, "rollout");
      }
      case CONFIG, FEATURE_FLAG -> newTemplateAfter(n, t, d, m, "change");
      case SCALE -> {
        Node target = n;
        if (target != null) {
          for (SignalState s : target.all()) {
            SignalCategory cat = SignalCategory.of(s.category);
            if (s.onsetMs >= t
                && (cat == SignalCategory.MISSING
                    || (svc.equals(s.peer) && cat == SignalCategory.ERRORS)
                    || (cat == SignalCategory.TRAFFIC && s.direction < 0))) {
              d.directEvidence(
                  svc
                      + " stopped serving after the scale change ("
                      + cat.label()
                      + ", "
                      + s.id
                      + ")",
                  m);
              d.addEvidence(evidence.signal(s));
              break;
            }
          }
        }
      }
      case MANUAL_SESSION -> {
        String host = c.getInstance();
        if (host != null && loc.weight >= w.get(Weight.LOCATION_ROOT) * 0.8) {
          d.directEvidence("only host " + host + " shows instance-level anomalies", m);
          for (SignalState s : a.members) {
            if (host.equals(s.instance)) {
              d.addEvidence(evidence.signal(s));
            }
          }
        }
      }
      case PERMISSION -> {
        String found = deniedMessage(a, c.getResourceName());
        if (found != null) {
          d.directEvidence("errors say access is denied: \"" + found + "\"", m);
        }
      }
      default -> {}
    }
  }

  /**
   * New-version instances against old ones at the same time: failures only where the version runs
   * are direct evidence; the version merely running everywhere is none.
   */
  private void compareVersions(
      ChangeEvent c, HypothesisDraft d, Node n, Map<String, String> running) {
    VersionSplit split = VersionSplit.of(n, c.getVersion(), running);
    if (split.concentrated()) {
      d.directEvidence(
          "failures concentrate on the new version: " + split.describe(c.getVersion()),
          w.get(Weight.DIRECT_EVIDENCE));
      for (SignalState s : n.own) {
        if (s.instance != null && split.failingOn().contains(s.instance)) {
          d.addEvidence(evidence.signal(s));
        }
      }
    } else if (!split.failingOn().isEmpty()) {
      d.term(
          "version comparison",
          1.0,
          split.comparable()
              ? "instances on other versions fail too: " + split.describe(c.getVersion())
              : "every instance of "
                  + n.name
                  + " ran "
                  + c.getVersion()
                  + " at onset: no"
                  + " instance on another version to compare with");
    }
  }

  /**
   * Before against after at matched load: a rollout that was complete before the request rate rose,
   * with the failures beginning only then, served the old load without failing.
   */
  private void loadAfterRollout(CandidateAnalysis a, ChangeEvent c, HypothesisDraft d) {
    long rolledOut = c.getRolloutEndMs() == null ? c.getTimestampMs() : c.getRolloutEndMs();
    for (Node entry : a.nodes.values()) {
      if (entry.dependency || !a.isEntry(entry)) {
        continue;
      }
      for (SignalState s : entry.own) {
        if (s.category == SignalCategory.TRAFFIC.ordinal()
            && s.direction > 0
            && s.onsetMs > rolledOut
            && s.onsetMs <= a.onsetMs + a.consequenceToleranceMs()) {
          d.term(
              "load came after the rollout",
              LOAD_AFTER_ROLLOUT,
              "the new version served "
                  + duration(s.onsetMs - rolledOut)
                  + " without failing; the failures began when the request rate rose at "
                  + entry.name
                  + " ("
                  + s.id
                  + ")");
          return;
        }
      }
    }
  }

  /** Factor on a change whose failures began with a later rise in load rather than with it. */
  private static final double LOAD_AFTER_ROLLOUT = 0.5;

  private void newTemplateAfter(
      @Nullable Node n, long t, HypothesisDraft d, double m, String what) {
    if (n == null || n.role == CandidateAnalysis.INHERITOR) {
      return;
    }
    for (SignalState s : n.own) {
      if (s.category == SignalCategory.LOG.ordinal()
          && s.onsetMs >= t
          && "NEW_LOG_TEMPLATE".equals(s.anomalyKind)) {
        String template =
            s.anomaly != null && s.anomaly.getEvidence() != null
                ? s.anomaly.getEvidence().getLogTemplate()
                : null;
        d.directEvidence(
            "new log template on "
                + n.name
                + " after the "
                + what
                + (template == null ? "" : ": \"" + template + "\"")
                + " ("
                + s.id
                + ")",
            m);
        d.addEvidence(evidence.signal(s));
        d.addEvidence(evidence.logTemplate(s));
        return;
      }
    }
  }

  @Nullable
  private static String deniedMessage(CandidateAnalysis a, @Nullable String resource) {
    for (SignalState s : a.members) {
      Anomaly an = s.anomaly;
      if (an == null || an.getEvidence() == null) {
        continue;
      }
      for (String text :
          new String[] {an.getEvidence().getLogTemplate(), an.getEvidence().getSampleMessage()}) {
        if (text != null && DENIED.matcher(text).find()) {
          return text.length() > 160 ? text.substring(0, 160) : text;
        }
      }
    }
    if (resource != null) {
      Node r = a.nodes.get(resource);
      if (r != null) {
        for (SignalState s : r.viaClients) {
          if (s.anomaly != null && s.anomaly.getEvidence() != null) {
            String m = s.anomaly.getEvidence().getSampleMessage();
            if (m != null && DENIED.matcher(m).find()) {
              return m;
            }
          }
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- dependencies

  /** Whether every signal implicating a dependency is a request rate going up. */
  private static boolean onlyMoreCalls(Node n) {
    List<SignalState> all = n.all();
    if (all.isEmpty()) {
      return false;
    }
    for (SignalState s : all) {
      if (s.category != SignalCategory.TRAFFIC.ordinal() || s.direction <= 0) {
        return false;
      }
    }
    return true;
  }

  private void dependencyHypotheses(
      CandidateAnalysis a,
      ImpactIndex impact,
      Map<String, HypothesisDraft> drafts,
      List<RuledOut> ruledOut,
      long now) {
    for (Node n : a.nodes.values()) {
      if (!n.dependency) {
        continue;
      }
      if (onlyMoreCalls(n)) {
        // Its callers calling it more is their load, not its failure: a surge at the edge
        // quadruples the database calls too, and with a week of history that tied the surge.
        ruledOut.add(
            ruled(
                "dependency " + n.name,
                RootCauseKind.DEPENDENCY,
                "its callers only call it more often; no errors, latency or missing data on it",
                n.all().get(0).id));
        continue;
      }
      long callersFrom = firstCallerOnset(a, n);
      long own = a.incidentOnset(n);
      if (callersFrom != Long.MAX_VALUE
          && own != Long.MAX_VALUE
          && own > callersFrom + a.consequenceToleranceMs()) {
        // Its callers were failing before it was: what it shows is their trouble reaching it.
        ruledOut.add(
            ruled(
                "dependency " + n.name,
                RootCauseKind.DEPENDENCY,
                "its signals began "
                    + duration(own - callersFrom)
                    + " after its callers were already failing; a consequence, not the cause",
                n.all().get(0).id));
        continue;
      }
      HypothesisDraft d =
          new HypothesisDraft(
              RootCauseKind.DEPENDENCY,
              EntityKind.DEPENDENCY,
              n.name,
              null,
              w.get(Weight.DEPENDENCY),
              "Dependency "
                  + n.name
                  + " fails or slows down for its callers ("
                  + callersOf(n)
                  + ").");
      d.term("location", a.locationWeight(n), n.roleReason);
      d.term("onset order", n.onsetFactor, "onset " + EvidenceFactory.time(n.onsetMs));
      double throttled = 0;
      double errors = 0;
      double requests = 0;
      String message = null;
      for (RedSeriesState s : impact.clientSeriesTo(n.name)) {
        double[] t = impact.totals(s, a.onsetMs - config.redIntervalMs(), now);
        requests += t[0];
        errors += t[1];
        throttled += t[2];
        for (int i = 0; i < s.messages.length; i++) {
          if (s.messageLastMs[i] >= a.onsetMs
              && (message == null || THROTTLE.matcher(s.messages[i]).find())) {
            message = s.messages[i];
          }
        }
        if (t[1] > 0 || t[2] > 0) {
          for (var e : evidence.traces(s, a.onsetMs)) {
            d.addEvidence(e);
          }
          d.addEvidence(evidence.redFailure(s, t[0], t[1], null, a.onsetMs));
        }
      }
      boolean sawThrottle = throttled > 0 || (message != null && THROTTLE.matcher(message).find());
      for (SignalState s : n.viaClients) {
        d.addEvidence(evidence.signal(s));
        if (s.anomaly != null && s.anomaly.getEvidence() != null) {
          String m = s.anomaly.getEvidence().getSampleMessage();
          if (m != null && message == null) {
            message = m;
          }
          if (m != null && THROTTLE.matcher(m).find()) {
            sawThrottle = true;
          }
        }
      }
      if (sawThrottle) {
        d.directEvidence(
            "client spans to "
                + n.name
                + " report throttling"
                + (throttled > 0 ? " (" + Math.round(throttled) + " throttled events)" : "")
                + (message == null ? "" : ": \"" + message + "\""),
            w.get(Weight.DIRECT_EVIDENCE));
        d.mitigation = MitigationClass.RAISE_DEPENDENCY_CAPACITY;
      } else if (message != null && errors > 0) {
        d.directEvidence(
            "failing client spans to " + n.name + " say \"" + message + "\"",
            w.get(Weight.DIRECT_EVIDENCE));
        d.mitigation = MitigationClass.SHIFT_TRAFFIC;
      } else if (n.has(SignalCategory.LATENCY) && !n.has(SignalCategory.ERRORS)) {
        d.mitigation = MitigationClass.RAISE_DEPENDENCY_CAPACITY;
      } else {
        d.mitigation = MitigationClass.SHIFT_TRAFFIC;
      }
      for (String caller : a.graph.callersOf(n.name)) {
        if (a.nodes.containsKey(caller)) {
          d.addEvidence(evidence.edge(caller, n.name, a.onsetMs));
        }
      }
      put(drafts, d);
    }
  }

  /** The earliest onset among the anomalous callers of {@code n}; MAX_VALUE when none. */
  private static long firstCallerOnset(CandidateAnalysis a, Node n) {
    long first = Long.MAX_VALUE;
    for (String caller : a.graph.callersOf(n.name)) {
      Node c = a.nodes.get(caller);
      if (c != null && !c.own.isEmpty()) {
        first = Math.min(first, a.incidentOnset(c));
      }
    }
    return first;
  }

  private static String callersOf(Node n) {
    Set<String> callers = new TreeSet<>();
    for (SignalState s : n.viaClients) {
      if (s.service != null) {
        callers.add(s.service);
      }
    }
    return callers.isEmpty()
        ? "seen through client spans"
        : "seen by " + String.join(", ", callers);
  }

  // ---------------------------------------------------------------- traffic

  @Nullable
  private HypothesisDraft trafficHypotheses(
      CandidateAnalysis a, Map<String, HypothesisDraft> drafts, List<RuledOut> ruledOut) {
    HypothesisDraft best = null;
    // When the symptoms other than load began (context blips aside): the same for every entry.
    long othersOnset = Long.MAX_VALUE;
    for (SignalState s : a.members) {
      if (s.category != SignalCategory.TRAFFIC.ordinal()
          && s.category != SignalCategory.TOPOLOGY.ordinal()
          && !a.isContext(s)) {
        othersOnset = Math.min(othersOnset, s.onsetMs);
      }
    }
    for (Node n : a.nodes.values()) {
      if (!n.has(SignalCategory.TRAFFIC) || n.dependency || !a.isEntry(n)) {
        continue;
      }
      SignalState first = null;
      for (SignalState s : n.own) {
        if (s.category == SignalCategory.TRAFFIC.ordinal() && s.direction != 0) {
          first = s;
          break;
        }
      }
      if (first == null) {
        continue;
      }
      boolean up = first.direction > 0;
      if (!up && failuresExplainDrop(n, first)) {
        continue;
      }
      if (othersOnset != Long.MAX_VALUE
          && first.onsetMs > othersOnset + a.consequenceToleranceMs()) {
        // Load that rose after the symptoms began did not cause them.
        ruledOut.add(
            ruled(
                "traffic " + (up ? "surge" : "drop") + " at " + n.name,
                RootCauseKind.TRAFFIC,
                "the request rate moved "
                    + duration(first.onsetMs - othersOnset)
                    + " after the other symptoms began",
                first.id));
        continue;
      }
      HypothesisDraft d =
          new HypothesisDraft(
              RootCauseKind.TRAFFIC,
              EntityKind.SERVICE,
              n.name,
              n.name,
              w.get(Weight.TRAFFIC) * (up ? 1.0 : 0.7),
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
            w.get(Weight.LEADING_FIRST),
            "the request rate moved before the other symptoms");
      } else {
        d.term("onset order", n.onsetFactor, "other symptoms started first");
      }
      d.observed("request rate " + (up ? "above" : "below") + " its band (" + first.id + ")");
      d.addEvidence(evidence.signal(first));
      put(drafts, d);
      if (up && (best == null || d.score > best.score)) {
        best = d;
      }
    }
    return best;
  }

  /**
   * Fewer successful requests while the same service starts failing is the failure seen from the
   * other side, not less load.
   */
  private boolean failuresExplainDrop(Node n, SignalState drop) {
    for (SignalState s : n.own) {
      if (s.category == SignalCategory.ERRORS.ordinal()
          && s.onsetMs <= drop.onsetMs + config.joinWindowMs()) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- common factors

  private static final String[] FACTORS = {
    InventoryIndex.INSTANCE, InventoryIndex.CONTAINER, InventoryIndex.ZONE, InventoryIndex.CELL
  };

  /**
   * Common factors (instance, container, zone, cell). Signals are compared per metric family: one
   * metric of one service as seen on its instances. A family points at a facet value when the
   * signals on that value are clearly worse off than the others in the family, so errors that
   * callers in healthy zones inherit from a failing zone (smaller, but anomalous too) do not hide
   * the zone. A facet value becomes a hypothesis when most families point at it and the same
   * services also run on other values.
   */
  private Map<String, HypothesisDraft> factorHypotheses(
      CandidateAnalysis a,
      InventoryIndex inventory,
      Map<String, HypothesisDraft> drafts,
      long now) {
    Map<String, List<SignalState>> families = metricFamilies(a);
    Map<String, HypothesisDraft> instanceDrafts = new TreeMap<>();
    Map<String, HypothesisDraft> placeDrafts = new TreeMap<>();
    for (String facet : FACTORS) {
      boolean perService = facet.equals(InventoryIndex.INSTANCE);
      // An instance is a factor within its service; the other facets span services.
      Map<String, List<List<SignalState>>> byScope = new TreeMap<>();
      for (List<SignalState> family : families.values()) {
        if (hasFacet(family, facet) && splitsTheFamily(family, facet)) {
          String scope = perService ? String.valueOf(family.get(0).service) : "";
          byScope.computeIfAbsent(scope, k -> new ArrayList<>()).add(family);
        }
      }
      for (List<List<SignalState>> scoped : byScope.values()) {
        Map<String, List<List<SignalState>>> pointingAt = new TreeMap<>();
        for (List<SignalState> family : scoped) {
          String worst = worstOff(family, facet);
          if (worst != null) {
            pointingAt.computeIfAbsent(worst, k -> new ArrayList<>()).add(family);
          }
        }
        for (Map.Entry<String, List<List<SignalState>>> e : pointingAt.entrySet()) {
          // Judged among the metrics that went anomalous around the same time: a sidecar's leak
          // and, hours later, the app's errors from its OOM are two phases, each with its factor.
          // The phase with the most metrics pointing at this value (earliest on a tie), so a
          // couple of early blips do not stand in for the main pattern.
          long phase = a.leadingFirst ? FACTOR_PHASE_LEADING_MS : FACTOR_PHASE_MS;
          long start = Long.MAX_VALUE;
          List<List<SignalState>> pointing = List.of();
          for (List<SignalState> anchor : e.getValue()) {
            long from = familyOnset(anchor);
            List<List<SignalState>> inPhase = new ArrayList<>();
            for (List<SignalState> f : e.getValue()) {
              long onset = familyOnset(f);
              if (onset >= from && onset <= from + phase) {
                inPhase.add(f);
              }
            }
            if (inPhase.size() > pointing.size()
                || (inPhase.size() == pointing.size() && from < start)) {
              pointing = inPhase;
              start = from;
            }
          }
          int total = 0;
          for (List<SignalState> f : scoped) {
            if (Math.abs(familyOnset(f) - start) <= phase) {
              total++;
            }
          }
          if (pointing.size() < 2) {
            continue; // one metric alone is not a pattern
          }
          if ((double) pointing.size() / total < 0.75) {
            continue;
          }
          HypothesisDraft d =
              factorDraft(
                  a, inventory, drafts, instanceDrafts, facet, e.getKey(), pointing, total, now);
          if (d != null) {
            long lag = Math.max(0, start - a.onsetMs);
            double floor = w.get(Weight.ONSET_ORDER_FLOOR);
            d.term(
                "onset order",
                floor + (1 - floor) * Math.exp(-lag / 120_000.0),
                "its metrics went anomalous " + duration(lag) + " after the first signal");
            if (!perService) {
              placeDrafts.put(e.getKey(), d);
            }
          }
        }
      }
    }
    // An instance that fails as part of a failing zone or cell is one of its symptoms; one that a
    // change touched directly (a session on that host) is where that change acted.
    for (HypothesisDraft inst : instanceDrafts.values()) {
      HypothesisDraft change = null;
      for (HypothesisDraft d : drafts.values()) {
        if (d.changeId != null && inst.entityName.equals(d.entityName)) {
          change = d;
          break;
        }
      }
      if (change != null) {
        inst.term("explained", 0.5, "the " + change.changeId + " change acted on this instance");
        continue;
      }
      for (String place : placesOf(a, inst.entityName)) {
        HypothesisDraft wider = placeDrafts.get(place);
        if (wider != null && wider.score > inst.score) {
          inst.term(
              "explained",
              0.5,
              "part of the wider pattern on "
                  + wider.entityKind.name().toLowerCase(Locale.ROOT)
                  + " "
                  + place);
          break;
        }
      }
    }
    return instanceDrafts;
  }

  /**
   * Of the metric families of the instance's service that are seen per instance: how many are worst
   * on that instance, and how many there are.
   */
  private static int[] worstOffShare(CandidateAnalysis a, String instance) {
    String service = null;
    for (SignalState s : a.members) {
      if (instance.equals(s.instance)) {
        service = s.service;
        break;
      }
    }
    int on = 0;
    int total = 0;
    if (service == null) {
      return new int[] {0, 0};
    }
    for (List<SignalState> family : metricFamilies(a).values()) {
      if (!service.equals(family.get(0).service) || !hasFacet(family, InventoryIndex.INSTANCE)) {
        continue;
      }
      total++;
      if (instance.equals(worstOff(family, InventoryIndex.INSTANCE))) {
        on++;
      }
    }
    return new int[] {on, total};
  }

  private static Set<String> placesOf(CandidateAnalysis a, String instance) {
    Set<String> places = new TreeSet<>();
    for (SignalState s : a.members) {
      if (instance.equals(s.instance)) {
        if (s.zone != null) {
          places.add(s.zone);
        }
        if (s.cell != null) {
          places.add(s.cell);
        }
      }
    }
    return places;
  }

  @Nullable
  private HypothesisDraft factorDraft(
      CandidateAnalysis a,
      InventoryIndex inventory,
      Map<String, HypothesisDraft> drafts,
      Map<String, HypothesisDraft> instanceDrafts,
      String facet,
      String top,
      List<List<SignalState>> pointing,
      int total,
      long now) {
    boolean perService = facet.equals(InventoryIndex.INSTANCE);
    List<SignalState> on = new ArrayList<>();
    Set<String> services = new TreeSet<>();
    for (List<SignalState> family : pointing) {
      for (SignalState s : family) {
        if (top.equals(facetValue(s, facet))) {
          on.add(s);
          if (s.service != null) {
            services.add(s.service);
          }
        }
      }
    }
    if (!perService && services.size() < config.minFactorServices()) {
      return null;
    }
    // Not universal: the same services also run with other values of this facet.
    Set<String> population = new TreeSet<>();
    for (String svc : services) {
      population.addAll(inventory.values(svc, facet, now));
    }
    if (perService) {
      for (SignalState s : a.members) {
        if (s.instance != null && services.contains(s.service)) {
          population.add(s.instance);
        }
      }
    }
    double exclusivity;
    String exclusivityReason;
    if (population.size() > 1 || (population.size() == 1 && !population.contains(top))) {
      exclusivity = 1.0;
      Set<String> others = new TreeSet<>(population);
      others.remove(top);
      exclusivityReason =
          "the same services also run on "
              + String.join(", ", others)
              + ", which look healthy or less affected";
    } else if (population.isEmpty()) {
      exclusivity = 0.6;
      exclusivityReason = "unknown whether the services run elsewhere (no inventory)";
    } else {
      return null; // everything runs there: not a distinguishing factor
    }
    RootCauseKind kind;
    EntityKind ek;
    Weight weight;
    MitigationClass mit;
    switch (facet) {
      case InventoryIndex.INSTANCE -> {
        kind = RootCauseKind.INSTANCE;
        ek = EntityKind.INSTANCE;
        weight = Weight.INSTANCE;
        mit = MitigationClass.REPLACE_INSTANCE;
      }
      case InventoryIndex.CONTAINER -> {
        kind = RootCauseKind.CONTAINER;
        ek = EntityKind.CONTAINER;
        weight = Weight.CONTAINER;
        mit = MitigationClass.REPLACE_INSTANCE;
      }
      case InventoryIndex.ZONE -> {
        kind = RootCauseKind.ZONE;
        ek = EntityKind.ZONE;
        weight = Weight.ZONE;
        mit = MitigationClass.SHIFT_TRAFFIC;
      }
      default -> {
        kind = RootCauseKind.CELL;
        ek = EntityKind.CELL;
        weight = Weight.CELL;
        mit = MitigationClass.SHIFT_TRAFFIC;
      }
    }
    String svcText = String.join(", ", services);
    String service = perService && services.size() == 1 ? services.iterator().next() : null;
    HypothesisDraft d =
        new HypothesisDraft(
            kind,
            ek,
            top,
            service,
            w.get(weight),
            "Common factor: "
                + pointing.size()
                + " of "
                + total
                + " metrics seen per "
                + facet
                + " are worst on "
                + facet
                + " "
                + top
                + (services.isEmpty() ? "" : " (" + svcText + ")")
                + ".");
    d.mitigation = mit;
    d.term(
        "concentration",
        (double) pointing.size() / total,
        pointing.size() + " of " + total + " metrics are worst there");
    d.term("exclusivity", exclusivity, exclusivityReason);
    if (perService) {
      Node n = service == null ? null : a.nodes.get(service);
      if (n != null) {
        d.term("location", a.locationWeight(n), n.roleReason);
      }
    } else {
      double spread =
          Math.min(
              w.get(Weight.FACTOR_SPREAD_CAP),
              1 + w.get(Weight.FACTOR_SPREAD_BONUS) * (services.size() - 1));
      d.term("spread", spread, services.size() + " services share it");
    }
    for (SignalState s : on) {
      d.addEvidence(evidence.signal(s));
    }
    put(drafts, d);
    if (perService) {
      instanceDrafts.put(top, d);
    }
    return d;
  }

  /** Metrics judged together for a common factor: those anomalous within this of each other. */
  private static final long FACTOR_PHASE_MS = 15 * 60_000L;

  private static final long FACTOR_PHASE_LEADING_MS = 60 * 60_000L;

  private static long familyOnset(List<SignalState> family) {
    long onset = Long.MAX_VALUE;
    for (SignalState s : family) {
      onset = Math.min(onset, s.onsetMs);
    }
    return onset;
  }

  /** How much worse the signals on one facet value must be than the rest of their family. */
  private static final double WORST_OFF_MARGIN = 1.2;

  /**
   * Entity-level signals grouped by metric: service, signal name, direction and series with the
   * instance blanked out, so the instances of one service line up against each other.
   */
  private static Map<String, List<SignalState>> metricFamilies(CandidateAnalysis a) {
    Map<String, List<SignalState>> families = new TreeMap<>();
    for (SignalState s : a.members) {
      if (s.category == SignalCategory.TOPOLOGY.ordinal()
          || (s.instance == null && s.container == null && s.zone == null && s.cell == null)) {
        continue;
      }
      String series = s.seriesId == null ? "" : s.seriesId;
      if (s.instance != null) {
        series = series.replace(s.instance, "*");
      }
      families
          .computeIfAbsent(s.signal + '|' + s.direction + '|' + series, k -> new ArrayList<>())
          .add(s);
    }
    return families;
  }

  /**
   * Whether the facet can tell the family's entities apart at all. The containers of one pod share
   * its requests: request metrics (errors, latency, traffic) are reported on the one container that
   * serves them, so they would always point at it. Only a container's own resources (memory, CPU,
   * restarts) compare containers.
   */
  private static boolean splitsTheFamily(List<SignalState> family, String facet) {
    return !facet.equals(InventoryIndex.CONTAINER)
        || SignalCategory.of(family.get(0).category).isResource();
  }

  private static boolean hasFacet(List<SignalState> family, String facet) {
    for (SignalState s : family) {
      if (facetValue(s, facet) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The facet value whose signals in the family all deviate clearly more than every other signal of
   * the family; null when no value stands out.
   */
  @Nullable
  static String worstOff(List<SignalState> family, String facet) {
    Set<String> values = new TreeSet<>();
    for (SignalState s : family) {
      String v = facetValue(s, facet);
      if (v != null) {
        values.add(v);
      }
    }
    for (String v : values) {
      double minOn = Double.POSITIVE_INFINITY;
      double maxOff = 0;
      for (SignalState s : family) {
        double dev = Math.abs(s.value - s.expected);
        if (v.equals(facetValue(s, facet))) {
          minOn = Math.min(minOn, dev);
        } else {
          maxOff = Math.max(maxOff, dev);
        }
      }
      if (minOn > WORST_OFF_MARGIN * maxOff) {
        return v;
      }
    }
    return null;
  }

  @Nullable
  private static String facetValue(SignalState s, String facet) {
    return switch (facet) {
      case InventoryIndex.INSTANCE -> s.instance;
      case InventoryIndex.CONTAINER -> s.container;
      case InventoryIndex.ZONE -> s.zone;
      case InventoryIndex.CELL -> s.cell;
      default -> null;
    };
  }

  // ---------------------------------------------------------------- versions

  /**
   * A service whose anomalous instance-level signals all come from one version while it also runs
   * another (a canary, a partial rollout), when no deploy event names that version (the deploy tool
   * did not report it, and no derived event either): the version is the suspect.
   */
  private void versionHypotheses(
      CandidateAnalysis a,
      List<ChangeEvent> changes,
      InventoryIndex inventory,
      Map<String, HypothesisDraft> drafts,
      long now) {
    for (Node n : a.nodes.values()) {
      if (n.dependency || n.versions.size() != 1) {
        continue;
      }
      String v = n.versions.iterator().next();
      Set<String> running = inventory.values(n.name, InventoryIndex.VERSION, now);
      if (running.size() < 2 || !running.contains(v)) {
        continue; // every instance runs it: not a distinguishing version
      }
      boolean named = false;
      for (ChangeEvent c : changes) {
        named |=
            (c.getKind() == ChangeKind.DEPLOY || c.getKind() == ChangeKind.ROLLBACK)
                && n.name.equals(c.getService())
                && v.equals(c.getVersion());
      }
      if (named) {
        continue; // the deploy hypothesis already covers it, with this as direct evidence
      }
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
              w.get(Weight.VERSION),
              "Version "
                  + v
                  + " of "
                  + n.name
                  + " is the one failing: its anomalous signals all report it while "
                  + String.join(", ", others)
                  + " also runs; no deploy event names it.");
      d.version = v;
      d.mitigation = MitigationClass.ROLLBACK;
      d.term("location", a.locationWeight(n), n.roleReason);
      d.term("concentration", 1.0, withVersion + " version-bearing signals, all on " + v);
      for (SignalState s : n.own) {
        if (v.equals(s.version)) {
          d.addEvidence(evidence.signal(s));
        }
      }
      put(drafts, d);
    }
  }

  // ---------------------------------------------------------------- resources

  private void resourceHypotheses(
      CandidateAnalysis a,
      List<ChangeEvent> changes,
      Map<String, HypothesisDraft> drafts,
      List<RuledOut> ruledOut,
      @Nullable HypothesisDraft traffic,
      Map<String, HypothesisDraft> instanceFactors,
      long now) {
    for (Node n : a.nodes.values()) {
      if (n.dependency || !n.hasOwnSignals()) {
        continue;
      }
      Map<SignalCategory, List<SignalState>> byCat = new TreeMap<>();
      for (SignalState s : n.own) {
        SignalCategory cat = SignalCategory.of(s.category);
        if (!cat.isResource()) {
          continue;
        }
        byCat.computeIfAbsent(cat, k -> new ArrayList<>()).add(s);
      }
      if (byCat.isEmpty()) {
        continue;
      }
      SignalCategory main = null;
      for (Map.Entry<SignalCategory, List<SignalState>> e : byCat.entrySet()) {
        if (main == null || e.getValue().get(0).onsetMs < byCat.get(main).get(0).onsetMs) {
          main = e.getKey();
        }
      }
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
              w.get(Weight.RESOURCE),
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
      long laggingOnset = Long.MAX_VALUE;
      for (SignalState s : a.members) {
        SignalCategory cat = SignalCategory.of(s.category);
        if (!cat.isResource() && !s.leading && cat != SignalCategory.TOPOLOGY) {
          laggingOnset = Math.min(laggingOnset, s.onsetMs);
        }
      }
      if (firstRes.onsetMs <= laggingOnset) {
        d.term(
            "leading",
            w.get(Weight.LEADING_FIRST),
            laggingOnset == Long.MAX_VALUE
                ? "a leading signal, no user-visible symptom yet"
                : main.label() + " moved before the lagging symptoms");
      } else {
        d.term("onset order", n.onsetFactor, "lagging symptoms started first");
      }
      if (traffic != null
          && (main == SignalCategory.CPU
              || main == SignalCategory.SATURATION
              || main == SignalCategory.GC)
          && firstRes.onsetMs >= a.nodes.get(traffic.entityName).onsetMs) {
        d.term("explained", 0.5, "the traffic surge at " + traffic.entityName + " came first");
      }
      if (instances.size() == 1 && instanceFactors.containsKey(instances.iterator().next())) {
        d.term(
            "explained",
            0.8,
            "concentrated on one instance: see the instance hypothesis for "
                + instances.iterator().next());
      }
      d.observed(main.label() + " outside its band on " + n.name + " (" + firstRes.id + ")");
      for (List<SignalState> l : byCat.values()) {
        for (SignalState s : l) {
          d.addEvidence(evidence.signal(s));
        }
      }
      put(drafts, d);
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

  // ---------------------------------------------------------------- unknown

  private void unknownHypothesis(CandidateAnalysis a, Map<String, HypothesisDraft> drafts) {
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
            w.get(Weight.UNKNOWN),
            "No change, resource or dependency explains it: "
                + name
                + " is the deepest anomalous node"
                + (root == null ? "" : " (" + root.roleReason + ")")
                + ".");
    d.mitigation = MitigationClass.INVESTIGATE;
    addNodeEvidence(d, a, root);
    put(drafts, d);
  }

  // ---------------------------------------------------------------- helpers

  private void addNodeEvidence(HypothesisDraft d, CandidateAnalysis a, @Nullable Node n) {
    if (n == null) {
      return;
    }
    for (SignalState s : n.all()) {
      d.addEvidence(evidence.signal(s));
      if (s.category == SignalCategory.LOG.ordinal()) {
        d.addEvidence(evidence.logTemplate(s));
      }
    }
    for (String callee : n.anomalousCallees) {
      if (a.graph.calleesOf(n.name).contains(callee)) {
        d.addEvidence(evidence.edge(n.name, callee, a.onsetMs));
      }
    }
  }

  private static void put(Map<String, HypothesisDraft> drafts, HypothesisDraft d) {
    String id = d.id();
    HypothesisDraft prev = drafts.get(id);
    if (prev == null || prev.score < d.score) {
      drafts.put(id, d);
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
            ruled(
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
