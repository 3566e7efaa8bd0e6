package io.signalfold.summarizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.SummaryUpdates;
import io.signalfold.summarizer.internal.CircuitBreaker;
import io.signalfold.summarizer.internal.SummaryPrompt;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks an OpenAI-compatible chat-completions endpoint for a summary of {@link IncidentFacts} and
 * accepts it only if it is well-formed JSON that passes the {@link GroundingValidator}. Never
 * throws and never blocks the caller: the returned future always completes, with the LLM summary or
 * with the reason it could not be used.
 *
 * <p>Protection, in the order applied: a cache by (candidate id, version); a circuit breaker; a cap
 * on concurrent requests (excess requests are refused at once, never queued); a token budget per
 * candidate version (prompt estimate plus completion cap, charged per attempt with the usage the
 * server reports); per-request timeouts; retries with exponential backoff on connection errors,
 * timeouts, 429 (honouring Retry-After up to the backoff cap) and 5xx. Malformed or ungrounded
 * output is not retried: at temperature 0 it would come back the same.
 */
public final class LlmSummarizer {

  /** Generator value of accepted summaries: {@code llm:<model>}. */
  public String generator() {
    return SummaryUpdates.LLM_PREFIX + config.model();
  }

  /** What came of one request for an LLM summary. */
  public record Outcome(IncidentSummary summary, String fallbackReason, int attempts, int tokens) {
    public boolean accepted() {
      return summary != null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rough tokens per character of English and JSON (OpenAI's rule of thumb: 4 chars a token). */
  private static final int CHARS_PER_TOKEN = 4;

  private final LlmConfig config;
  private final GroundingValidator validator;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final CircuitBreaker breaker;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, Outcome> cache;
  private final String apiKey;

  /**
   * @param http client used for requests (its executor runs the completions)
   * @param scheduler runs retry backoffs
   * @param clock drives the circuit breaker
   */
  public LlmSummarizer(
      LlmConfig config,
      Redactor redactor,
      HttpClient http,
      ScheduledExecutorService scheduler,
      InstantSource clock) {
    this.config = config;
    this.validator = GroundingValidator.create(redactor);
    this.http = http;
    this.scheduler = scheduler;
    this.breaker =
        new CircuitBreaker(config.breakerFailureThreshold(), config.breakerOpenDuration(), clock);
    int size = config.cacheSize();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
            return size() > size;
          }
        };
    this.apiKey = config.apiKeyEnv() == null ? null : System.getenv(config.apiKeyEnv());
  }

