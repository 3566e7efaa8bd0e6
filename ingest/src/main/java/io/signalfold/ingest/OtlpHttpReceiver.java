package io.signalfold.ingest;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.signalfold.ingest.internal.OtlpJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import javax.annotation.Nullable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An OTLP/HTTP receiver (OpenTelemetry Protocol specification, "OTLP/HTTP") that writes what it
 * receives to Kafka in the layout of the OpenTelemetry Collector's Kafka exporter, so any
 * OpenTelemetry SDK can send to the pipeline. {@code POST /v1/metrics}, {@code /v1/logs} and {@code
 * /v1/traces} accept {@code application/x-protobuf} and {@code application/json}, optionally
 * gzip-compressed. Answers: 200 with an empty {@code Export*ServiceResponse} in the request's
 * encoding once Kafka acknowledged the record; 400 with a {@code google.rpc.Status} for a payload
 * that does not parse; 415 for another content type; 413 above the body limit; 503 (retryable) when
 * Kafka does not acknowledge in time; 404/405 for other paths and methods.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}; no state besides counters.
 */
public final class OtlpHttpReceiver implements AutoCloseable {

  /** The OTLP/HTTP default port. */
  public static final int DEFAULT_PORT = 4318;

  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final int INVALID_ARGUMENT = 3;
  private static final int UNAVAILABLE = 14;

  private final Builder config;

  /** Seconds a client is asked to wait before retrying a 503. */
  static final int RETRY_AFTER_SECONDS = 5;

