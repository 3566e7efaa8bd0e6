package io.signalfold.ingest.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.SpanKind;
import java.util.List;
import java.util.Locale;

/**
 * Decodes one {@code ExportTraceServiceRequest} into {@link SpanRecord}s: operation, kind, timing,
 * error status (span status, or HTTP 5xx on servers and 4xx/5xx on clients), the peer a client span
 * calls (peer.service, db.system.name / db.system, messaging.system, rpc.system, server.address),
 * span events, the sampling adjusted count from tracestate, and the impact attributes of failing
 * spans. Older semantic-convention keys are accepted where they were renamed.
 */
public final class SpanDecoder {

  private static final int MAX_MESSAGE_CHARS = 200;

  private final ResourceDecoder resources;
  private final TimestampCheck timestamps;
  private final List<String> impactAttributes;

  public SpanDecoder(IngestConfig config) {
    this.resources = new ResourceDecoder(config);
    this.timestamps = new TimestampCheck(config);
    this.impactAttributes = config.impactAttributes();
  }

  public void decode(
      byte[] value,
      TelemetryEncoding encoding,
      long kafkaTimestampMs,
      DecodeSink<SpanRecord> sink) {
    ExportTraceServiceRequest request = parse(value, encoding, sink);
    if (request != null) {
      decode(request, kafkaTimestampMs, sink);
    }
  }

  static ExportTraceServiceRequest parse(
      byte[] value, TelemetryEncoding encoding, DecodeSink<?> sink) {
    if (encoding == TelemetryEncoding.OTLP_PROTO) {
      if (PayloadSniffer.looksLikeJson(value)) {
        sink.reject(
            DeadLetterReason.WRONG_ENCODING,
            "message starts with '{': JSON on an otlp_proto topic",
            value);
        return null;
      }
      try {
        return ExportTraceServiceRequest.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        sink.reject(
            DeadLetterReason.MALFORMED_PROTOBUF,
            "not an ExportTraceServiceRequest: " + e.getMessage(),
            value);
        return null;
      }
    }
    if (!PayloadSniffer.looksLikeJson(value)) {
      sink.reject(
          DeadLetterReason.WRONG_ENCODING,
          "message does not start with '{' (byte 0 = 0x"
              + PayloadSniffer.firstByteHex(value)
              + "): binary data on an otlp_json topic",
          value);
      return null;
    }
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    try {
      OtlpJson.merge(value, b);
    } catch (OtlpJson.OtlpJsonException e) {
      sink.reject(DeadLetterReason.MALFORMED_JSON, e.getMessage(), value);
      return null;
    }
    return b.build();
  }

  public void decode(
      ExportTraceServiceRequest request, long kafkaTimestampMs, DecodeSink<SpanRecord> sink) {
    List<ResourceSpans> rss = request.getResourceSpansList();
    for (int r = 0; r < rss.size(); r++) {
      ResourceSpans rs = rss.get(r);
      String tooBig = resources.oversized(rs.getResource().getAttributesList());
      if (tooBig != null) {
        sink.reject(
            DeadLetterReason.OVERSIZED_ATTRIBUTES,
            "resourceSpans[" + r + "].resource " + tooBig,
            rs.toByteArray());
        continue;
      }
      ResourceDecoder.Decoded res = resources.decode(rs.getResource());
      long maxTime = Long.MIN_VALUE;
      List<ScopeSpans> sss = rs.getScopeSpansList();
      for (int s = 0; s < sss.size(); s++) {
        List<Span> spans = sss.get(s).getSpansList();
        for (int i = 0; i < spans.size(); i++) {
          SpanRecord rec = span(spans.get(i), res, kafkaTimestampMs, r, s, i, sink);
          if (rec != null) {
            maxTime = Math.max(maxTime, rec.startMs);
            sink.emit(rec);
          }
        }
      }
      if (maxTime != Long.MIN_VALUE) {
        sink.sighting(res.context, maxTime);
      }
    }
  }

