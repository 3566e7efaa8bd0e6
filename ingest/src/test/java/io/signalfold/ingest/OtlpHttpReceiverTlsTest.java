package io.signalfold.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS and mutual TLS on the receiver, with certificates made by the JDK's keytool: a client that
 * trusts the server's certificate is served, and with client certificates required, a client
 * without one is refused in the handshake.
 */
class OtlpHttpReceiverTlsTest {

  private static final String PASSWORD = "changeit-test";

  @TempDir static Path dir;
  private static Path server;
  private static Path client;

  /** Runs the JDK's keytool; fails the test with its output when it fails. */
  private static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private static Path keyPair(String alias, String dname) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        dname,
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    return store;
  }

  @BeforeAll
  static void certificates() throws Exception {
    server = keyPair("server", "CN=localhost");
    client = keyPair("client", "CN=collector-1");
  }

  private static KeyStore load(Path p) throws IOException, java.security.GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  /** A client trusting the server's certificate, presenting {@code identity} when not null. */
  private static HttpClient httpClient(Path identity) throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(server));
    KeyManagerFactory kmf = null;
    if (identity != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(identity), PASSWORD.toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> post(HttpClient http, OtlpHttpReceiver r) throws Exception {
    byte[] body =
        OtlpFixtures.traces(
                OtlpFixtures.resourceSpans(
                    OtlpFixtures.resource("gateway", "gateway-0", "1.0.0"),
                    OtlpFixtures.span(
                        1, 2, 0, "GET /", Span.SpanKind.SPAN_KIND_SERVER, OtlpFixtures.T0_MS, 5)))
            .toByteArray();
    return http.send(
        HttpRequest.newBuilder(URI.create(r.endpoint() + "/v1/traces"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static OtlpHttpReceiver.Builder receiver() {
    return OtlpHttpReceiver.builder(
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()))
        .port(0)
        .allowUnauthenticated()
        .tls(server, PASSWORD);
  }

  @Test
  void servesHttpsToAClientThatTrustsItsCertificate() throws Exception {
    try (OtlpHttpReceiver r = receiver().build().start()) {
      assertThat(r.endpoint()).startsWith("https://");
      assertThat(post(httpClient(null), r).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withClientCertificatesRequiredOnlyATrustedClientGetsIn() throws Exception {
    try (OtlpHttpReceiver r = receiver().clientCertificates(client, PASSWORD).build().start()) {
      assertThat(post(httpClient(client), r).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> post(httpClient(null), r)).isInstanceOf(IOException.class);
      assertThat(r.acceptedRequests()).isEqualTo(1);
    }
  }
}
