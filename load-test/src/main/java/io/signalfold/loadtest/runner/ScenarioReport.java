package io.signalfold.loadtest.runner;

import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.runner.CandidateScorer.CandidateHistory;
import io.signalfold.loadtest.runner.CandidateScorer.IncidentResult;
import io.signalfold.loadtest.runner.CandidateScorer.ScenarioScore;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.IncidentCandidate;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Scores a played scenario and prints the per-scenario part of the runner's report. */
public final class ScenarioReport {

  private ScenarioReport() {}

  /** The scenario's expectations, each tied to the fault it describes. */
  public static List<ExpectedIncident> expectations(Scenario s) {
    List<Scenario.Fault> faults = new ArrayList<>(s.faults());
    faults.sort((a, b) -> a.start().compareTo(b.start()));
    Set<Integer> used = new HashSet<>();
    List<ExpectedIncident> out = new ArrayList<>();
    for (Scenario.ExpectedIncident e : s.expectedIncidents()) {
      Scenario.Fault f = null;
      for (Scenario.Fault c : faults) {
        if (!used.contains(c.index()) && names(c, e.rootEntity())) {
          f = c;
          break;
        }
      }
      if (f == null) {
        for (Scenario.Fault c : faults) {
          if (!used.contains(c.index())) {
            f = c;
            break;
          }
        }
      }
      long start = f == null ? s.t0().toEpochMilli() : f.start().toEpochMilli();
      long end = f == null ? s.end().toEpochMilli() : f.end().toEpochMilli();
      if (f != null) {
        used.add(f.index());
      }
      Object version = e.rootCause().get("version");
      out.add(
          new ExpectedIncident(
              e.rootEntity(),
              e.rootKind(),
              version == null ? null : String.valueOf(version),
              start,
              end,
              e.openWithin().toMillis(),
              e.symptoms(),
              e.impactAttribute(),
              e.resolves()));
    }
    return out;
  }

  /**
   * Whether the fault names the entity (as service, instance, zone, cell, container, dependency).
   */
  public static boolean names(Scenario.Fault f, String entity) {
    return entity.equals(f.service())
        || entity.equals(f.instance())
        || entity.equals(f.zone())
        || entity.equals(f.cell())
        || entity.equals(f.container())
        || entity.equals(f.dependency());
  }

  public static ScenarioScore score(Scenario s, List<IncidentCandidate> published) {
    return CandidateScorer.score(expectations(s), CandidateScorer.histories(published));
  }

  /** Per expected incident one line, then the false candidates. */
  public static void print(
      PrintStream out, Scenario s, List<CandidateHistory> histories, ScenarioScore score) {
    out.printf(
        "scenario %s: %d candidate(s), %d expected incident(s), raw signals %d%n",
        s.name(), score.candidates(), score.incidents().size(), score.rawSignals());
    for (IncidentResult r : score.incidents()) {
      if (!r.detected()) {
        out.printf("  MISSED   %s: no candidate opened%n", r.expected().describe());
        continue;
      }
      out.printf(
          "  %s %s: %s, true cause %s, opened %d s after the fault (limit %d s)%s%s%s%n",
          r.rank() == 1 ? "TOP1    " : r.rank() > 0 && r.rank() <= 3 ? "TOP3    " : "WRONG   ",
          r.expected().describe(),
          r.candidateId(),
          r.rank() > 0
              ? "ranked #" + r.rank()
              : "not among the hypotheses (#1 " + top(histories, r) + ")",
          r.openDelayMs() / 1000,
          r.expected().openWithinMs() / 1000,
          r.missingSymptoms().isEmpty() ? "" : ", symptoms missing " + r.missingSymptoms(),
          r.impactReported() ? "" : ", no " + r.expected().impactAttribute() + " count",
          r.expected().resolves() && !r.resolved() ? ", did not resolve" : "");
    }
    for (CandidateHistory h : score.falseCandidates()) {
      IncidentCandidate c = h.latest();
      out.printf(
          "  FALSE    %s: %s (#1 %s)%n",
          c.getId(),
          c.getTitle(),
          c.getHypotheses().isEmpty() ? "-" : describe(c.getHypotheses().get(0)));
    }
  }

  private static String top(List<CandidateHistory> histories, IncidentResult r) {
    for (CandidateHistory h : histories) {
      if (Objects.equals(h.latest().getId(), r.candidateId())) {
        return h.latest().getHypotheses().isEmpty()
            ? "-"
            : describe(h.latest().getHypotheses().get(0));
      }
    }
    return "-";
  }

  static String describe(Hypothesis h) {
    return h.getKind()
        + " "
        + h.getEntity().getName()
        + (h.getEntity().getService() == null ? "" : " (" + h.getEntity().getService() + ")");
  }
}
