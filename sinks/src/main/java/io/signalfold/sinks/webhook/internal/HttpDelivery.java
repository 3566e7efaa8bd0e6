package io.signalfold.sinks.webhook.internal;

import io.signalfold.sinks.webhook.WebhookConfig;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * POSTs one JSON body with retries: connection errors, timeouts, 429 (Retry-After honoured up to
 * the backoff cap) and 5xx are retried with exponential backoff; other statuses are final. The
 * future always completes normally with the outcome; nothing blocks the caller.
 */
public final class HttpDelivery {

  /** The outcome of one delivery. */
  public record Result(boolean delivered, int attempts, int lastStatus, String detail) {}

  private final WebhookConfig config;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;

  public HttpDelivery(WebhookConfig config, HttpClient http, ScheduledExecutorService scheduler) {
    this.config = config;
    this.http = http;
    this.scheduler = scheduler;
  }

  public CompletableFuture<Result> post(String json) {
    CompletableFuture<Result> out = new CompletableFuture<>();
    attempt(json.getBytes(StandardCharsets.UTF_8), 1, config.initialBackoff(), out);
    return out;
  }

  private void attempt(byte[] body, int n, Duration backoff, CompletableFuture<Result> out) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(config.url())
            .timeout(config.requestTimeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, String> h : config.headers().entrySet()) {
      String v = h.getValue();
      if (v.startsWith("env:")) {
        v = System.getenv(v.substring(4));
        if (v == null) {
          continue;
        }
      }
      req.header(h.getKey(), v);
    }
    http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (resp, err) -> {
              String why;
              String retryAfter = null;
              int status = -1;
              if (err != null) {
                Throwable t =
                    err instanceof CompletionException && err.getCause() != null
                        ? err.getCause()
                        : err;
                why =
                    t instanceof HttpTimeoutException
                        ? "timeout"
                        : t instanceof ConnectException
                            ? "connection refused"
                            : t.getClass().getSimpleName();
              } else {
                status = resp.statusCode();
                if (status >= 200 && status < 300) {
                  out.complete(new Result(true, n, status, "HTTP " + status));
                  return;
                }
                if (status != 429 && status < 500) {
                  out.complete(new Result(false, n, status, "HTTP " + status + " (not retried)"));
                  return;
                }
                why = "HTTP " + status;
                retryAfter = resp.headers().firstValue("Retry-After").orElse(null);
              }
              if (n >= config.maxAttempts()) {
                out.complete(new Result(false, n, status, why + " after " + n + " attempts"));
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
              Duration capped =
                  next.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : next;
              scheduler.schedule(
                  () -> attempt(body, n + 1, capped, out), wait.toMillis(), TimeUnit.MILLISECONDS);
            });
  }
}
