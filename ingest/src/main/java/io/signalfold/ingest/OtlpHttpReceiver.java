package io.signalfold.ingest;

import io.signalfold.ingest.internal.BearerTokens;
import io.signalfold.ingest.internal.InFlightBudget;
import io.signalfold.ingest.internal.OtlpExport;
import io.signalfold.ingest.internal.OtlpExport.Reply;
import io.signalfold.ingest.internal.OtlpExport.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An OTLP/HTTP receiver (OpenTelemetry Protocol specification, "OTLP/HTTP") that writes what it
 * receives to Kafka in the layout of the OpenTelemetry Collector's Kafka exporter, so any
 * OpenTelemetry SDK can send to the pipeline. {@code POST /v1/metrics}, {@code /v1/logs} and {@code
 * /v1/traces} accept {@code application/x-protobuf} and {@code application/json}, optionally
 * gzip-compressed. Answers: 200 with an empty {@code Export*ServiceResponse} in the request's
 * encoding once Kafka acknowledged the record; 400 with a {@code google.rpc.Status} for a payload
 * that does not parse; 415 for another content type or encoding; 413 above the body limit; 429 with
 * Retry-After when the requests in flight already hold the memory budget; 408 when the body does
 * not arrive within the request time; 503 with Retry-After when Kafka does not acknowledge in time;
 * 404/405 for other paths and methods; 401 with {@code WWW-Authenticate} without a known bearer
 * token (unless built with {@code allowUnauthenticated()}).
 *
 * <p>Served by Jetty: a bounded thread pool, an idle time-out per connection and a total time per
 * request, so slow or stalled clients cannot hold every thread; no state besides counters.
 */
public final class OtlpHttpReceiver implements AutoCloseable {

  /** The OTLP/HTTP default port. */
  public static final int DEFAULT_PORT = 4318;

  /** Seconds a client is asked to wait before retrying a 429 or 503. */
  static final int RETRY_AFTER_SECONDS = OtlpExport.RETRY_AFTER_SECONDS;

  static final int JSON_WEIGHT = OtlpExport.JSON_WEIGHT;

  private final Builder config;
  private final Producer<byte[], byte[]> producer;
  private final boolean ownsProducer;
  private final OtlpExport export;
  private final AtomicLong rejected = new AtomicLong();
  @Nullable private Server server;

