package io.signalfold.loadtest.runner;

import io.signalfold.schema.AffectedEntity;
import io.signalfold.schema.AffectedRole;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.IncidentCandidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Scores the incident candidates of one scenario against its {@code expect} block, the way
 * FORMAT.md's runner reports: per expected incident whether a candidate was opened for it, the rank
 * of the true root cause among that candidate's hypotheses, the event time from fault start to the
 * candidate, and the candidates that match no expected incident (false candidates).
 *
 * <p>A candidate belongs to an expected incident when it opened no earlier than a grace period
 * before the fault started and before the fault was cleared. Among those, the one ranking the true
 * cause best is taken (ties: the earliest); when none names the cause, the earliest one naming the
 * cause entity or a symptom is taken (the incident counts as detected, the cause as missed).
 */
public final class CandidateScorer {

  /** A candidate may open this much before its fault's start (leading signals, skew). */
  static final long EARLY_GRACE_MS = 10 * 60_000L;

  private CandidateScorer() {}

  /** One candidate id over all its published versions. */
  public record CandidateHistory(
      IncidentCandidate latest, long firstOpenedAtMs, boolean resolved, int versions) {}

  /** The outcome for one expected incident. */
  public record IncidentResult(
      ExpectedIncident expected,
      @Nullable String candidateId,
      int rank,
      long openDelayMs,
      List<String> missingSymptoms,
      boolean impactReported,
      boolean resolved) {

    public boolean detected() {
      return candidateId != null;
    }

    public boolean openedInTime() {
      return detected() && openDelayMs <= expected.openWithinMs();
    }
  }

  /** The outcome for one scenario. */
  public record ScenarioScore(
      List<IncidentResult> incidents,
      List<CandidateHistory> falseCandidates,
      int candidates,
      long rawSignals) {}

  /** Folds published candidate records (every version, any order) into one history per id. */
  public static List<CandidateHistory> histories(List<IncidentCandidate> published) {
    Map<String, List<IncidentCandidate>> byId = new LinkedHashMap<>();
    for (IncidentCandidate c : published) {
      byId.computeIfAbsent(c.getId(), k -> new ArrayList<>()).add(c);
    }
    List<CandidateHistory> out = new ArrayList<>();
    for (List<IncidentCandidate> versions : byId.values()) {
      IncidentCandidate latest = versions.get(0);
      long opened = Long.MAX_VALUE;
      boolean resolved = false;
      for (IncidentCandidate v : versions) {
        if (v.getVersion() >= latest.getVersion()) {
          latest = v;
        }
        opened = Math.min(opened, v.getOpenedAtMs());
        resolved |= v.getStatus() == CandidateStatus.RESOLVED;
      }
      out.add(new CandidateHistory(latest, opened, resolved, versions.size()));
    }
    out.sort(Comparator.comparingLong(CandidateHistory::firstOpenedAtMs));
    return out;
  }

  /** Matches candidates to expected incidents (in fault order) and reports the rest as false. */
  public static ScenarioScore score(List<ExpectedIncident> expected, List<CandidateHistory> all) {
    List<CandidateHistory> free = new ArrayList<>(all);
    List<ExpectedIncident> ordered = new ArrayList<>(expected);
    ordered.sort(Comparator.comparingLong(ExpectedIncident::faultStartMs));
    List<IncidentResult> results = new ArrayList<>();
    for (ExpectedIncident e : ordered) {
      CandidateHistory best = null;
      int bestRank = Integer.MAX_VALUE;
      CandidateHistory related = null;
      for (CandidateHistory h : free) {
        if (h.firstOpenedAtMs() < e.faultStartMs() - EARLY_GRACE_MS
            || h.firstOpenedAtMs() > e.faultEndMs()) {
          continue;
        }
        int rank = rankOfCause(h.latest(), e);
        if (rank > 0 && rank < bestRank) {
          best = h;
          bestRank = rank;
        } else if (rank == 0 && related == null && mentions(h.latest(), e)) {
          related = h;
        }
      }
      CandidateHistory chosen = best != null ? best : related;
      if (chosen == null) {
        results.add(new IncidentResult(e, null, 0, -1, e.symptoms(), false, false));
        continue;
      }
      free.remove(chosen);
      IncidentCandidate c = chosen.latest();
      results.add(
          new IncidentResult(
              e,
              c.getId(),
              best != null ? bestRank : 0,
              Math.max(0, chosen.firstOpenedAtMs() - e.faultStartMs()),
              missingSymptoms(c, e.symptoms()),
              e.impactAttribute() == null
                  || c.getImpact().getDistinctCounts().containsKey(e.impactAttribute()),
              chosen.resolved()));
    }
    long raw = 0;
    for (CandidateHistory h : all) {
      raw += h.latest().getRawSignalCount();
    }
    return new ScenarioScore(results, free, all.size(), raw);
  }

  /** 1-based rank of the hypothesis naming the expected cause, 0 when none does. */
  static int rankOfCause(IncidentCandidate c, ExpectedIncident e) {
    int best = 0;
    for (Hypothesis h : c.getHypotheses()) {
      if (namesCause(h, e) && (best == 0 || h.getRank() < best)) {
        best = h.getRank();
      }
    }
    return best;
  }

  static boolean namesCause(Hypothesis h, ExpectedIncident e) {
    String kind = e.kind().toUpperCase(Locale.ROOT);
    boolean kindMatches =
        h.getKind().name().equals(kind) || (kind.equals("PLANNED_ACTIVITY") && h.getPlanned());
    if (!kindMatches) {
      return false;
    }
    String name = h.getEntity().getName();
    String service = h.getEntity().getService();
    boolean entityMatches =
        e.entity().equals(name)
            || e.entity().equals(service)
            || name.startsWith(e.entity() + "@")
            || name.startsWith(e.entity() + "/");
    if (!entityMatches) {
      return false;
    }
    return e.version() == null || h.getVersion() == null || e.version().equals(h.getVersion());
  }

  private static boolean mentions(IncidentCandidate c, ExpectedIncident e) {
    for (AffectedEntity a : c.getAffected()) {
      String n = a.getEntity().getName();
      String s = a.getEntity().getService();
      if (n.equals(e.entity()) || e.entity().equals(s) || e.symptoms().contains(n)) {
        return true;
      }
    }
    for (Hypothesis h : c.getHypotheses()) {
      if (h.getEntity().getName().equals(e.entity())) {
        return true;
      }
    }
    return false;
  }

  private static List<String> missingSymptoms(IncidentCandidate c, List<String> symptoms) {
    List<String> missing = new ArrayList<>();
    for (String s : symptoms) {
      boolean found = false;
      for (AffectedEntity a : c.getAffected()) {
        if (a.getRole() == AffectedRole.SYMPTOM
            && (s.equals(a.getEntity().getName()) || s.equals(a.getEntity().getService()))) {
          found = true;
          break;
        }
      }
      if (!found) {
        missing.add(s);
      }
    }
    return missing;
  }
}
