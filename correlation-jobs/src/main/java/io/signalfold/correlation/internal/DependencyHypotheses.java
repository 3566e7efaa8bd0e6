package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * External dependencies (databases, queues, third-party APIs) that fail or slow down for their
 * callers, as seen through client spans. Throttling or an error message in those spans is direct
 * evidence; a dependency that is only called more, or that began failing after its callers, is
 * ruled out.
 */
final class DependencyHypotheses implements HypothesisGenerator {

  private static final Pattern THROTTLE =
      Pattern.compile(
          "(?i)(throttl|rate ?exceeded|throughputexceeded|too many requests|\\b429\\b)");

  /** What the client spans to one dependency say since shortly before the onset. */
  private static final class ClientSpans {
    double throttled;
    double errors;
    @Nullable String message;
    boolean sawThrottle;
  }

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    CandidateAnalysis a = in.analysis;
    for (Node n : a.nodes.values()) {
      if (!n.dependency) {
        continue;
      }
      if (onlyMoreCalls(n)) {
        // Its callers calling it more is their load, not its failure: a surge at the edge
        // quadruples the database calls too, and with a week of history that tied the surge.
        out.ruleOut(
            "dependency " + n.name,
            RootCauseKind.DEPENDENCY,
            "its callers only call it more often; no errors, latency or missing data on it",
            n.all().get(0).id);
        continue;
      }
      long callersFrom = firstCallerOnset(a, n);
      long own = a.incidentOnset(n);
      if (callersFrom != Long.MAX_VALUE
          && own != Long.MAX_VALUE
          && own > callersFrom + a.consequenceToleranceMs()) {
        // Its callers were failing before it was: what it shows is their trouble reaching it.
        out.ruleOut(
            "dependency " + n.name,
            RootCauseKind.DEPENDENCY,
            "its signals began "
                + HypothesisRanker.duration(own - callersFrom)
                + " after its callers were already failing; a consequence, not the cause",
            n.all().get(0).id);
        continue;
      }
      out.put(draft(in, n));
    }
  }

  private static HypothesisDraft draft(RankingContext in, Node n) {
    CandidateAnalysis a = in.analysis;
    HypothesisDraft d =
        new HypothesisDraft(
            RootCauseKind.DEPENDENCY,
            EntityKind.DEPENDENCY,
            n.name,
            null,
            in.weights.get(Weight.DEPENDENCY),
            "Dependency "
                + n.name
                + " fails or slows down for its callers ("
                + callersOf(n)
                + ").");
    d.term("location", a.locationWeight(n), n.roleReason);
    d.term("onset order", n.onsetFactor, "onset " + EvidenceFactory.time(n.onsetMs));
    ClientSpans spans = readClientSpans(in, n, d);
    judge(in, n, d, spans);
    for (String caller : a.graph.callersOf(n.name)) {
      if (a.nodes.containsKey(caller)) {
        d.addEvidence(in.evidence.edge(caller, n.name, a.onsetMs));
      }
    }
    return d;
  }

  /**
   * Reads the RED series of the client calls to {@code n} and the client-side signals implicating
   * it, citing the failing ones as evidence on {@code d}.
   */
  private static ClientSpans readClientSpans(RankingContext in, Node n, HypothesisDraft d) {
    CandidateAnalysis a = in.analysis;
    ClientSpans spans = new ClientSpans();
    String message = null;
    for (RedSeriesState s : in.impact.clientSeriesTo(n.name)) {
      double[] t = in.impact.totals(s, a.onsetMs - in.config.redIntervalMs(), in.now);
      spans.errors += t[1];
      spans.throttled += t[2];
      for (int i = 0; i < s.messages.length; i++) {
        if (s.messageLastMs[i] >= a.onsetMs
            && (message == null || THROTTLE.matcher(s.messages[i]).find())) {
          message = s.messages[i];
        }
      }
      if (t[1] > 0 || t[2] > 0) {
        for (var e : in.evidence.traces(s, a.onsetMs)) {
          d.addEvidence(e);
        }
        d.addEvidence(in.evidence.redFailure(s, t[0], t[1], null, a.onsetMs));
      }
    }
    boolean sawThrottle =
        spans.throttled > 0 || (message != null && THROTTLE.matcher(message).find());
    for (SignalState s : n.viaClients) {
      d.addEvidence(in.evidence.signal(s));
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
    spans.message = message;
    spans.sawThrottle = sawThrottle;
    return spans;
  }

  /** Direct evidence from the client spans, and the mitigation it points to. */
  private static void judge(RankingContext in, Node n, HypothesisDraft d, ClientSpans spans) {
    String message = spans.message;
    if (spans.sawThrottle) {
      d.directEvidence(
          "client spans to "
              + n.name
              + " report throttling"
              + (spans.throttled > 0
                  ? " (" + Math.round(spans.throttled) + " throttled events)"
                  : "")
              + (message == null ? "" : ": \"" + message + "\""),
          in.weights.get(Weight.DIRECT_EVIDENCE));
      d.mitigation = MitigationClass.RAISE_DEPENDENCY_CAPACITY;
    } else if (message != null && spans.errors > 0) {
      d.directEvidence(
          "failing client spans to " + n.name + " say \"" + message + "\"",
          in.weights.get(Weight.DIRECT_EVIDENCE));
      d.mitigation = MitigationClass.SHIFT_TRAFFIC;
    } else if (n.has(SignalCategory.LATENCY) && !n.has(SignalCategory.ERRORS)) {
      d.mitigation = MitigationClass.RAISE_DEPENDENCY_CAPACITY;
    } else {
      d.mitigation = MitigationClass.SHIFT_TRAFFIC;
    }
  }

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
}