  private OtlpHttpReceiver(Builder b) {
    this.config = b;
    if (b.producer != null) {
      this.producer = b.producer;
      this.ownsProducer = false;
    } else {
      Properties p = new Properties();
      p.putAll(b.producerProperties);
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
      p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(b.maxBodyBytes * 2));
      // With Kafka down, send() waits for metadata up to max.block.ms (default 60 s) before the
      // answer's own time-out even starts: bound it by the send time-out.
      p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(b.sendTimeout.toMillis()));
      this.producer = new KafkaProducer<>(p);
      this.ownsProducer = true;
    }
    this.export =
        new OtlpExport(
            producer,
            Map.of(
                Signal.METRICS,
                b.metricsTopic,
                Signal.LOGS,
                b.logsTopic,
                Signal.TRACES,
                b.tracesTopic),
            b.encodings,
            b.defaultEncoding,
            b.maxBodyBytes,
            b.maxRequestTime,
            b.sendTimeout,
            new InFlightBudget(b.maxInFlightBytes()));
  }

  /** A receiver writing to the Kafka cluster at {@code bootstrapServers}. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(Objects.requireNonNull(bootstrapServers, "bootstrapServers"), null);
  }

  /** A receiver writing through an existing producer (not closed by the receiver). */
  public static Builder builder(Producer<byte[], byte[]> producer) {
    return new Builder(null, Objects.requireNonNull(producer, "producer"));
  }

  /** Binds the port and starts serving; returns this. */
  public synchronized OtlpHttpReceiver start() throws IOException {
    if (server != null) {
      return this;
    }
    // threads for requests, plus the connector's acceptor and selector
    QueuedThreadPool pool = new QueuedThreadPool(config.threads + 2, 2);
    pool.setName("otlp-http-receiver");
    pool.setDaemon(true);
    Server s = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector =
        config.keyStore == null
            ? new ServerConnector(s, 1, 1, new HttpConnectionFactory(http))
            : new ServerConnector(
                s, 1, 1, new SslConnectionFactory(tls(), "http/1.1"), httpsFactory(http));
    connector.setHost(config.host);
    connector.setPort(config.port);
    connector.setIdleTimeout(config.idleTimeout.toMillis());
    s.addConnector(connector);
    s.setHandler(new OtlpHandler());
    s.setStopTimeout(1_000);
    try {
      s.start();
    } catch (Exception e) {
      try {
        s.stop();
      } catch (Exception ignored) {
        // the start failure is the error to report
      }
      throw new IOException("cannot serve OTLP/HTTP on " + config.host + ":" + config.port, e);
    }
    server = s;
    return this;
  }

  /** TLS from the configured key store; client certificates required when a trust store is set. */
  private SslContextFactory.Server tls() {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(config.keyStore.toString());
    ssl.setKeyStorePassword(config.keyStorePassword);
    if (config.clientTrustStore != null) {
      ssl.setTrustStorePath(config.clientTrustStore.toString());
      ssl.setTrustStorePassword(config.clientTrustStorePassword);
      ssl.setNeedClientAuth(true);
    }
    return ssl;
  }

  private static HttpConnectionFactory httpsFactory(HttpConfiguration http) {
    HttpConfiguration https = new HttpConfiguration(http);
    https.addCustomizer(new SecureRequestCustomizer());
    return new HttpConnectionFactory(https);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    Server s = server;
    if (s == null) {
      throw new IllegalStateException("receiver is not started");
    }
    return ((ServerConnector) s.getConnectors()[0]).getLocalPort();
  }

  /** Base URL, e.g. {@code http://localhost:4318}. */
  public String endpoint() {
    return (config.keyStore == null ? "http://" : "https://") + config.host + ":" + port();
  }

  /** Requests written to Kafka. */
  public long acceptedRequests() {
    return export.accepted();
  }

  /** Requests answered with an error status. */
  public long rejectedRequests() {
    return rejected.get();
  }

  /** Weighted bytes held by requests in flight (0 when idle). */
  public long inFlightBytes() {
    return export.inFlightBytes();
  }

  /** Stops serving (waiting briefly for requests in flight) and closes an owned producer. */
  public synchronized void stop() {
    if (server != null) {
      try {
        server.stop();
      } catch (Exception e) {
        // stopping is best effort; the producer below must still be closed
      }
      server = null;
    }
    if (ownsProducer) {
      producer.close(Duration.ofSeconds(5));
    } else {
      producer.flush();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Jetty's view of a request, mapped onto {@link OtlpExport#export}. */
  private final class OtlpHandler extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Reply reply;
      try {
        reply = route(request);
      } catch (RuntimeException e) {
        reply = Reply.of(500, "text/plain", utf8("internal error: " + e));
      }
      if (reply.status() != 200) {
        rejected.incrementAndGet();
      }
      response.setStatus(reply.status());
      if (reply.status() == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"signalfold\"");
      }
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
      if (reply.retryAfter()) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
      }
      response.write(true, ByteBuffer.wrap(reply.body()), callback);
      return true;
    }

    private Reply route(Request request) {
      if (config.tokens != null
          && !config.tokens.accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
        return Reply.of(
            401, "text/plain", utf8("missing or unknown bearer token (Authorization: Bearer ...)"));
      }
      Signal signal =
          switch (Request.getPathInContext(request)) {
            case "/v1/metrics" -> Signal.METRICS;
            case "/v1/logs" -> Signal.LOGS;
            case "/v1/traces" -> Signal.TRACES;
            default -> null;
          };
      if (signal == null) {
        return Reply.of(
            404, "text/plain", utf8("not found: use /v1/metrics, /v1/logs or /v1/traces"));
      }
      if (!"POST".equals(request.getMethod())) {
        return Reply.of(405, "text/plain", utf8("use POST"));
      }
      return export.export(
          signal,
          request.getHeaders().get(HttpHeader.CONTENT_TYPE),
          request.getHeaders().get(HttpHeader.CONTENT_ENCODING),
          request.getLength(),
          Content.Source.asInputStream(request));
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Receiver settings; topics and encodings default to the wire conventions. */
  public static final class Builder {
    @Nullable private final String bootstrapServers;
    @Nullable private final Producer<byte[], byte[]> producer;
    private final Properties producerProperties = new Properties();
    private String host = "localhost";
    private int port = DEFAULT_PORT;
    private String metricsTopic = KafkaTelemetrySources.DEFAULT_METRICS_TOPIC;
    private String logsTopic = KafkaTelemetrySources.DEFAULT_LOGS_TOPIC;
    private String tracesTopic = KafkaTelemetrySources.DEFAULT_SPANS_TOPIC;
    private final java.util.Map<String, TelemetryEncoding> encodings = new java.util.HashMap<>();
    private TelemetryEncoding defaultEncoding = TelemetryEncoding.OTLP_PROTO;
    private int maxBodyBytes = 16 * 1024 * 1024;
    private Duration sendTimeout = Duration.ofSeconds(10);
    private int threads = 32;
    private Duration idleTimeout = Duration.ofSeconds(10);
    private Duration maxRequestTime = Duration.ofSeconds(30);
    private long maxInFlightBytes = -1;
    @Nullable private BearerTokens tokens;
    @Nullable private Path keyStore;
    @Nullable private String keyStorePassword;
    @Nullable private Path clientTrustStore;
    @Nullable private String clientTrustStorePassword;
    private boolean unauthenticated;

    private Builder(
        @Nullable String bootstrapServers, @Nullable Producer<byte[], byte[]> producer) {
      this.bootstrapServers = bootstrapServers;
      this.producer = producer;
    }

    /** Interface to bind (default localhost; "0.0.0.0" for all). */
    public Builder host(String v) {
      this.host = v;
      return this;
    }

    /** Port (default 4318; 0 picks a free one). */
    public Builder port(int v) {
      this.port = v;
      return this;
    }

    public Builder metricsTopic(String v) {
      this.metricsTopic = v;
      return this;
    }

    public Builder logsTopic(String v) {
      this.logsTopic = v;
      return this;
    }

    public Builder tracesTopic(String v) {
      this.tracesTopic = v;
      return this;
    }

    /** Encoding written to one topic (default otlp_proto). */
    public Builder topicEncoding(String topic, TelemetryEncoding encoding) {
      this.encodings.put(topic, encoding);
      return this;
    }

    /** Encoding written to every topic without its own setting. */
    public Builder defaultEncoding(TelemetryEncoding v) {
      this.defaultEncoding = v;
      return this;
    }

    /** Extra producer properties (security settings etc.). */
    public Builder producerProperties(Properties v) {
      this.producerProperties.putAll(v);
      return this;
    }

    public Builder maxBodyBytes(int v) {
      this.maxBodyBytes = v;
      return this;
    }

    public Builder sendTimeout(Duration v) {
      this.sendTimeout = v;
      return this;
    }

    /** Requests served at once (default 32); more wait in the connection queue. */
    public Builder threads(int v) {
      this.threads = v;
      return this;
    }

    /** A connection that sends nothing for this long is closed (default 10 s). */
    public Builder idleTimeout(Duration v) {
      this.idleTimeout = v;
      return this;
    }

    /**
     * A body not received within this time is answered 408 (default 30 s; it is checked between
     * reads, so a trickling client is cut off within this plus the idle time-out).
     */
    public Builder maxRequestTime(Duration v) {
      this.maxRequestTime = v;
      return this;
    }

    /**
     * Memory the requests in flight may hold, in bytes weighted by parse cost (x8 protobuf, x24
     * JSON); beyond it requests get 429 with Retry-After. Default: a quarter of the heap, at least
     * what one largest JSON body needs. It must hold one largest JSON body, or such a body could
     * never be accepted.
     */
    public Builder maxInFlightBytes(long v) {
      this.maxInFlightBytes = v;
      return this;
    }

    long maxInFlightBytes() {
      long oneBody = (long) maxBodyBytes * JSON_WEIGHT;
      if (maxInFlightBytes < 0) {
        return Math.max(oneBody, Runtime.getRuntime().maxMemory() / 4);
      }
      if (maxInFlightBytes < oneBody) {
        throw new IllegalArgumentException(
            "maxInFlightBytes "
                + maxInFlightBytes
                + " cannot hold one "
                + maxBodyBytes
                + "-byte JSON body (x"
                + JSON_WEIGHT
                + " = "
                + oneBody
                + "): raise it or lower maxBodyBytes");
      }
      return maxInFlightBytes;
    }

    /** Requests must carry one of these tokens ({@code Authorization: Bearer <token>}). */
    public Builder bearerTokens(BearerTokens v) {
      this.tokens = v;
      return this;
    }

    /** Serve HTTPS with the certificate and key in this PKCS12 or JKS key store. */
    public Builder tls(Path keyStore, String password) {
      this.keyStore = keyStore;
      this.keyStorePassword = password;
      return this;
    }

    /**
     * Require a client certificate signed by a certificate in this trust store (mutual TLS; only
     * with {@link #tls}).
     */
    public Builder clientCertificates(Path trustStore, String password) {
      this.clientTrustStore = trustStore;
      this.clientTrustStorePassword = password;
      return this;
    }

    /** Accept requests without a token: only for a receiver bound to a trusted, local network. */
    public Builder allowUnauthenticated() {
      this.unauthenticated = true;
      return this;
    }

    /**
     * Fails unless exactly one of {@link #bearerTokens} and {@link #allowUnauthenticated} is set.
     */
    public OtlpHttpReceiver build() {
      if (tokens == null && !unauthenticated) {
        throw new IllegalStateException(
            "the receiver needs bearer tokens (bearerTokens(...)), or allowUnauthenticated() to"
                + " accept anyone who can reach "
                + host
                + ":"
                + port);
      }
      if (clientTrustStore != null && keyStore == null) {
        throw new IllegalStateException("clientCertificates(...) needs tls(...)");
      }
      if (tokens != null && unauthenticated) {
        throw new IllegalStateException(
            "bearer tokens and allowUnauthenticated() exclude each other");
      }
      return new OtlpHttpReceiver(this);
    }
  }
}
