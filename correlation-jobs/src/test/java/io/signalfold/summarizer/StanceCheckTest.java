package io.signalfold.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sentences whose names all check out, judged by the stance they take against the ranking. */
class StanceCheckTest {

  private final GroundingValidator validator = GroundingValidator.create(Redactor.defaults());
  private final IncidentFacts resolved =
      IncidentFacts.extract(Candidates.badDeployResolved(), Redactor.defaults());

  /**
   * The verdict on one sentence, plus the correlation caveat the fixture's top hypothesis needs.
   */
  private GroundingValidator.Verdict judge(String text, String citation) {
    return validator.validate(
        resolved,
        List.of(
            SummarySentence.newBuilder().setText(text).setCitations(List.of(citation)).build(),
            SummarySentence.newBuilder()
                .setText("The link to the deploy rests on correlation.")
                .setCitations(List.of("chg-7c1e"))
                .build()));
  }

  private void accepted(String text, String citation) {
    GroundingValidator.Verdict v = judge(text, citation);
    assertThat(v.grounded()).as("%s: %s", text, v.reason()).isTrue();
  }

  @Test
  void theTopHypothesisMayBeBlamedAndALowerOneOnlyAsAnAlternative() {
    accepted("The botforge failures were caused by the 2.4.1 rollout.", "chg-7c1e");
    assertThat(judge("The failures of botforge were caused by robots-table.", "an-77d0").reason())
        .startsWith("wrong-cause: blames robots-table");
    accepted(
        "The failures could also have been caused by robots-table, which is less likely.",
        "an-77d0");
  }

  @Test
  void noHypothesisIsExoneratedUnlessTheFactsRuleItOut() {
    assertThat(judge("The botforge 2.4.1 rollout is unrelated to the errors.", "chg-7c1e").reason())
        .startsWith("contradicts-ranking");
    assertThat(judge("botforge is healthy.", "an-3f9a").reason()).startsWith("contradicts-ranking");
    // A recovery is not an exoneration, and what the facts rule out may be called ruled out.
    accepted("botforge is healthy again after the rollback.", "an-3f9a");
    accepted("\"botforge instance botforge-1\" is ruled out.", "an-3f9a");
  }

  @Test
  void theTopMitigationIsNotArguedAgainst() {
    assertThat(judge("Do not roll back botforge 2.4.1.", "chg-7c1e").reason())
        .startsWith("contradicts-mitigation");
    accepted("Rolling back botforge to 2.4.0 stopped the errors.", "chg-7c1e");
  }
}
