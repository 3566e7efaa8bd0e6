package io.signalfold.summarizer;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the optional LLM summarizer: any OpenAI-compatible {@code /v1/chat/completions}
 * endpoint (Ollama, vLLM, llama.cpp server, a gateway). Defaults: request timeout 20 s, 3 attempts
 * with backoff 500 ms doubling to at most 4 s, 4 concurrent requests per subtask, circuit breaker
 * opening after 5 consecutive failures for 30 s, a budget of 10000 tokens per candidate version
 * (prompt plus completion, over all attempts), 700 completion tokens per request, temperature 0, a
 * cache of 512 summaries by (candidate id, version).
 */
public final class LlmConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  private final URI endpoint;
  private final String model;
  private final String apiKeyEnv;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxConcurrentRequests;
  private final int breakerFailureThreshold;
  private final Duration breakerOpenDuration;
  private final int tokenBudgetPerCandidate;
  private final int maxCompletionTokens;
  private final double temperature;
  private final int cacheSize;
  private final boolean jsonResponseFormat;

  private LlmConfig(Builder b) {
    this.endpoint = chatCompletions(Objects.requireNonNull(b.endpoint, "endpoint"));
    this.model = Objects.requireNonNull(b.model, "model");
    this.apiKeyEnv = b.apiKeyEnv;
    this.requestTimeout = positive(b.requestTimeout, "requestTimeout");
    this.maxAttempts = atLeast(b.maxAttempts, 1, "maxAttempts");
    this.initialBackoff = Objects.requireNonNull(b.initialBackoff, "initialBackoff");
    this.maxBackoff = Objects.requireNonNull(b.maxBackoff, "maxBackoff");
    this.maxConcurrentRequests = atLeast(b.maxConcurrentRequests, 1, "maxConcurrentRequests");
    this.breakerFailureThreshold = atLeast(b.breakerFailureThreshold, 1, "breakerFailureThreshold");
    this.breakerOpenDuration = positive(b.breakerOpenDuration, "breakerOpenDuration");
    this.tokenBudgetPerCandidate =
        atLeast(b.tokenBudgetPerCandidate, 100, "tokenBudgetPerCandidate");
    this.maxCompletionTokens = atLeast(b.maxCompletionTokens, 50, "maxCompletionTokens");
    this.temperature = b.temperature;
    this.cacheSize = atLeast(b.cacheSize, 0, "cacheSize");
    this.jsonResponseFormat = b.jsonResponseFormat;
  }

  /**
   * A builder for an endpoint given as a base URL ({@code http://localhost:11434}) or the full
   * chat-completions URL, and a model name.
   */
  public static Builder builder(String endpoint, String model) {
    return new Builder(URI.create(endpoint), model);
  }

  static URI chatCompletions(URI base) {
    String s = base.toString();
    if (s.endsWith("/chat/completions")) {
      return base;
    }
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s.endsWith("/v1") ? s + "/chat/completions" : s + "/v1/chat/completions");
  }

  public URI endpoint() {
    return endpoint;
  }

  public String model() {
    return model;
  }

  /** Name of the environment variable holding the bearer token, or null (no auth header). */
  public String apiKeyEnv() {
    return apiKeyEnv;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public int maxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  public int breakerFailureThreshold() {
    return breakerFailureThreshold;
  }

  public Duration breakerOpenDuration() {
    return breakerOpenDuration;
  }

  public int tokenBudgetPerCandidate() {
    return tokenBudgetPerCandidate;
  }

  public int maxCompletionTokens() {
    return maxCompletionTokens;
  }

  public double temperature() {
    return temperature;
  }

  public int cacheSize() {
    return cacheSize;
  }

  /** Whether to send {@code response_format: {"type": "json_object"}}. */
  public boolean jsonResponseFormat() {
    return jsonResponseFormat;
  }

  /**
   * Upper bound of one candidate's LLM work: every attempt timing out plus every backoff. The async
   * operator's own timeout is this plus a margin, so it only fires if the client misbehaves.
   */
  public Duration worstCaseLatency() {
    Duration total = requestTimeout.multipliedBy(maxAttempts);
    Duration backoff = initialBackoff;
    for (int i = 1; i < maxAttempts; i++) {
      total = total.plus(backoff);
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(maxBackoff) > 0) {
        backoff = maxBackoff;
      }
    }
    return total;
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  private static int atLeast(int v, int min, String name) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ": " + v);
    }
    return v;
  }

  /** Builder with the defaults listed on {@link LlmConfig}. */
  public static final class Builder {
    private final URI endpoint;
    private final String model;
    private String apiKeyEnv;
    private Duration requestTimeout = Duration.ofSeconds(20);
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(4);
    private int maxConcurrentRequests = 4;
    private int breakerFailureThreshold = 5;
    private Duration breakerOpenDuration = Duration.ofSeconds(30);
    private int tokenBudgetPerCandidate = 10000;
    private int maxCompletionTokens = 700;
    private double temperature = 0.0;
    private int cacheSize = 512;
    private boolean jsonResponseFormat = true;

    private Builder(URI endpoint, String model) {
      this.endpoint = endpoint;
      this.model = model;
    }

    public Builder apiKeyEnv(String v) {
      this.apiKeyEnv = v;
      return this;
    }

    public Builder requestTimeout(Duration v) {
      this.requestTimeout = v;
      return this;
    }

    public Builder maxAttempts(int v) {
      this.maxAttempts = v;
      return this;
    }

    public Builder initialBackoff(Duration v) {
      this.initialBackoff = v;
      return this;
    }

    public Builder maxBackoff(Duration v) {
      this.maxBackoff = v;
      return this;
    }

    public Builder maxConcurrentRequests(int v) {
      this.maxConcurrentRequests = v;
      return this;
    }

    public Builder breakerFailureThreshold(int v) {
      this.breakerFailureThreshold = v;
      return this;
    }

    public Builder breakerOpenDuration(Duration v) {
      this.breakerOpenDuration = v;
      return this;
    }

    public Builder tokenBudgetPerCandidate(int v) {
      this.tokenBudgetPerCandidate = v;
      return this;
    }

    public Builder maxCompletionTokens(int v) {
      this.maxCompletionTokens = v;
      return this;
    }

    public Builder temperature(double v) {
      this.temperature = v;
      return this;
    }

    public Builder cacheSize(int v) {
      this.cacheSize = v;
      return this;
    }

    public Builder jsonResponseFormat(boolean v) {
      this.jsonResponseFormat = v;
      return this;
    }

    public LlmConfig build() {
      return new LlmConfig(this);
    }
  }
}