  private SpanRecord span(
      Span span,
      ResourceDecoder.Decoded res,
      long kafkaTs,
      int r,
      int s,
      int i,
      DecodeSink<SpanRecord> sink) {
    if (span.getTraceId().size() != 16 || span.getSpanId().size() != 8) {
      String where = where(r, s, i);
      sink.reject(
          DeadLetterReason.MISSING_FIELD,
          where
              + " traceId/spanId must be 16/8 bytes, got "
              + span.getTraceId().size()
              + "/"
              + span.getSpanId().size(),
          span.toByteArray());
      return null;
    }
    if (allZero(span.getTraceId()) || allZero(span.getSpanId())) {
      // The OTLP and W3C trace-context specifications: an all-zero id is invalid.
      sink.reject(
          DeadLetterReason.MISSING_FIELD,
          where(r, s, i)
              + " traceId/spanId is all zero, which the OTLP specification makes invalid",
          span.toByteArray());
      return null;
    }
    long startMs = TimestampCheck.nanosToMillis(span.getStartTimeUnixNano());
    String bad = timestamps.problem(startMs, kafkaTs);
    if (bad != null) {
      bad = where(r, s, i) + ".startTimeUnixNano " + bad;
    } else if (span.getEndTimeUnixNano() < span.getStartTimeUnixNano()) {
      bad =
          where(r, s, i)
              + ".endTimeUnixNano "
              + span.getEndTimeUnixNano()
              + " is before startTimeUnixNano "
              + span.getStartTimeUnixNano();
    }
    if (bad != null) {
      sink.reject(DeadLetterReason.ABSURD_TIMESTAMP, bad, span.toByteArray());
      return null;
    }
    List<KeyValue> attrs = span.getAttributesList();
    String tooBig = resources.oversized(attrs);
    if (tooBig != null) {
      sink.reject(
          DeadLetterReason.OVERSIZED_ATTRIBUTES, where(r, s, i) + " " + tooBig, span.toByteArray());
      return null;
    }

    SpanRecord rec = new SpanRecord();
    rec.traceId = Hex.encode(span.getTraceId());
    rec.spanId = Hex.encode(span.getSpanId());
    rec.parentSpanId = Hex.encode(span.getParentSpanId());
    rec.service = res.service;
    rec.resource = res.context;
    rec.kind = kind(span.getKind());
    rec.startMs = startMs;
    rec.durationMs = (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6;
    rec.weight = SamplingThreshold.adjustedCount(span.getTraceState());

    // One pass over the attributes for everything the pipeline reads.
    String route = null;
    String method = null;
    long httpStatus = -1;
    String grpcStatus = null;
    String peerService = null;
    String serverAddress = null;
    String dbSystem = null;
    String msgSystem = null;
    String msgDestination = null;
    String rpcSystem = null;
    String rpcService = null;
    for (int a = 0, n = attrs.size(); a < n; a++) {
      KeyValue kv = attrs.get(a);
      AnyValue v = kv.getValue();
      switch (kv.getKey()) {
        case "http.route":
          route = v.getStringValue();
          break;
        case "http.request.method":
        case "http.method":
          method = v.getStringValue();
          break;
        case "http.response.status_code":
        case "http.status_code":
          httpStatus = AttributeValues.toLong(v, -1);
          break;
        case "rpc.grpc.status_code":
          grpcStatus = AttributeValues.toText(v);
          break;
        case "peer.service":
          peerService = v.getStringValue();
          break;
        case "server.address":
        case "net.peer.name":
          if (serverAddress == null || kv.getKey().equals("server.address")) {
            serverAddress = v.getStringValue();
          }
          break;
        case "db.system.name":
          dbSystem = v.getStringValue();
          break;
        case "db.system":
          if (dbSystem == null) {
            dbSystem = v.getStringValue();
          }
          break;
        case "messaging.system":
          msgSystem = v.getStringValue();
          break;
        case "messaging.destination.name":
        case "messaging.destination":
          msgDestination = v.getStringValue();
          break;
        case "rpc.system":
          rpcSystem = v.getStringValue();
          break;
        case "rpc.service":
          rpcService = v.getStringValue();
          break;
        default:
          break;
      }
    }
    rec.operation = operation(span.getName(), rec.kind, route, method);

    boolean client = rec.kind == SpanKind.CLIENT || rec.kind == SpanKind.PRODUCER;
    Status.StatusCode code = span.getStatus().getCode();
    boolean error = code == Status.StatusCode.STATUS_CODE_ERROR;
    if (!error && httpStatus >= 0) {
      error = client ? httpStatus >= 400 : httpStatus >= 500;
    }
    rec.error = error;
    if (httpStatus >= 100 && httpStatus < 600) {
      rec.statusClass = (httpStatus / 100) + "xx";
    } else if (grpcStatus != null) {
      rec.statusClass = "grpc_" + grpcStatus;
    } else {
      rec.statusClass =
          code == Status.StatusCode.STATUS_CODE_ERROR
              ? "error"
              : code == Status.StatusCode.STATUS_CODE_OK ? "ok" : "unset";
    }

    int ne = span.getEventsCount();
    String exceptionType = null;
    String[] events = new String[ne];
    for (int e = 0; e < ne; e++) {
      Span.Event ev = span.getEvents(e);
      events[e] = ev.getName();
      if (exceptionType == null && "exception".equals(ev.getName())) {
        AnyValue t = ResourceDecoder.find(ev.getAttributesList(), "exception.type");
        AnyValue m = ResourceDecoder.find(ev.getAttributesList(), "exception.message");
        if (t != null) {
          exceptionType = t.getStringValue();
        } else if (m != null) {
          exceptionType = m.getStringValue();
        }
      }
    }
    rec.eventNames = events;
    if (error) {
      String msg = span.getStatus().getMessage();
      if (msg.isEmpty()) {
        msg =
            exceptionType != null ? exceptionType : httpStatus > 0 ? "HTTP " + httpStatus : "error";
      }
      rec.errorMessage =
          msg.length() > MAX_MESSAGE_CHARS ? msg.substring(0, MAX_MESSAGE_CHARS) : msg;
      int ni = impactAttributes.size();
      if (ni > 0) {
        String[] impact = new String[ni];
        for (int k = 0; k < ni; k++) {
          AnyValue v = ResourceDecoder.find(attrs, impactAttributes.get(k));
          impact[k] = v == null ? null : AttributeValues.toText(v);
        }
        rec.impactValues = impact;
      }
    }

    if (client) {
      if (dbSystem != null) {
        rec.peerKind = dependencyKindOfDb(dbSystem);
        rec.peerSystem = dbSystem;
      } else if (msgSystem != null) {
        rec.peerKind = DependencyKind.MESSAGING;
        rec.peerSystem = msgSystem;
      } else if (rpcSystem != null) {
        rec.peerKind = DependencyKind.RPC;
        rec.peerSystem = rpcSystem;
      } else if (method != null || httpStatus >= 0) {
        rec.peerKind = DependencyKind.HTTP;
        rec.peerSystem = "http";
      } else {
        rec.peerKind = DependencyKind.OTHER;
      }
      String peer = peerService;
      if (peer == null && msgSystem != null) {
        peer = msgDestination;
      }
      if (peer == null) {
        peer = serverAddress;
      }
      if (peer == null) {
        peer = dbSystem != null ? dbSystem : msgSystem != null ? msgSystem : rpcService;
      }
      rec.peer = peer;
      rec.external = dbSystem != null || msgSystem != null || rec.kind == SpanKind.PRODUCER;
    }
    return rec;
  }

  private static String where(int r, int s, int i) {
    return "resourceSpans[" + r + "].scopeSpans[" + s + "].spans[" + i + "]";
  }

  static String operation(String name, SpanKind kind, String route, String method) {
    if (kind == SpanKind.SERVER && route != null && !route.isEmpty() && !name.contains(route)) {
      return method != null && !method.isEmpty() ? method + " " + route : route;
    }
    return name.isEmpty() ? "(unnamed)" : name;
  }

  /** DependencyKind of a db.system value (semantic conventions' well-known names). */
  public static DependencyKind dependencyKindOfDb(String dbSystem) {
    switch (dbSystem.toLowerCase(Locale.ROOT)) {
      case "redis":
      case "memcached":
      case "hazelcast":
      case "geode":
      case "coherence":
      case "valkey":
        return DependencyKind.CACHE;
      default:
        return DependencyKind.DATABASE;
    }
  }

  static SpanKind kind(Span.SpanKind k) {
    switch (k) {
      case SPAN_KIND_SERVER:
        return SpanKind.SERVER;
      case SPAN_KIND_CLIENT:
        return SpanKind.CLIENT;
      case SPAN_KIND_PRODUCER:
        return SpanKind.PRODUCER;
      case SPAN_KIND_CONSUMER:
        return SpanKind.CONSUMER;
      case SPAN_KIND_INTERNAL:
        return SpanKind.INTERNAL;
      default:
        return SpanKind.UNSPECIFIED;
    }
  }

  private static boolean allZero(ByteString id) {
    for (int k = 0; k < id.size(); k++) {
      if (id.byteAt(k) != 0) {
        return false;
      }
    }
    return true;
  }
}
