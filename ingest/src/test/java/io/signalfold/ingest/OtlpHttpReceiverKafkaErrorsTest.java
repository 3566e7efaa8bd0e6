package io.signalfold.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What the receiver answers when Kafka does not take a valid request: a passing outage is 503 with
 * Retry-After (retryable), a body the topic can never accept is 413 (not retryable, so an OTLP
 * exporter does not retry it forever).
 */
class OtlpHttpReceiverKafkaErrorsTest {

  /** A producer whose every send fails with {@code error}. */
  private static MockProducer<byte[], byte[]> failingWith(RuntimeException error) {
    return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return CompletableFuture.failedFuture(error);
      }
    };
  }

  private static HttpResponse<String> postTraces(RuntimeException kafkaError) throws Exception {
    try (OtlpHttpReceiver r =
        OtlpHttpReceiver.builder(failingWith(kafkaError))
            .port(0)
            .allowUnauthenticated()
            .build()
            .start()) {
      byte[] body =
          OtlpFixtures.traces(
                  OtlpFixtures.resourceSpans(
                      OtlpFixtures.resource("gateway", "gateway-0", "1.0.0"),
                      OtlpFixtures.span(
                          1,
                          2,
                          0,
                          "GET /",
                          io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER,
                          OtlpFixtures.T0_MS,
                          5)))
              .toByteArray();
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(r.endpoint() + "/v1/traces"))
                  .header("Content-Type", "application/x-protobuf")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void aKafkaOutageIs503WithRetryAfter() throws Exception {
    HttpResponse<String> resp = postTraces(new NotLeaderOrFollowerException("leader moved"));
    assertThat(resp.statusCode()).isEqualTo(503);
    assertThat(resp.headers().firstValue("Retry-After"))
        .hasValue(Integer.toString(OtlpHttpReceiver.RETRY_AFTER_SECONDS));
  }

  @Test
  void aBodyTheTopicCannotTakeIs413NotRetryable() throws Exception {
    HttpResponse<String> resp = postTraces(new RecordTooLargeException("2097152 > 1048576"));
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(resp.headers().firstValue("Retry-After")).isEmpty();
    assertThat(resp.body()).contains("larger than topic otlp_spans accepts");
  }
}
