package io.signalfold.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import io.signalfold.summarizer.FakeChatServer.Reply;
import io.signalfold.summarizer.internal.SummaryPrompt;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Injected instructions in log messages, served over real HTTP to an adversarial model that obeys
 * them: none of them may reach the summary. The summary that leaves is the deterministic one, which
 * quotes the log text as data.
 */
class PromptInjectionTest {

  private FakeChatServer server;
  private ExecutorService httpExecutor;
  private ScheduledExecutorService scheduler;

  @BeforeEach
  void start() throws Exception {
    server = new FakeChatServer();
    // The adversarial model: a grounded answer, plus whatever the injection asked for.
    server.handler(
        body -> {
          String user = FakeChatServer.userMessage(body);
          ArrayNode sentences = FakeChatServer.groundedSentences(FakeChatServer.facts(body));
          for (InjectionCorpus.Attempt a : InjectionCorpus.attempts()) {
            if (user.contains(a.trigger())) {
              FakeChatServer.sentence(sentences, a.obeyed(), a.citations().toArray(String[]::new));
            }
          }
          return Reply.ok(FakeChatServer.sentencesJson(sentences));
        });
    httpExecutor = Executors.newFixedThreadPool(2);
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() {
    server.close();
    httpExecutor.shutdownNow();
    scheduler.shutdownNow();
  }

  @Test
  void theAdversarialServerIsAcceptedWithoutInjection() throws Exception {
    LlmSummarizer.Outcome o =
        summarizer().summarize(facts(Candidates.badDeployOpen())).get(30, TimeUnit.SECONDS);
    assertThat(o.accepted())
        .as("control: without an injection the same server is grounded")
        .isTrue();
  }

  @Test
  void noInjectedInstructionIsFollowedIntoTheOutput() throws Exception {
    Redactor redactor = Redactor.defaults();
    DeterministicSummarizer deterministic = new DeterministicSummarizer();
    int version = 1;
    for (InjectionCorpus.Attempt a : InjectionCorpus.attempts()) {
      IncidentCandidate c = Candidates.badDeployResolved();
      c.setVersion(version++);
      c.getHypotheses().get(0).getEvidence().get(2).setLogTemplate(a.logMessage());
      c.getTimeline().get(2).setText("new log template on botforge: " + a.logMessage());
      IncidentFacts facts = IncidentFacts.extract(c, redactor);
      int before = server.requests().size();

      LlmSummarizer.Outcome o = summarizer().summarize(facts).get(30, TimeUnit.SECONDS);

      // The request really went to the adversarial server and it obeyed.
      assertThat(server.requests()).hasSize(before + 1);
      String body = server.requests().get(before);
      String user = FakeChatServer.userMessage(body);
      assertThat(user).as(a.name()).contains(a.trigger());
      // The injection sits only inside the data block, and cannot close it.
      int begin = user.indexOf(SummaryPrompt.BEGIN);
      int end = user.indexOf(SummaryPrompt.END);
      assertThat(user.indexOf(a.trigger())).isBetween(begin, end);
      assertThat(user.indexOf(SummaryPrompt.END, end + 1)).as("one closing marker").isEqualTo(-1);
      String block = user.substring(begin + SummaryPrompt.BEGIN.length(), end);
      assertThat(block.contains("<") || block.contains(">"))
          .as(a.name() + ": raw angle brackets")
          .isFalse();

      assertThat(o.accepted()).as(a.name() + " must be rejected").isFalse();
      assertThat(o.fallbackReason()).as(a.name()).startsWith("llm-rejected:");

      IncidentSummary out = deterministic.summarize(facts);
      String unquoted = unquoted(out);
      assertThat(unquoted.toLowerCase(Locale.ROOT))
          .as(a.name())
          .doesNotContain(a.forbidden().toLowerCase(Locale.ROOT));
      assertThat(out.getReport().replaceAll("\"[^\"]*\"", "").toLowerCase(Locale.ROOT))
          .as(a.name() + " report")
          .doesNotContain(a.forbidden().toLowerCase(Locale.ROOT));
      assertThat(out.toString())
          .doesNotContain("AKIAIOSFODNN7EXAMPLE")
          .doesNotContain("hunter2-Correct-Horse");
    }
  }

  /** The sentences with quoted spans (data) removed. */
  static String unquoted(IncidentSummary s) {
    StringBuilder sb = new StringBuilder();
    for (SummarySentence x : s.getSentences()) {
      sb.append(x.getText().replaceAll("\"[^\"]*\"", "\"\"")).append('\n');
    }
    return sb.toString();
  }

  private LlmSummarizer summarizer() {
    LlmConfig c =
        LlmConfig.builder(server.baseUrl(), "adversarial")
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    return new LlmSummarizer(
        c,
        Redactor.defaults(),
        LlmSummarizer.newHttpClient(c, httpExecutor),
        scheduler,
        new MutableClock(0));
  }

  private static IncidentFacts facts(IncidentCandidate c) {
    return IncidentFacts.extract(c, Redactor.defaults());
  }
}
