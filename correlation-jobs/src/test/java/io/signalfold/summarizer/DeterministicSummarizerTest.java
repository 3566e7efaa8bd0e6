package io.signalfold.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeterministicSummarizerTest {

  private final DeterministicSummarizer summarizer = new DeterministicSummarizer();
  private final GroundingValidator validator = GroundingValidator.create(Redactor.defaults());

  private static IncidentFacts facts(IncidentCandidate c) {
    return IncidentFacts.extract(c, Redactor.defaults());
  }

  @Test
  void badDeploySummaryNamesTheDeployAndSaysItIsCorrelation() {
    IncidentSummary s = summarizer.summarize(facts(Candidates.badDeployOpen()));
    String text = join(s.getSentences());
    assertThat(s.getGenerator()).isEqualTo("deterministic");
    assertThat(s.getCandidateVersion()).isEqualTo(1);
    assertThat(s.getReport()).as("no report while open").isNull();
    assertThat(text)
        .contains("the deploy of botforge 2.4.1 (change chg-7c1e)")
        .contains("1 min before onset")
        .contains("correlation in time, not on proof of cause")
        .contains("gateway GET /bots failed 15.5% of 52000 requests")
        .contains("1842 distinct robot.id values")
        .contains("roll back botforge 2.4.1")
        .contains("Ruled out: \"merge c0ffee1 on gateway\"");
  }

  @Test
  void everySentenceCitesEvidenceOfTheCandidate() {
    for (IncidentCandidate c :
        List.of(
            Candidates.badDeployOpen(),
            Candidates.badDeployResolved(),
            Candidates.throttlingOpen(),
            Candidates.throttlingResolved())) {
      IncidentFacts f = facts(c);
      IncidentSummary s = summarizer.summarize(f);
      for (SummarySentence sentence : s.getSentences()) {
        assertThat(sentence.getCitations()).as(sentence.getText()).isNotEmpty();
        assertThat(f.evidenceIds()).containsAll(sentence.getCitations());
      }
      assertThat(validator.validate(f, s.getSentences()).reason()).isNull();
    }
  }

  @Test
  void directEvidenceIsSaidOutLoud() {
    String text = join(summarizer.summarize(facts(Candidates.throttlingOpen())).getSentences());
    assertThat(text)
        .contains("the dependency orders-table")
        .contains("This rests on direct evidence (traces, anomaly, log template and SLO alert).")
        .contains("orders.placed moved by -812 (-23%)")
        .doesNotContain("correlation");
  }

  @Test
  void sameFactsSameText() {
    IncidentSummary a = summarizer.summarize(facts(Candidates.badDeployResolved()));
    IncidentSummary b = summarizer.summarize(facts(Candidates.badDeployResolved()));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void resolvedCandidateGetsAPostIncidentReportDraft() {
    String report = summarizer.summarize(facts(Candidates.badDeployResolved())).getReport();
    assertThat(report)
        .contains("## Summary", "## Customer impact", "## Timeline (UTC)", "## What went well")
        .contains("## Five whys", "## Root cause", "## Action items");
    String whys = report.substring(report.indexOf("## Five whys"), report.indexOf("## Root cause"));
    assertThat(whys).contains("1. Why did users see errors? Because gateway");
    assertThat(whys).contains("5. ");
    assertThat(whys.lines().filter(l -> l.matches("\\d\\. .*")).count()).isEqualTo(5);
    assertThat(whys.lines().filter(l -> l.startsWith("5. ")).findFirst().orElseThrow())
        .contains("Root cause (by correlation, not proven): the deploy of botforge 2.4.1");
    assertThat(report).contains("Mitigation: rollback of botforge 2.4.0 (change chg-9d02)");
    // Every bullet and numbered line cites evidence.
    report
        .lines()
        .filter(l -> l.startsWith("- ") || l.matches("\\d\\. .*"))
        .forEach(l -> assertThat(l).as(l).matches(".*\\[[^\\]]+\\]$"));
  }

  @Test
  void telemetryTextIsRedactedAndQuoted() {
    IncidentCandidate c = Candidates.badDeployOpen();
    c.getHypotheses()
        .get(0)
        .getEvidence()
        .get(2)
        .setLogTemplate(
            "login for jane@example.com failed password=hunter22 see https://x.example/a");
    IncidentFacts f = facts(c);
    String text = join(summarizer.summarize(f).getSentences());
    assertThat(text)
        .doesNotContain("jane@example.com")
        .doesNotContain("hunter22")
        .doesNotContain("https://")
        .contains(
            "\"login for [REDACTED:email] failed password=[REDACTED:secret] see https[:]//x.example/a\"");
  }

  static String join(List<SummarySentence> sentences) {
    StringBuilder sb = new StringBuilder();
    for (SummarySentence s : sentences) {
      sb.append(s.getText()).append(" ").append(s.getCitations()).append('\n');
    }
    return sb.toString();
  }

  /**
   * A change event's text and a title carrying markup stay data in the Markdown draft: no tag, no
   * table cell, no link reaches a renderer.
   */
  @Test
  void markupFromTelemetryIsLiteralInTheReportDraft() {
    IncidentCandidate c = Candidates.badDeployResolved();
    String hostile = "<script>alert(1)</script> <svg onload=x> </table> | [x](http://evil) *b*";
    c.setTitle("Errors on gateway " + hostile);
    c.getTimeline().get(0).setText("deploy " + hostile + "\n# injected heading");
    String report = summarizer.summarize(facts(c)).getReport();
    assertThat(report)
        .doesNotContainPattern("(?<!\\\\)[<>|]") // every tag and cell character escaped
        .doesNotContain("\n# injected", "[x](")
        .contains("\\<script\\>alert(1)\\</script\\>", "\\[x\\](http");
  }
}
