package io.signalfold.ingest.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.signalfold.ingest.TelemetryEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import javax.annotation.Nullable;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * One OTLP export request, whatever server received it: content type and encoding checked, the body
 * read within the size limit, the request time and the in-flight memory budget, decoded, and
 * written to the signal's Kafka topic. The answers are those of the OTLP/HTTP specification (see
 * {@link io.signalfold.ingest.OtlpHttpReceiver}). Thread-safe.
 */
public final class OtlpExport {

  /** Seconds a client is asked to wait before retrying a 429 or 503. */
  public static final int RETRY_AFTER_SECONDS = 5;

  /**
   * Heap a body costs while it is parsed, per byte: the bytes, the parsed message and, for JSON,
   * two parse trees (Jackson's, then protobuf's JsonFormat). Measured peaks: a 13.5 MB JSON trace
   * request 341 MB (25x), its 5.6 MB protobuf form 43 MB (7.7x).
   */
  public static final int PROTOBUF_WEIGHT = 8;

  public static final int JSON_WEIGHT = 24;

  private static final String PROTOBUF = "application/x-protobuf";
  private static final String JSON = "application/json";
  private static final int INVALID_ARGUMENT = 3;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final int UNAVAILABLE = 14;
  private static final int CHUNK = 64 * 1024;

  private final Producer<byte[], byte[]> producer;
  private final Map<Signal, String> topics;
  private final Map<String, TelemetryEncoding> encodings;
  private final TelemetryEncoding defaultEncoding;
  private final int maxBodyBytes;
  private final Duration maxRequestTime;
  private final Duration sendTimeout;
  private final InFlightBudget budget;
  private final AtomicLong accepted = new AtomicLong();

  public OtlpExport(
      Producer<byte[], byte[]> producer,
      Map<Signal, String> topics,
      Map<String, TelemetryEncoding> encodings,
      TelemetryEncoding defaultEncoding,
      int maxBodyBytes,
      Duration maxRequestTime,
      Duration sendTimeout,
      InFlightBudget budget) {
    this.producer = producer;
    this.topics = new EnumMap<>(topics);
    this.encodings = Map.copyOf(encodings);
    this.defaultEncoding = defaultEncoding;
    this.maxBodyBytes = maxBodyBytes;
    this.maxRequestTime = maxRequestTime;
    this.sendTimeout = sendTimeout;
    this.budget = budget;
  }

  /** Requests written to Kafka. */
  public long accepted() {
    return accepted.get();
  }

  /** Weighted bytes held by requests in flight. */
  public long inFlightBytes() {
    return budget.used();
  }

  /** The three OTLP signals. */
  public enum Signal {
    METRICS,
    LOGS,
    TRACES
  }

  /** An answer: status, body in a content type, and whether to ask for a retry later. */
  public record Reply(int status, String contentType, byte[] body, boolean retryAfter) {

    public static Reply of(int status, String contentType, byte[] body) {
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

  /** One export request: check, read within the limits, decode, write to Kafka. */
  public Reply export(
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
    if (!gzip && contentLength > maxBodyBytes) {
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
                  "the body did not arrive within " + maxRequestTime.toSeconds() + " s");
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
    return Reply.error(413, json, INVALID_ARGUMENT, "body exceeds " + maxBodyBytes + " bytes");
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
    long deadline = System.nanoTime() + maxRequestTime.toNanos();
    ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
    byte[] buf = new byte[CHUNK];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > maxBodyBytes) {
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
    TelemetryEncoding topicEncoding = encodings.getOrDefault(topic, defaultEncoding);
    byte[] value =
        topicEncoding == TelemetryEncoding.OTLP_JSON
            ? OtlpJson.print(request)
            : (!json ? body : request.toByteArray());
    if (hasData(signal, request)) {
      try {
        producer
            .send(new ProducerRecord<>(topic, value))
            .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
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
    return topics.get(signal);
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

  public static byte[] status(int code, String message) {
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
}
