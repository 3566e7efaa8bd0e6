package io.signalfold.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import io.signalfold.sinks.testing.SecretCorpus;
import io.signalfold.summarizer.FakeChatServer.Reply;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets planted in every free-text field, id and entity name of a candidate never leave: not in
 * the prompt the server receives, not in the deterministic summary or report, not in an LLM answer
 * that echoes them.
 */
class SecretLeakTest {

  private FakeChatServer server;
  private ExecutorService httpExecutor;
  private ScheduledExecutorService scheduler;

  @BeforeEach
  void start() throws Exception {
    server = new FakeChatServer();
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
  void noSecretOfTheCorpusLeaves() throws Exception {
    Redactor redactor = Redactor.defaults();
    LlmConfig cfg =
        LlmConfig.builder(server.baseUrl(), "m").requestTimeout(Duration.ofSeconds(5)).build();
    LlmSummarizer llm =
        new LlmSummarizer(
            cfg,
            redactor,
            LlmSummarizer.newHttpClient(cfg, httpExecutor),
            scheduler,
            new MutableClock(0));
    int version = 1;
    for (SecretCorpus.Entry e : SecretCorpus.entries()) {
      IncidentCandidate c = Candidates.badDeployResolved();
      c.setVersion(version++);
      c.setTitle("botforge failing: " + e.line());
      var h = c.getHypotheses().get(0);
      h.setDescription("deploy suspected; " + e.line());
      h.getEvidence().get(2).setLogTemplate(e.line());
      h.getEvidence().get(3).setDescription(e.line());
      c.getTimeline().get(0).setText(e.line());
      c.getRuledOut().get(0).setReason(e.line());
      c.getDataGaps().set(0, e.line());
      // Ids and names too: a change id, a series id built from a raw URL route, an entity name.
      String changeId = "chg-" + e.line();
      h.setChangeId(changeId);
      c.getLinkedChanges().get(0).setChangeId(changeId);
      String seriesId = "botforge|" + e.line();
      c.getSignalIds().set(0, seriesId);
      h.getEvidence().get(0).setId(seriesId);
      c.getAffected().get(0).getEntity().setName(e.line());
      IncidentFacts facts = IncidentFacts.extract(c, redactor);

      // A model that echoes the secret back (it cannot see it, but may have memorized it).
      server.handler(
          body -> {
            var s = FakeChatServer.groundedSentences(FakeChatServer.facts(body));
            FakeChatServer.sentence(s, "The failing request carried " + e.secret() + ".", "tpl-19");
            return Reply.ok(FakeChatServer.sentencesJson(s));
          });
      int before = server.requests().size();
      LlmSummarizer.Outcome o = llm.summarize(facts).get(30, TimeUnit.SECONDS);
      String request = server.requests().get(before);
      assertThat(request).as(e.kind() + " in the prompt").doesNotContain(e.secret());
      assertThat(FakeChatServer.userMessage(request)).as(e.kind()).doesNotContain(e.secret());
      assertThat(o.accepted()).as(e.kind() + ": an echoed secret is rejected").isFalse();

      IncidentSummary s = new DeterministicSummarizer().summarize(facts);
      assertThat(s.toString()).as(e.kind() + " in the summary").doesNotContain(e.secret());
      assertThat(s.getReport()).as(e.kind() + " in the report").doesNotContain(e.secret());
    }
  }
}
