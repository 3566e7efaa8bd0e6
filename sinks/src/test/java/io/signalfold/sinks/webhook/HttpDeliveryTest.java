package io.signalfold.sinks.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.sinks.webhook.internal.HttpDelivery;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpDeliveryTest {

  private CapturingServer server;
  private ScheduledExecutorService scheduler;

  @BeforeEach
  void start() throws Exception {
    server = new CapturingServer();
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() {
    server.close();
    scheduler.shutdownNow();
  }

  private HttpDelivery.Result post(WebhookConfig.Builder b) throws Exception {
    WebhookConfig c =
        b.initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(50)).build();
    return new HttpDelivery(c, HttpClient.newHttpClient(), scheduler)
        .post("{\"a\":1}")
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void deliversJson() throws Exception {
    HttpDelivery.Result r = post(WebhookConfig.builder("t", server.url("/hook")));
    assertThat(r.delivered()).isTrue();
    assertThat(server.bodies()).containsExactly("{\"a\":1}");
    assertThat(server.contentTypes()).containsExactly("application/json");
  }

  @Test
  void retries429HonouringRetryAfterAnd5xx() throws Exception {
    server.retryAfter("0");
    server.status(n -> n == 0 ? 429 : n == 1 ? 503 : 202);
    HttpDelivery.Result r = post(WebhookConfig.builder("t", server.url("/hook")));
    assertThat(r.delivered()).isTrue();
    assertThat(r.attempts()).isEqualTo(3);
  }

  @Test
  void givesUpAfterMaxAttempts() throws Exception {
    server.status(n -> 500);
    HttpDelivery.Result r = post(WebhookConfig.builder("t", server.url("/hook")).maxAttempts(3));
    assertThat(r.delivered()).isFalse();
    assertThat(r.detail()).isEqualTo("HTTP 500 after 3 attempts");
    assertThat(server.bodies()).hasSize(3);
  }

  @Test
  void clientErrorsAreNotRetried() throws Exception {
    server.status(n -> 400);
    HttpDelivery.Result r = post(WebhookConfig.builder("t", server.url("/hook")));
    assertThat(r.detail()).isEqualTo("HTTP 400 (not retried)");
    assertThat(server.bodies()).hasSize(1);
  }

  @Test
  void slowEndpointTimesOut() throws Exception {
    server.status(n -> -2000);
    HttpDelivery.Result r =
        post(
            WebhookConfig.builder("t", server.url("/hook"))
                .requestTimeout(Duration.ofMillis(200))
                .maxAttempts(2));
    assertThat(r.delivered()).isFalse();
    assertThat(r.detail()).isEqualTo("timeout after 2 attempts");
  }
}
