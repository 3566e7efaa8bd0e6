package io.signalfold.ingest;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.signalfold.ingest.internal.InFlightBudget;
import io.signalfold.ingest.internal.OtlpJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.annotation.Nullable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
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
 * 404/405 for other paths and methods.
 *
 * <p>Served by Jetty: a bounded thread pool, an idle time-out per connection and a total time per
 * request, so slow or stalled clients cannot hold every thread; no state besides counters.
 */
public final class OtlpHttpReceiver implements AutoCloseable {

  /** The OTLP/HTTP default port. */
  public static final int DEFAULT_PORT = 4318;

  /** Seconds a client is asked to wait before retrying a 429 or 503. */
  static final int RETRY_AFTER_SECONDS = 5;

  /**
   * Memory a body costs while it is parsed, per byte: the bytes, the parsed message and, for JSON,
   * two parse trees (Jackson's, then protobuf's JsonFormat).
   */
  static final int PROTOBUF_WEIGHT = 4;

  static final int JSON_WEIGHT = 16;

  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final int INVALID_ARGUMENT = 3;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int UNAVAILABLE = 14;
  private static final int CHUNK = 64 * 1024;

  private final Builder config;
  private final Producer<byte[], byte[]> producer;
  private final boolean ownsProducer;
  private final InFlightBudget budget;
  private final AtomicLong accepted = new AtomicLong();
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
    this.budget = new InFlightBudget(b.maxInFlightBytes());
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
    ServerConnector connector = new ServerConnector(s, 1, 1, new HttpConnectionFactory(http));
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