  private final Producer<byte[], byte[]> producer;
  private final boolean ownsProducer;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  @Nullable private HttpServer server;
  @Nullable private ExecutorService executor;

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
    HttpServer s = HttpServer.create(new InetSocketAddress(config.host, config.port), 64);
    s.createContext("/v1/metrics", ex -> handle(ex, Signal.METRICS));
    s.createContext("/v1/logs", ex -> handle(ex, Signal.LOGS));
    s.createContext("/v1/traces", ex -> handle(ex, Signal.TRACES));
    s.createContext(
        "/",
        ex ->
            respond(
                ex, 404, "text/plain", utf8("not found: use /v1/metrics, /v1/logs or /v1/traces")));
    executor =
        Executors.newFixedThreadPool(
            config.threads,
            r -> {
              Thread t = new Thread(r, "otlp-http-receiver");
              t.setDaemon(true);
              return t;
            });
    s.setExecutor(executor);
    s.start();
    server = s;
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("receiver is not started");
    }
    return s.getAddress().getPort();
  }

  /** Base URL, e.g. {@code http://localhost:4318}. */
  public String endpoint() {
    return "http://" + config.host + ":" + port();
  }

  /** Requests written to Kafka. */
  public long acceptedRequests() {
    return accepted.get();
  }

  /** Requests answered with an error status. */
  public long rejectedRequests() {
    return rejected.get();
  }

  /** Stops serving (waiting briefly for requests in flight) and closes an owned producer. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(1);
      server = null;
    }
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
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

  private enum Signal {
    METRICS,
    LOGS,
    TRACES
  }

  private void handle(HttpExchange ex, Signal signal) throws IOException {
    try {
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "POST");
        respond(ex, 405, "text/plain", utf8("use POST"));
        rejected.incrementAndGet();
        return;
      }
      String contentType = mediaType(ex.getRequestHeaders().getFirst("Content-Type"));
      boolean json;
      if (PROTOBUF.equals(contentType)) {
        json = false;
      } else if (JSON.equals(contentType)) {
        json = true;
      } else {
        rejected.incrementAndGet();
        respond(
            ex,
            415,
            "text/plain",
            utf8(
                "unsupported content type '" + contentType + "': use " + PROTOBUF + " or " + JSON));
        return;
      }
      String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
      byte[] body;
      try (InputStream raw = ex.getRequestBody()) {
        InputStream in;
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
          in = raw;
        } else if (encoding.equalsIgnoreCase("gzip")) {
          in = new GZIPInputStream(raw);
        } else {
          rejected.incrementAndGet();
          error(ex, 415, json, INVALID_ARGUMENT, "unsupported Content-Encoding '" + encoding + "'");
          return;
        }
        body = readLimited(in, config.maxBodyBytes);
      } catch (IOException e) {
        rejected.incrementAndGet();
        error(ex, 400, json, INVALID_ARGUMENT, "cannot read the body: " + e.getMessage());
        return;
      }
      if (body == null) {
        rejected.incrementAndGet();
        error(ex, 413, json, INVALID_ARGUMENT, "body exceeds " + config.maxBodyBytes + " bytes");
        return;
      }
      Message request;
      try {
        request = parse(signal, body, json);
      } catch (InvalidProtocolBufferException | OtlpJson.OtlpJsonException e) {
        rejected.incrementAndGet();
        error(ex, 400, json, INVALID_ARGUMENT, e.getMessage());
        return;
      }
      String topic = topic(signal);
      TelemetryEncoding topicEncoding =
          config.encodings.getOrDefault(topic, config.defaultEncoding);
      byte[] value =
          topicEncoding == TelemetryEncoding.OTLP_JSON
              ? OtlpJson.print(request)
              : (!json ? body : request.toByteArray());
      if (hasData(signal, request)) {
        try {
          producer
              .send(new ProducerRecord<>(topic, value))
              .get(config.sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          rejected.incrementAndGet();
          unavailable(ex, json, "interrupted while writing to Kafka");
          return;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
          rejected.incrementAndGet();
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          if (cause instanceof RecordTooLargeException) {
            // Retrying the same body can never succeed: 413 is not retryable in OTLP/HTTP.
            error(
                ex,
                413,
                json,
                INVALID_ARGUMENT,
                "the request is larger than topic "
                    + topic
                    + " accepts ("
                    + cause.getMessage()
                    + "): send smaller batches");
          } else {
            unavailable(ex, json, "Kafka did not acknowledge: " + cause);
          }
          return;
        }
      }
      accepted.incrementAndGet();
      // An empty Export*ServiceResponse: zero bytes in protobuf, {} in JSON.
      respond(ex, 200, json ? JSON : PROTOBUF, json ? utf8("{}") : new byte[0]);
    } catch (RuntimeException e) {
      rejected.incrementAndGet();
      respond(ex, 500, "text/plain", utf8("internal error: " + e));
    } finally {
      ex.close();
    }
  }

  private static boolean hasData(Signal signal, Message request) {
    switch (signal) {
      case METRICS:
        return ((ExportMetricsServiceRequest) request).getResourceMetricsCount() > 0;
      case LOGS:
        return ((ExportLogsServiceRequest) request).getResourceLogsCount() > 0;
      default:
        return ((ExportTraceServiceRequest) request).getResourceSpansCount() > 0;
    }
  }

  private static Message parse(Signal signal, byte[] body, boolean json)
      throws InvalidProtocolBufferException, OtlpJson.OtlpJsonException {
    Message.Builder b;
    switch (signal) {
      case METRICS:
        b = ExportMetricsServiceRequest.newBuilder();
        break;
      case LOGS:
        b = ExportLogsServiceRequest.newBuilder();
        break;
      default:
        b = ExportTraceServiceRequest.newBuilder();
        break;
    }
    if (json) {
      OtlpJson.merge(body, b);
    } else {
      b.mergeFrom(body);
    }
    return b.build();
  }

  private String topic(Signal signal) {
    switch (signal) {
      case METRICS:
        return config.metricsTopic;
      case LOGS:
        return config.logsTopic;
      default:
        return config.tracesTopic;
    }
  }

  /** 503 with Retry-After, as OTLP/HTTP asks of a server that is temporarily unable to accept. */
  private static void unavailable(HttpExchange ex, boolean json, String message)
      throws IOException {
    ex.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    error(ex, 503, json, UNAVAILABLE, message);
  }

  private static void error(HttpExchange ex, int http, boolean json, int code, String message)
      throws IOException {
    if (json) {
      // google.rpc.Status in JSON.
      String text =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .writeValueAsString(java.util.Map.of("code", code, "message", message));
      respond(ex, http, JSON, utf8(text));
    } else {
      respond(ex, http, PROTOBUF, status(code, message));
    }
  }

  /** A google.rpc.Status message: code (field 1, int32) and message (field 2, string). */
  static byte[] status(int code, String message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt32(1, code);
    out.writeString(2, message);
    out.flush();
    return bytes.toByteArray();
  }

  private static void respond(HttpExchange ex, int status, String contentType, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(body);
      }
    }
  }

  /** Reads at most max bytes; null when the stream is longer. */
  private static byte[] readLimited(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[8192];
    int total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > max) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static String mediaType(@Nullable String header) {
    if (header == null) {
      return "";
    }
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
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
    private int threads = 4;

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

    public Builder threads(int v) {
      this.threads = v;
      return this;
    }

    public OtlpHttpReceiver build() {
      return new OtlpHttpReceiver(this);
    }
  }
}
