package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.ChangeEvent;
import java.util.Map;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * Direct evidence for or against a change, beyond its co-occurrence with the failure: per kind of
 * change, what the telemetry would show if the change caused it (failures only on the new version,
 * a new log template after it, the scaled service no longer serving, only the session's host
 * anomalous, errors saying access is denied).
 */
final class ChangeEvidence {

  private static final Pattern DENIED =
      Pattern.compile(
          "(?i)(access ?denied|forbidden|unauthori[sz]ed|not authori[sz]ed|permission|\\b403\\b)");

  /** Factor on a change whose failures began with a later rise in load rather than with it. */
  private static final double LOAD_AFTER_ROLLOUT = 0.5;

  private ChangeEvidence() {}

  /** Adds what the telemetry says about change {@code c} to its draft {@code d}. */
  static void add(RankingContext in, ChangeEvent c, HypothesisDraft d, ChangeLocation loc) {
    CandidateAnalysis a = in.analysis;
    double m = in.weights.get(Weight.DIRECT_EVIDENCE);
    String svc = c.getService();
    Node n = svc == null ? null : a.nodes.get(svc);
    long t = c.getTimestampMs();
    switch (c.getKind()) {
      case DEPLOY, ROLLBACK -> {
        if (n != null && c.getVersion() != null && n.role != CandidateAnalysis.INHERITOR) {
          compareVersions(in, c, d, n, in.inventory.versionsAt(svc, a.onsetMs, in.now));
        }
        loadAfterRollout(a, c, d);
        newTemplateAfter(in, n, t, d, m, "rollout");
      }
      case CONFIG, FEATURE_FLAG -> newTemplateAfter(in, n, t, d, m, "change");
      case SCALE -> stoppedServing(in, n, svc, t, d, m);
      case MANUAL_SESSION -> {
        String host = c.getInstance();
        if (host != null && loc.weight >= in.weights.get(Weight.LOCATION_ROOT) * 0.8) {
          d.directEvidence("only host " + host + " shows instance-level anomalies", m);
          for (SignalState s : a.members) {
            if (host.equals(s.instance)) {
              d.addEvidence(in.evidence.signal(s));
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

  /** A scaled service that stops serving after the change: missing data, calls to it failing. */
  private static void stoppedServing(
      RankingContext in, @Nullable Node target, String svc, long t, HypothesisDraft d, double m) {
    if (target == null) {
      return;
    }
    for (SignalState s : target.all()) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (s.onsetMs >= t
          && (cat == SignalCategory.MISSING
              || (svc.equals(s.peer) && cat == SignalCategory.ERRORS)
              || (cat == SignalCategory.TRAFFIC && s.direction < 0))) {
        d.directEvidence(
            svc + " stopped serving after the scale change (" + cat.label() + ", " + s.id + ")", m);
        d.addEvidence(in.evidence.signal(s));
        return;
      }
    }
  }

  /**
   * New-version instances against old ones at the same time: failures only where the version runs
   * are direct evidence; the version merely running everywhere is none.
   */
  private static void compareVersions(
      RankingContext in, ChangeEvent c, HypothesisDraft d, Node n, Map<String, String> running) {
    VersionSplit split = VersionSplit.of(n, c.getVersion(), running);
    if (split.concentrated()) {
      d.directEvidence(
          "failures concentrate on the new version: " + split.describe(c.getVersion()),
          in.weights.get(Weight.DIRECT_EVIDENCE));
      for (SignalState s : n.own) {
        if (s.instance != null && split.failingOn().contains(s.instance)) {
          d.addEvidence(in.evidence.signal(s));
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
  private static void loadAfterRollout(CandidateAnalysis a, ChangeEvent c, HypothesisDraft d) {
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
                  + HypothesisRanker.duration(s.onsetMs - rolledOut)
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

  private static void newTemplateAfter(
      RankingContext in, @Nullable Node n, long t, HypothesisDraft d, double m, String what) {
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
        d.addEvidence(in.evidence.signal(s));
        d.addEvidence(in.evidence.logTemplate(s));
        return;
      }
    }
  }

  /** An error message saying access is denied: the candidate's own, else its callers' spans. */
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
}