  /** Weighted bytes held by requests in flight (0 when idle). */
  public long inFlightBytes() {
    return budget.used();
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

  private enum Signal {
    METRICS,
    LOGS,
    TRACES
  }

  /** An answer: status, body in a content type, and whether to ask for a retry later. */
  private record Reply(int status, String contentType, byte[] body, boolean retryAfter) {

    static Reply of(int status, String contentType, byte[] body) {
      return new Reply(status, contentType, body, false);
    }

    /** A google.rpc.Status in the request's encoding. */
    static Reply error(int status, boolean json, int code, String message) {
      return new Reply(status, json ? JSON : PROTOBUF, statusBytes(json, code, message), false);
    }

    Reply retryLater() {
      return new Reply(status, contentType, body, true);
    }
  }

  /** Why reading a body stopped early. */
  private enum BodyProblem {
    TOO_LARGE,
    OVER_BUDGET,
    TOO_SLOW
  }

  private static final class BodyException extends Exception {
    private static final long serialVersionUID = 1L;
    final BodyProblem problem;

    BodyException(BodyProblem problem) {
      super(problem.name(), null, false, false);
      this.problem = problem;
    }
  }

  /** Jetty's view of a request, mapped onto {@link #export}. */
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
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
      if (reply.retryAfter()) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
      }
      response.write(true, ByteBuffer.wrap(reply.body()), callback);
      return true;
    }

    private Reply route(Request request) {
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
      return export(
          signal,
          request.getHeaders().get(HttpHeader.CONTENT_TYPE),
          request.getHeaders().get(HttpHeader.CONTENT_ENCODING),
          request.getLength(),
          Content.Source.asInputStream(request));
    }
  }

  /** One export request, independent of the HTTP server: decode, check, write to Kafka. */
  private Reply export(
      Signal signal,
      @Nullable String contentTypeHeader,
      @Nullable String encoding,
      long contentLength,
      InputStream raw) {
    String contentType = mediaType(contentTypeHeader);
    boolean json;
    if (PROTOBUF.equals(contentType)) {
      json = false;
    } else if (JSON.equals(contentType)) {
      json = true;
    } else {
      return Reply.of(
          415,
          "text/plain",
          utf8("unsupported content type '" + contentType + "': use " + PROTOBUF + " or " + JSON));
    }
    boolean gzip;
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      gzip = false;
    } else if (encoding.equalsIgnoreCase("gzip")) {
      gzip = true;
    } else {
      return Reply.error(
          415, json, INVALID_ARGUMENT, "unsupported Content-Encoding '" + encoding + "'");
    }
    if (!gzip && contentLength > config.maxBodyBytes) {
      return tooLarge(json);
    }
    long weight = json ? JSON_WEIGHT : PROTOBUF_WEIGHT;
    long[] reserved = {0};
    try {
      if (!gzip && contentLength > 0) {
        if (!budget.tryReserve(contentLength * weight)) {
          return overBudget(json);
        }
        reserved[0] = contentLength * weight;
      }
      byte[] body;
      try (InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
        body = readBody(in, weight, reserved);
      } catch (BodyException e) {
        return switch (e.problem) {
          case TOO_LARGE -> tooLarge(json);
          case OVER_BUDGET -> overBudget(json);
          case TOO_SLOW ->
              Reply.error(
                  408,
                  json,
                  INVALID_ARGUMENT,
                  "the body did not arrive within " + config.maxRequestTime.toSeconds() + " s");
        };
      } catch (ZipException e) {
        return Reply.error(400, json, INVALID_ARGUMENT, "not valid gzip: " + e.getMessage());
      } catch (IOException e) {
        // The connection failed or stalled past the idle time-out: the body is incomplete.
        return Reply.error(408, json, INVALID_ARGUMENT, "cannot read the body: " + e);
      }
      return write(signal, body, json);
    } finally {
      budget.release(reserved[0]);
    }
  }

  private Reply tooLarge(boolean json) {
    return Reply.error(
        413, json, INVALID_ARGUMENT, "body exceeds " + config.maxBodyBytes + " bytes");
  }

  private static Reply overBudget(boolean json) {
    return Reply.error(
            429,
            json,
            RESOURCE_EXHAUSTED,
            "requests in flight hold the receiver's memory budget: retry later")
        .retryLater();
  }

  /**
   * Reads the whole body, reserving its weighted size as it grows, within the body limit and the
   * request time (checked between reads; each read waits at most the idle time-out).
   */
  private byte[] readBody(InputStream in, long weight, long[] reserved)
      throws IOException, BodyException {
    long deadline = System.nanoTime() + config.maxRequestTime.toNanos();
    ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
    byte[] buf = new byte[CHUNK];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > config.maxBodyBytes) {
        throw new BodyException(BodyProblem.TOO_LARGE);
      }
      long need = total * weight;
      if (need > reserved[0]) {
        long more = Math.max(need - reserved[0], (long) CHUNK * weight);
        if (!budget.tryReserve(more)) {
          throw new BodyException(BodyProblem.OVER_BUDGET);
        }
        reserved[0] += more;
      }
      out.write(buf, 0, n);
      if (System.nanoTime() - deadline > 0) {
        throw new BodyException(BodyProblem.TOO_SLOW);
      }
    }
    return out.toByteArray();
  }

  /** Parses the body and writes it to the signal's topic; 200 once Kafka acknowledged it. */
  private Reply write(Signal signal, byte[] body, boolean json) {
    Message request;
    try {
      request = parse(signal, body, json);
    } catch (InvalidProtocolBufferException | OtlpJson.OtlpJsonException e) {
      return Reply.error(400, json, INVALID_ARGUMENT, e.getMessage());
    }
    String topic = topic(signal);
    TelemetryEncoding topicEncoding = config.encodings.getOrDefault(topic, config.defaultEncoding);
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
        return unavailable(json, "interrupted while writing to Kafka");
      } catch (ExecutionException | TimeoutException | KafkaException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (cause instanceof RecordTooLargeException) {
          // Retrying the same body can never succeed: 413 is not retryable in OTLP/HTTP.
          return Reply.error(
              413,
              json,
              INVALID_ARGUMENT,
              "the request is larger than topic "
                  + topic
                  + " accepts ("
                  + cause.getMessage()
                  + "): send smaller batches");
        }
        return unavailable(json, "Kafka did not acknowledge: " + cause);
      }
    }
    accepted.incrementAndGet();
    // An empty Export*ServiceResponse: zero bytes in protobuf, {} in JSON.
    return Reply.of(200, json ? JSON : PROTOBUF, json ? utf8("{}") : new byte[0]);
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
  private static Reply unavailable(boolean json, String message) {
    return Reply.error(503, json, UNAVAILABLE, message).retryLater();
  }

  /** A google.rpc.Status: JSON, or protobuf (code: field 1, int32; message: field 2, string). */
  private static byte[] statusBytes(boolean json, int code, String message) {
    if (json) {
      try {
        return new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsBytes(java.util.Map.of("code", code, "message", message));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return status(code, message);
  }

  static byte[] status(int code, String message) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
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
    private int threads = 32;
    private Duration idleTimeout = Duration.ofSeconds(10);
    private Duration maxRequestTime = Duration.ofSeconds(30);
    private long maxInFlightBytes = -1;

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
     * Memory the requests in flight may hold, in bytes weighted by parse cost (x4 protobuf, x16
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

    public OtlpHttpReceiver build() {
      return new OtlpHttpReceiver(this);
    }
  }
}
