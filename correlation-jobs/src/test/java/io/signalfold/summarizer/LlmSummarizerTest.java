package io.signalfold.summarizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import io.signalfold.summarizer.FakeChatServer.Reply;
import io.signalfold.summarizer.internal.CircuitBreaker;
import io.signalfold.summarizer.internal.SummaryPrompt;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LLM path over real HTTP against a local OpenAI-compatible server. */
class LlmSummarizerTest {

  private FakeChatServer server;
  private ExecutorService httpExecutor;
  private ScheduledExecutorService scheduler;
  private final MutableClock clock = new MutableClock(1_000_000L);

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

  private LlmConfig.Builder config() {
    return LlmConfig.builder(server.baseUrl(), "test-model")
        .requestTimeout(Duration.ofSeconds(2))
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(100));
  }

  private LlmSummarizer summarizer(LlmConfig c) {
    return new LlmSummarizer(
        c, Redactor.defaults(), LlmSummarizer.newHttpClient(c, httpExecutor), scheduler, clock);
  }

  private static IncidentFacts facts() {
    return IncidentFacts.extract(Candidates.badDeployOpen(), Redactor.defaults());
  }

  private static LlmSummarizer.Outcome await(CompletableFuture<LlmSummarizer.Outcome> f)
      throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void acceptsAGroundedAnswerAndSendsAWellFormedRequest() throws Exception {
    LlmSummarizer.Outcome o = await(summarizer(config().build()).summarize(facts()));
    assertThat(o.fallbackReason()).isNull();
    assertThat(o.summary().getGenerator()).isEqualTo("llm:test-model");
    assertThat(o.summary().getCandidateVersion()).isEqualTo(1);
    assertThat(o.summary().getSentences()).hasSize(4);
    assertThat(o.summary().getSentences().get(1).getText())
        .isEqualTo("The most likely cause, with confidence 0.86, is 2.4.1 of botforge.");
    assertThat(o.tokens()).isEqualTo(1020);

    JsonNode req = FakeChatServer.JSON.readTree(server.requests().get(0));
    assertThat(req.get("model").asText()).isEqualTo("test-model");
    assertThat(req.get("temperature").asDouble()).isZero();
    assertThat(req.get("max_tokens").asInt()).isEqualTo(700);
    assertThat(req.get("response_format").get("type").asText()).isEqualTo("json_object");
    assertThat(req.get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(req.get("messages").get(0).get("content").asText()).isEqualTo(SummaryPrompt.SYSTEM);
    String user = FakeChatServer.userMessage(server.requests().get(0));
    assertThat(user).contains(SummaryPrompt.BEGIN).contains(SummaryPrompt.END);
    assertThat(FakeChatServer.facts(server.requests().get(0)).get("candidateId").asText())
        .isEqualTo(Candidates.DEPLOY_ID);
  }

  @Test
  void aCandidateGroupingHundredsOfSignalsStillFitsTheDefaultBudgetAndIsSent() throws Exception {
    IncidentCandidate big = Candidates.badDeployOpen();
    List<String> signals = new ArrayList<>(big.getSignalIds());
    List<io.signalfold.schema.Evidence> evidence =
        new ArrayList<>(big.getHypotheses().get(0).getEvidence());
    List<io.signalfold.schema.TimelineEntry> timeline = new ArrayList<>(big.getTimeline());
    for (int i = 0; i < 400; i++) {
      signals.add("an-" + Integer.toHexString(0x10000 + i));
    }
    for (int i = 0; i < 60; i++) {
      evidence.add(
          io.signalfold.schema.Evidence.newBuilder(evidence.get(0)).setId("an-e" + i).build());
      timeline.add(
          io.signalfold.schema.TimelineEntry.newBuilder(timeline.get(1))
              .setTimestampMs(timeline.get(1).getTimestampMs() + i * 1000L)
              .build());
    }
    big.setSignalIds(signals);
    big.getHypotheses().get(0).setEvidence(evidence);
    big.setTimeline(timeline);
    IncidentFacts facts = IncidentFacts.extract(big, Redactor.defaults());
    LlmConfig defaults = config().build();
    LlmSummarizer llm = summarizer(defaults);
    // Listing every fact was about 10,400 tokens here (17 k on the demo's candidate): no request.
    assertThat(llm.attemptTokens(facts))
        .as("one attempt within half the default budget")
        .isLessThanOrEqualTo(defaults.tokenBudgetPerCandidate() / 2);
    LlmSummarizer.Outcome o = await(llm.summarize(facts));
    assertThat(server.requests()).hasSize(1);
    assertThat(o.fallbackReason()).isNull();
  }

  @Test
  void endpointDownFallsBackAfterRetries() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LlmConfig c =
        LlmConfig.builder("http://127.0.0.1:" + port, "m")
            .requestTimeout(Duration.ofSeconds(1))
            .initialBackoff(Duration.ofMillis(10))
            .build();
    LlmSummarizer.Outcome o = await(summarizer(c).summarize(facts()));
    assertThat(o.accepted()).isFalse();
    assertThat(o.fallbackReason()).startsWith("unavailable: connection refused after 3 attempts");
    assertThat(o.attempts()).isEqualTo(3);
  }

  @Test
  void slowEndpointTimesOut() throws Exception {
    server.handler(body -> Reply.ok(FakeChatServer.groundedContent(body)).delayed(1500));
    LlmConfig c = config().requestTimeout(Duration.ofMillis(300)).maxAttempts(2).build();
    LlmSummarizer.Outcome o = await(summarizer(c).summarize(facts()));
    assertThat(o.fallbackReason()).isEqualTo("unavailable: timeout after 2 attempts");
  }

  @Test
  void retries429And500ThenSucceeds() throws Exception {
    AtomicInteger n = new AtomicInteger();
    server.handler(
        body -> {
          switch (n.getAndIncrement()) {
            case 0:
              return Reply.status(429).withHeader("Retry-After", "0");
            case 1:
              return Reply.status(500);
            default:
              return Reply.ok(FakeChatServer.groundedContent(body));
          }
        });
    LlmSummarizer.Outcome o = await(summarizer(config().build()).summarize(facts()));
    assertThat(o.fallbackReason()).isNull();
    assertThat(o.attempts()).isEqualTo(3);
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void persistent500FallsBack() throws Exception {
    server.handler(body -> Reply.status(503));
    LlmSummarizer.Outcome o = await(summarizer(config().build()).summarize(facts()));
    assertThat(o.fallbackReason()).isEqualTo("unavailable: HTTP 503 after 3 attempts");
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void clientErrorIsNotRetried() throws Exception {
    server.handler(body -> Reply.status(400));
    LlmSummarizer.Outcome o = await(summarizer(config().build()).summarize(facts()));
    assertThat(o.fallbackReason()).isEqualTo("request-refused: HTTP 400");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void malformedJsonIsRejected() throws Exception {
    server.handler(body -> Reply.ok("Sure! Here is the summary: botforge is broken."));
    LlmSummarizer.Outcome o = await(summarizer(config().build()).summarize(facts()));
    assertThat(o.fallbackReason()).isEqualTo("malformed-output: content is not JSON");
    server.handler(body -> new Reply(200, "{not json", 0, java.util.Map.of()));
    LlmSummarizer.Outcome o2 =
        await(
            summarizer(config().build())
                .summarize(
                    IncidentFacts.extract(Candidates.badDeployUpdated(), Redactor.defaults())));
    assertThat(o2.fallbackReason()).isEqualTo("malformed-output: response is not JSON");
    server.handler(body -> Reply.ok("{\"sentences\": [{\"citations\": [\"an-3f9a\"]}]}"));
    LlmSummarizer.Outcome o3 =
        await(
            summarizer(config().build())
                .summarize(
                    IncidentFacts.extract(Candidates.badDeployResolved(), Redactor.defaults())));
    assertThat(o3.fallbackReason()).isEqualTo("malformed-output: sentence without text");
  }

  @Test
  void codeFencedJsonIsAccepted() throws Exception {
    server.handler(body -> Reply.ok("```json\n" + FakeChatServer.groundedContent(body) + "\n```"));
    assertThat(await(summarizer(config().build()).summarize(facts())).accepted()).isTrue();
  }

  @Test
  void ungroundedAnswersAreRejectedWithTheReason() throws Exception {
    String[][] cases = {
      {
        "The payments-db database is overloaded.",
        "an-3f9a",
        "llm-rejected: ungrounded-name: payments-db"
      },
      {"botforge errors reached 45%.", "an-3f9a", "llm-rejected: ungrounded-number: 45%"},
      {
        "botforge runs version 2.4.7 on host botforge-9.",
        "an-3f9a",
        "llm-rejected: ungrounded-name: 2.4.7"
      },
      {"The payments service is failing.", "an-3f9a", "llm-rejected: ungrounded-name: payments"},
      {"Errors started in Redis first.", "an-3f9a", "llm-rejected: ungrounded-name: Redis"},
      {"botforge is failing.", "ev-404", "llm-rejected: unknown-citation: ev-404"},
      {"botforge is failing.", null, "llm-rejected: uncited: \"botforge is failing.\""},
      {
        "The root cause is gateway.",
        "an-8c44",
        "llm-rejected: unsupported-cause: blames gateway, which no hypothesis names"
      },
      {
        "See the log \"cannot parse config\" on botforge.",
        "tpl-19",
        "llm-rejected: invented-quote: \"cannot parse config\""
      },
    };
    int version = 100;
    for (String[] c : cases) {
      var arr = FakeChatServer.JSON.createArrayNode();
      if (c[1] == null) {
        FakeChatServer.sentence(arr, c[0]);
      } else {
        FakeChatServer.sentence(arr, c[0], c[1]);
      }
      FakeChatServer.sentence(
          arr, "This is a correlation in time, not proof of cause.", "chg-7c1e");
      String content = FakeChatServer.sentencesJson(arr);
      server.handler(body -> Reply.ok(content));
      var cand = Candidates.badDeployOpen();
      cand.setVersion(version++);
      LlmSummarizer.Outcome o =
          await(
              summarizer(config().build())
                  .summarize(IncidentFacts.extract(cand, Redactor.defaults())));
      assertThat(o.fallbackReason()).as(c[0]).isEqualTo(c[2]);
    }
  }

  @Test
  void correlationMustBeSaidOutLoud() throws Exception {
    var arr = FakeChatServer.JSON.createArrayNode();
    FakeChatServer.sentence(arr, "The deploy of botforge 2.4.1 broke botforge.", "chg-7c1e");
    server.handler(body -> Reply.ok(FakeChatServer.sentencesJson(arr)));
    LlmSummarizer.Outcome o = await(summarizer(config().build()).summarize(facts()));
    assertThat(o.fallbackReason()).startsWith("llm-rejected: missing-correlation-caveat");
  }

  @Test
  void breakerOpensThenHalfOpenProbeClosesIt() throws Exception {
    server.handler(body -> Reply.status(500));
    LlmConfig c =
        config()
            .maxAttempts(1)
            .breakerFailureThreshold(2)
            .breakerOpenDuration(Duration.ofSeconds(30))
            .build();
    LlmSummarizer s = summarizer(c);
    for (int v = 1; v <= 2; v++) {
      var cand = Candidates.badDeployOpen();
      cand.setVersion(v);
      assertThat(
              await(s.summarize(IncidentFacts.extract(cand, Redactor.defaults()))).fallbackReason())
          .isEqualTo("unavailable: HTTP 500 after 1 attempts");
    }
    assertThat(s.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
    int before = server.requests().size();
    var third = Candidates.badDeployOpen();
    third.setVersion(3);
    assertThat(
            await(s.summarize(IncidentFacts.extract(third, Redactor.defaults()))).fallbackReason())
        .startsWith("circuit-open");
    assertThat(server.requests()).as("an open breaker sends nothing").hasSize(before);

    clock.advance(30_000);
    assertThat(s.breakerState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    server.handler(body -> Reply.ok(FakeChatServer.groundedContent(body)));
    var fourth = Candidates.badDeployOpen();
    fourth.setVersion(4);
    assertThat(await(s.summarize(IncidentFacts.extract(fourth, Redactor.defaults()))).accepted())
        .isTrue();
    assertThat(s.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void halfOpenProbeFailureReopens() {
    CircuitBreaker b = new CircuitBreaker(1, Duration.ofSeconds(10), clock);
    assertThat(b.tryAcquire()).isTrue();
    b.onFailure();
    assertThat(b.tryAcquire()).isFalse();
    clock.advance(10_000);
    assertThat(b.tryAcquire()).as("one probe").isTrue();
    assertThat(b.tryAcquire()).as("only one probe").isFalse();
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(b.tryAcquire()).isFalse();
  }

  @Test
  void tokenBudgetIsEnforcedBeforeAnyRequest() throws Exception {
    LlmConfig c = config().tokenBudgetPerCandidate(1000).build();
    LlmSummarizer.Outcome o = await(summarizer(c).summarize(facts()));
    assertThat(o.fallbackReason()).startsWith("token-budget: one attempt needs about");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void tokenBudgetStopsRetries() throws Exception {
    server.handler(body -> Reply.status(500));
    LlmSummarizer probe = summarizer(config().build());
    // Budget for exactly one attempt: prompt estimate + completion cap.
    String body = new String(probe.requestBody(SummaryPrompt.user(1, FactsJson.write(facts()))));
    int perAttempt =
        (SummaryPrompt.SYSTEM.length() + FakeChatServer.userMessage(body).length()) / 4 + 16 + 700;
    LlmSummarizer.Outcome o =
        await(
            summarizer(config().tokenBudgetPerCandidate(perAttempt + 10).build())
                .summarize(facts()));
    assertThat(o.fallbackReason()).startsWith("token-budget:");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void cachesByCandidateIdAndVersion() throws Exception {
    LlmSummarizer s = summarizer(config().build());
    assertThat(await(s.summarize(facts())).accepted()).isTrue();
    assertThat(await(s.summarize(facts())).accepted()).isTrue();
    assertThat(server.requests()).hasSize(1);
    assertThat(
            await(
                    s.summarize(
                        IncidentFacts.extract(Candidates.badDeployUpdated(), Redactor.defaults())))
                .accepted())
        .isTrue();
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void refusesWorkBeyondTheConcurrencyLimitInsteadOfQueueing() throws Exception {
    server.handler(body -> Reply.ok(FakeChatServer.groundedContent(body)).delayed(800));
    LlmSummarizer s = summarizer(config().maxConcurrentRequests(1).build());
    CompletableFuture<LlmSummarizer.Outcome> slow = s.summarize(facts());
    LlmSummarizer.Outcome refused =
        await(
            s.summarize(IncidentFacts.extract(Candidates.badDeployUpdated(), Redactor.defaults())));
    assertThat(refused.fallbackReason()).isEqualTo("overloaded: 1 requests in flight");
    assertThat(await(slow).accepted()).isTrue();
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void worstCaseLatencyCoversAllAttemptsAndBackoffs() {
    LlmConfig c =
        LlmConfig.builder("http://localhost:11434", "llama3")
            .requestTimeout(Duration.ofSeconds(10))
            .maxAttempts(3)
            .initialBackoff(Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(4))
            .build();
    assertThat(c.worstCaseLatency()).isEqualTo(Duration.ofSeconds(33));
    assertThat(c.endpoint().toString()).isEqualTo("http://localhost:11434/v1/chat/completions");
    assertThat(LlmConfig.builder("http://gw/v1", "m").build().endpoint().toString())
        .isEqualTo("http://gw/v1/chat/completions");
    List<String> unused = new ArrayList<>();
    assertThat(unused).isEmpty();
  }
}
