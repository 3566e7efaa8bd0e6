package io.signalfold.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.Span;
import io.signalfold.ingest.internal.OtlpJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The receiver under abuse: clients that trickle bytes or stall mid-body cannot hold it, and
 * requests beyond the memory budget are told to retry later instead of exhausting the heap.
 */
class OtlpHttpReceiverLimitsTest {

  private static MockProducer<byte[], byte[]> producer() {
    return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static byte[] tracesProto() {
    return OtlpFixtures.traces(
            OtlpFixtures.resourceSpans(
                OtlpFixtures.resource("gateway", "gateway-0", "1.0.0"),
                OtlpFixtures.span(
                    1, 2, 0, "GET /", Span.SpanKind.SPAN_KIND_SERVER, OtlpFixtures.T0_MS, 5)))
        .toByteArray();
  }

  /** About 10 KB of OTLP/JSON: more than the budget has left while the large body is held. */
  private static byte[] tracesJson() {
    Span.Builder[] spans = new Span.Builder[60];
    for (int i = 0; i < spans.length; i++) {
      spans[i] =
          OtlpFixtures.span(
              i + 1, i + 1, 0, "GET /", Span.SpanKind.SPAN_KIND_SERVER, OtlpFixtures.T0_MS, 5);
    }
    return OtlpJson.print(
        OtlpFixtures.traces(
            OtlpFixtures.resourceSpans(
                OtlpFixtures.resource("gateway", "gateway-0", "1.0.0"), spans)));
  }

  private static HttpResponse<String> post(OtlpHttpReceiver r, String type, byte[] body)
      throws Exception {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(r.endpoint() + "/v1/traces"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** A raw connection that sends request headers announcing {@code length} body bytes. */
  private static Socket announce(OtlpHttpReceiver r, String type, int length) throws IOException {
    Socket s = new Socket("localhost", r.port());
    s.setSoTimeout(20_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + type
                + "\r\nContent-Length: "
                + length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  /** The status line the server answered, or "closed" when it closed without one. */
  private static String answer(Socket s) {
    try {
      String line =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return line == null ? "closed" : line;
    } catch (IOException e) {
      return "closed";
    }
  }

  @Test
  void clientsTricklingBytesNeitherStarveOthersNorHoldOnPastTheRequestTime() throws Exception {
    try (OtlpHttpReceiver r =
        OtlpHttpReceiver.builder(producer())
            .port(0)
            .allowUnauthenticated()
            .threads(4)
            .idleTimeout(Duration.ofSeconds(2))
            .maxRequestTime(Duration.ofSeconds(3))
            .build()
            .start()) {
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        slow.add(announce(r, "application/x-protobuf", 100_000));
      }
      Thread trickle =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 40; i++) {
                    for (Socket s : slow) {
                      s.getOutputStream().write('x');
                      s.getOutputStream().flush();
                    }
                    Thread.sleep(500);
                  }
                } catch (IOException | InterruptedException e) {
                  // the server cut the connection: expected
                }
              });
      trickle.setDaemon(true);
      trickle.start();
      long start = System.nanoTime();
      HttpResponse<String> normal = post(r, "application/x-protobuf", tracesProto());
      assertThat(normal.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("served although 8 slow clients hold connections (4 threads)")
          .isLessThan(Duration.ofSeconds(8));
      for (Socket s : slow) {
        assertThat(answer(s)).as("cut off after the request time").matches("HTTP/1.1 408.*|closed");
        s.close();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void aBodyShorterThanItsContentLengthIsDroppedAfterTheIdleTimeout() throws Exception {
    try (OtlpHttpReceiver r =
        OtlpHttpReceiver.builder(producer())
            .port(0)
            .allowUnauthenticated()
            .idleTimeout(Duration.ofSeconds(1))
            .build()
            .start()) {
      long start = System.nanoTime();
      try (Socket s = announce(r, "application/x-protobuf", 1000)) {
        s.getOutputStream().write(new byte[10]);
        s.getOutputStream().flush();
        assertThat(answer(s)).matches("HTTP/1.1 408.*|closed");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
      assertThat(r.inFlightBytes()).as("its reservation is released").isZero();
    }
  }

  @Test
  void aRequestBeyondTheMemoryBudgetIs429WithRetryAfterAndGoesThroughOnceThereIsRoom()
      throws Exception {
    int maxBody = 64 * 1024;
    try (OtlpHttpReceiver r =
        OtlpHttpReceiver.builder(producer())
            .port(0)
            .allowUnauthenticated()
            .maxBodyBytes(maxBody)
            .maxInFlightBytes((long) maxBody * OtlpHttpReceiver.JSON_WEIGHT)
            .build()
            .start()) {
      byte[] json = tracesJson();
      assertThat(json.length).isGreaterThan(4 * 1024);
      // A large JSON body in flight (announced, not yet sent) holds most of the budget.
      Socket big = announce(r, "application/json", maxBody - 1024);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (r.inFlightBytes() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(r.inFlightBytes()).isPositive();
      HttpResponse<String> refused = post(r, "application/json", json);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After"))
          .hasValue(Integer.toString(OtlpHttpReceiver.RETRY_AFTER_SECONDS));
      assertThat(refused.body()).contains("memory budget");
      big.close();
      deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (r.inFlightBytes() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(post(r, "application/json", json).statusCode()).isEqualTo(200);
      assertThat(r.inFlightBytes()).isZero();
    }
  }

  @Test
  void aBudgetThatCannotHoldOneLargestJsonBodyIsAConfigurationError() {
    assertThatThrownBy(
            () ->
                OtlpHttpReceiver.builder(producer())
                    .allowUnauthenticated()
                    .maxBodyBytes(1024)
                    .maxInFlightBytes(1024)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot hold one 1024-byte JSON body");
  }
}