  /** A client with the connect timeout of the config. */
  public static HttpClient newHttpClient(LlmConfig config, Executor executor) {
    return HttpClient.newBuilder()
        .connectTimeout(config.requestTimeout())
        .executor(executor)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  public int inFlight() {
    return inFlight.get();
  }

  private static String prompt(IncidentFacts facts) {
    return SummaryPrompt.user(facts.version(), FactsJson.writeForPrompt(facts));
  }

  /** Estimated tokens of the system message and {@code prompt}. */
  private static int promptTokens(String prompt) {
    return (SummaryPrompt.SYSTEM.length() + prompt.length()) / CHARS_PER_TOKEN + 16;
  }

  /** Estimated tokens of one attempt for these facts: the prompt plus the longest answer. */
  int attemptTokens(IncidentFacts facts) {
    return promptTokens(prompt(facts)) + config.maxCompletionTokens();
  }

  /** Requests a summary; the future always completes normally. */
  public CompletableFuture<Outcome> summarize(IncidentFacts facts) {
    String key = facts.candidateId() + "#" + facts.version();
    synchronized (cache) {
      Outcome cached = cache.get(key);
      if (cached != null) {
        return CompletableFuture.completedFuture(cached);
      }
    }
    String prompt = prompt(facts);
    int promptTokens = promptTokens(prompt);
    int perAttempt = promptTokens + config.maxCompletionTokens();
    if (perAttempt > config.tokenBudgetPerCandidate()) {
      return done(
          "token-budget: one attempt needs about "
              + perAttempt
              + " tokens, budget "
              + config.tokenBudgetPerCandidate(),
          0,
          0);
    }
    if (inFlight.incrementAndGet() > config.maxConcurrentRequests()) {
      inFlight.decrementAndGet();
      return done("overloaded: " + config.maxConcurrentRequests() + " requests in flight", 0, 0);
    }
    byte[] body = requestBody(prompt);
    Attempt a = new Attempt(facts, body, promptTokens);
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    a.run(result);
    return result.whenComplete(
        (o, e) -> {
          inFlight.decrementAndGet();
          if (o != null && o.accepted() || o != null && isFinal(o.fallbackReason())) {
            synchronized (cache) {
              cache.put(key, o);
            }
          }
        });
  }

  /** Results that would repeat on a retry are cached; transient failures are not. */
  private static boolean isFinal(String reason) {
    return reason != null
        && (reason.startsWith("llm-rejected") || reason.startsWith("malformed-output"));
  }

  private static CompletableFuture<Outcome> done(String reason, int attempts, int tokens) {
    return CompletableFuture.completedFuture(new Outcome(null, reason, attempts, tokens));
  }

  byte[] requestBody(String userMessage) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", config.model());
    root.put("temperature", config.temperature());
    root.put("max_tokens", config.maxCompletionTokens());
    root.put("stream", false);
    if (config.jsonResponseFormat()) {
      root.putObject("response_format").put("type", "json_object");
    }
    ArrayNode messages = root.putArray("messages");
    messages.addObject().put("role", "system").put("content", SummaryPrompt.SYSTEM);
    messages.addObject().put("role", "user").put("content", userMessage);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One candidate's sequence of attempts. */
  private final class Attempt {
    private final IncidentFacts facts;
    private final byte[] body;
    private final int promptTokens;
    private int attempts;
    private int tokens;
    private Duration backoff = config.initialBackoff();

    Attempt(IncidentFacts facts, byte[] body, int promptTokens) {
      this.facts = facts;
      this.body = body;
      this.promptTokens = promptTokens;
    }

    void run(CompletableFuture<Outcome> result) {
      if (tokens + promptTokens + config.maxCompletionTokens() > config.tokenBudgetPerCandidate()) {
        finish(result, "token-budget: " + tokens + " tokens spent in " + attempts + " attempts");
        return;
      }
      if (!breaker.tryAcquire()) {
        finish(result, "circuit-open: the LLM endpoint failed repeatedly");
        return;
      }
      attempts++;
      HttpRequest.Builder req =
          HttpRequest.newBuilder(config.endpoint())
              .timeout(config.requestTimeout())
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (apiKey != null && !apiKey.isEmpty()) {
        req.header("Authorization", "Bearer " + apiKey);
      }
      http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
          .whenComplete(
              (resp, err) -> {
                try {
                  handle(result, resp, err);
                } catch (RuntimeException e) {
                  finish(result, "internal: " + e);
                }
              });
    }

    private void handle(
        CompletableFuture<Outcome> result, HttpResponse<String> resp, Throwable err) {
      if (err != null) {
        // A refused connection processed nothing; a timeout may have processed the prompt.
        if (!(unwrap(err) instanceof ConnectException)) {
          tokens += promptTokens;
        }
        breaker.onFailure();
        retryOrFinish(result, describe(err), null);
        return;
      }
      int status = resp.statusCode();
      if (status == 429 || status >= 500) {
        if (status != 429) { // rate limiting happens before any processing
          tokens += promptTokens;
        }
        breaker.onFailure();
        retryOrFinish(
            result, "HTTP " + status, resp.headers().firstValue("Retry-After").orElse(null));
        return;
      }
      if (status != 200) {
        breaker.onSuccess(); // the endpoint is up; the request is what it refuses
        finish(result, "request-refused: HTTP " + status);
        return;
      }
      breaker.onSuccess();
      JsonNode root;
      try {
        root = JSON.readTree(resp.body());
      } catch (IOException e) {
        tokens += promptTokens;
        finish(result, "malformed-output: response is not JSON");
        return;
      }
      JsonNode usage = root.path("usage").path("total_tokens");
      String content = root.path("choices").path(0).path("message").path("content").asText(null);
      tokens +=
          usage.isNumber()
              ? usage.asInt()
              : promptTokens + (content == null ? 0 : content.length() / CHARS_PER_TOKEN);
      if (content == null) {
        finish(result, "malformed-output: no choices[0].message.content");
        return;
      }
      List<SummarySentence> sentences;
      try {
        sentences = parseSentences(content);
      } catch (IllegalArgumentException e) {
        finish(result, "malformed-output: " + e.getMessage());
        return;
      }
      if (tokens > config.tokenBudgetPerCandidate()) {
        finish(result, "token-budget: the answer used " + tokens + " tokens");
        return;
      }
      GroundingValidator.Verdict v = validator.validate(facts, sentences);
      if (!v.grounded()) {
        finish(result, "llm-rejected: " + v.reason());
        return;
      }
      IncidentSummary summary =
          IncidentSummary.newBuilder()
              .setCandidateId(facts.candidateId())
              .setCandidateVersion(facts.version())
              .setGenerator(generator())
              .setCreatedAtMs(facts.updated().epochMs())
              .setTitle(facts.title())
              .setSentences(sentences)
              .setReport(null)
              .setFallbackReason(null)
              .build();
      result.complete(new Outcome(summary, null, attempts, tokens));
    }

    private void retryOrFinish(CompletableFuture<Outcome> result, String why, String retryAfter) {
      if (attempts >= config.maxAttempts()) {
        finish(result, "unavailable: " + why + " after " + attempts + " attempts");
        return;
      }
      Duration wait = backoff;
      if (retryAfter != null) {
        try {
          Duration ra = Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
          wait = ra.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : ra;
        } catch (NumberFormatException ignored) {
          // HTTP-date form: keep the computed backoff
        }
      }
      Duration next = backoff.multipliedBy(2);
      backoff = next.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : next;
      scheduler.schedule(() -> run(result), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void finish(CompletableFuture<Outcome> result, String reason) {
      result.complete(new Outcome(null, reason, attempts, tokens));
    }
  }

  /** Parses {@code {"sentences": [{"text": ..., "citations": [...]}]}}, tolerating code fences. */
  static List<SummarySentence> parseSentences(String content) {
    String s = content.trim();
    if (s.startsWith("```")) {
      int nl = s.indexOf('\n');
      int end = s.lastIndexOf("```");
      s = nl > 0 && end > nl ? s.substring(nl + 1, end).trim() : s;
    }
    JsonNode root;
    try {
      root = JSON.readTree(s);
    } catch (IOException e) {
      throw new IllegalArgumentException("content is not JSON");
    }
    JsonNode arr = root == null ? null : root.get("sentences");
    if (arr == null || !arr.isArray() || arr.isEmpty()) {
      throw new IllegalArgumentException("no sentences array");
    }
    List<SummarySentence> out = new ArrayList<>();
    for (JsonNode n : arr) {
      JsonNode text = n.get("text");
      JsonNode cites = n.get("citations");
      if (text == null || !text.isTextual()) {
        throw new IllegalArgumentException("sentence without text");
      }
      List<String> c = new ArrayList<>();
      if (cites != null && cites.isArray()) {
        for (JsonNode id : cites) {
          if (!id.isTextual()) {
            throw new IllegalArgumentException("citation is not a string");
          }
          c.add(id.asText());
        }
      } else if (cites != null && !cites.isNull()) {
        throw new IllegalArgumentException("citations is not an array");
      }
      out.add(SummarySentence.newBuilder().setText(text.asText()).setCitations(c).build());
    }
    return out;
  }

  private static Throwable unwrap(Throwable err) {
    return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
  }

  private static String describe(Throwable err) {
    Throwable t =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (t instanceof HttpTimeoutException) {
      return "timeout";
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    return t.getClass().getSimpleName();
  }
}
