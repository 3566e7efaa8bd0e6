package io.signalfold.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.signalfold.schema.DeadLetterReason;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of the external-alert webhook and feedback parsers: any text
 * either parses or fails with an {@link InputParseException} naming its reason (a dead letter),
 * never with another exception, which in the job would be reported as OTHER.
 */
class InputParserFuzzTest {

  private static void expectParsedOrRejected(Runnable parse) {
    try {
      parse.run();
    } catch (RejectedInput e) {
      assertThat(e.reason).isNotEqualTo(DeadLetterReason.OTHER);
    }
  }

  /** Carries an InputParseException's reason out of the lambda. */
  private static final class RejectedInput extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final DeadLetterReason reason;

    RejectedInput(InputParseException e) {
      super(e);
      this.reason = e.reason();
    }
  }

  @FuzzTest(maxDuration = "20s")
  void alertWebhooks(byte[] bytes) {
    String json = new String(bytes, StandardCharsets.UTF_8);
    expectParsedOrRejected(
        () -> {
          try {
            AlertWebhookParser.parse(json, 1_772_400_000_000L);
          } catch (InputParseException e) {
            throw new RejectedInput(e);
          }
        });
  }

  @FuzzTest(maxDuration = "20s")
  void feedback(byte[] bytes) {
    String json = new String(bytes, StandardCharsets.UTF_8);
    expectParsedOrRejected(
        () -> {
          try {
            FeedbackParser.parse(json, 1_772_400_000_000L);
          } catch (InputParseException e) {
            throw new RejectedInput(e);
          }
        });
  }
}
