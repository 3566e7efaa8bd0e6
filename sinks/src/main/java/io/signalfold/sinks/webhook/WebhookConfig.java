package io.signalfold.sinks.webhook;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One webhook target. Defaults: request timeout 10 s, 4 attempts with backoff 1 s doubling to at
 * most 15 s (429 Retry-After honoured up to that cap), 16 calls in flight per subtask, dead-letter
 * payloads truncated at 64 KiB. Header values may be given as {@code env:NAME} to read them from
 * the environment at run time (keeps tokens out of job graphs and logs).
 */
public final class WebhookConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final URI url;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxInFlight;
  private final int deadLetterPayloadLimit;
  private final Map<String, String> headers;

  private WebhookConfig(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.url = Objects.requireNonNull(b.url, "url");
    this.requestTimeout = Objects.requireNonNull(b.requestTimeout, "requestTimeout");
    if (b.maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + b.maxAttempts);
    }
    if (b.maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1: " + b.maxInFlight);
    }
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = Objects.requireNonNull(b.initialBackoff, "initialBackoff");
    this.maxBackoff = Objects.requireNonNull(b.maxBackoff, "maxBackoff");
    this.maxInFlight = b.maxInFlight;
    this.deadLetterPayloadLimit = b.deadLetterPayloadLimit;
    this.headers = Map.copyOf(b.headers);
  }

  /**
   * @param name short name used in uids, metrics and dead letters ({@code sinks.webhook.<name>})
   * @param url the endpoint (a Slack incoming-webhook URL, {@code
   *     https://events.pagerduty.com/v2/enqueue}, an Alertmanager-compatible receiver)
   */
  public static Builder builder(String name, String url) {
    return new Builder(name, URI.create(url));
  }

  public String name() {
    return name;
  }

  public URI url() {
    return url;
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

  public int maxInFlight() {
    return maxInFlight;
  }

  public int deadLetterPayloadLimit() {
    return deadLetterPayloadLimit;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** Upper bound of one delivery: every attempt timing out plus every backoff. */
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

  /** Builder with the defaults listed on {@link WebhookConfig}. */
  public static final class Builder {
    private final String name;
    private final URI url;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(15);
    private int maxInFlight = 16;
    private int deadLetterPayloadLimit = 64 * 1024;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder(String name, URI url) {
      this.name = name;
      this.url = url;
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

    public Builder maxInFlight(int v) {
      this.maxInFlight = v;
      return this;
    }

    public Builder deadLetterPayloadLimit(int v) {
      this.deadLetterPayloadLimit = v;
      return this;
    }

    /** Adds a header; {@code env:NAME} values are read from the environment when sending. */
    public Builder header(String name, String value) {
      this.headers.put(name, value);
      return this;
    }

    public WebhookConfig build() {
      return new WebhookConfig(this);
    }
  }
}
