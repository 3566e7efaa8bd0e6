package io.signalfold.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AffectedEntity;
import io.signalfold.schema.AffectedRole;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.RuledOut;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/** Assertions on incident candidates that read like the requirements they check. */
final class CandidateAssert extends AbstractAssert<CandidateAssert, IncidentCandidate> {

  private CandidateAssert(IncidentCandidate actual) {
    super(actual, CandidateAssert.class);
  }

  static CandidateAssert assertThatCandidate(IncidentCandidate c) {
    return new CandidateAssert(c);
  }

  /** The latest version of each candidate id, in order of first appearance. */
  static List<IncidentCandidate> latest(List<IncidentCandidate> emitted) {
    Map<String, IncidentCandidate> byId = new LinkedHashMap<>();
    for (IncidentCandidate c : emitted) {
      byId.put(c.getId(), c);
    }
    return new ArrayList<>(byId.values());
  }

  /**
   * The latest version of each candidate id, by open time; fails (listing them) unless there are
   * {@code expected}.
   */
  static List<IncidentCandidate> latestByOpening(List<IncidentCandidate> emitted, int expected) {
    List<IncidentCandidate> all =
        latest(emitted).stream()
            .sorted(Comparator.comparingLong(IncidentCandidate::getOpenedAtMs))
            .toList();
    assertThat(all)
        .as("candidates: %s", all.stream().map(CandidateAssert::describe).toList())
        .hasSize(expected);
    return all;
  }

  static String describe(IncidentCandidate c) {
    StringBuilder sb =
        new StringBuilder(
            c.getId()
                + " v"
                + c.getVersion()
                + " "
                + c.getStatus()
                + " \""
                + c.getTitle()
                + "\"\n");
    for (Hypothesis h : c.getHypotheses()) {
      sb.append("  #")
          .append(h.getRank())
          .append(' ')
          .append(h.getKind())
          .append(' ')
          .append(h.getEntity().getName())
          .append(" conf=")
          .append(h.getConfidence())
          .append(' ')
          .append(h.getBasis())
          .append(' ')
          .append(h.getMitigation())
          .append("\n     ")
          .append(h.getDescription())
          .append('\n');
    }
    for (RuledOut r : c.getRuledOut()) {
      sb.append("  ruled out: ")
          .append(r.getWhat())
          .append(" -- ")
          .append(r.getReason())
          .append('\n');
    }
    for (AffectedEntity a : c.getAffected()) {
      sb.append("  affected: ")
          .append(a.getEntity().getKind())
          .append(' ')
          .append(a.getEntity().getName())
          .append(' ')
          .append(a.getRole())
          .append(" rate=")
          .append(a.getFailureRate())
          .append('\n');
    }
    sb.append("  gaps: ")
        .append(c.getDataGaps())
        .append(" monitoring: ")
        .append(c.getMonitoringGaps())
        .append('\n');
    sb.append("  impact: ").append(c.getImpact()).append('\n');
    return sb.toString();
  }

  CandidateAssert hasTopHypothesis(RootCauseKind kind, String entity) {
    isNotNull();
    assertThat(actual.getHypotheses()).as("hypotheses of\n%s", describe(actual)).isNotEmpty();
    Hypothesis top = actual.getHypotheses().get(0);
    assertThat(top.getKind() + " " + top.getEntity().getName())
        .as("top hypothesis of\n%s", describe(actual))
        .isEqualTo(kind + " " + entity);
    return this;
  }

  CandidateAssert ranksWithinTop(int n, RootCauseKind kind, String entity) {
    List<String> top =
        actual.getHypotheses().stream()
            .limit(n)
            .map(h -> h.getKind() + " " + h.getEntity().getName())
            .collect(Collectors.toList());
    assertThat(top).as("top %d of\n%s", n, describe(actual)).contains(kind + " " + entity);
    return this;
  }

  CandidateAssert hasSymptoms(String... services) {
    for (String s : services) {
      assertThat(actual.getAffected())
          .as("%s listed as a symptom in\n%s", s, describe(actual))
          .anyMatch(a -> a.getEntity().getName().equals(s) && a.getRole() == AffectedRole.SYMPTOM);
    }
    return this;
  }

  CandidateAssert rulesOut(String whatFragment, String reasonFragment) {
    assertThat(actual.getRuledOut())
        .as("ruled out '%s' because '%s' in\n%s", whatFragment, reasonFragment, describe(actual))
        .anyMatch(
            r -> r.getWhat().contains(whatFragment) && r.getReason().contains(reasonFragment));
    return this;
  }

  CandidateAssert hasStatus(CandidateStatus s) {
    assertThat(actual.getStatus()).as("status of\n%s", describe(actual)).isEqualTo(s);
    return this;
  }

  CandidateAssert confidencesAreProbabilities() {
    double sum = 0;
    for (Hypothesis h : actual.getHypotheses()) {
      assertThat(h.getConfidence()).isBetween(0.0, 1.0);
      sum += h.getConfidence();
    }
    assertThat(sum).isLessThanOrEqualTo(1.0 + 1e-6);
    return this;
  }
}
