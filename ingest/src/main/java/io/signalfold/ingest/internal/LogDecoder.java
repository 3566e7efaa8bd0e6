package io.signalfold.ingest.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.Severity;
import java.util.List;
import java.util.Locale;

/**
 * Decodes one {@code ExportLogsServiceRequest} into {@link LogEvent}s. Severity comes from
 * severity_number (OpenTelemetry ranges), else from severity_text; the event time is
 * time_unix_nano, else observed_time_unix_nano (the log data model allows either to be unset).
 */
public final class LogDecoder {

  /** Bodies longer than this are cut (a stack trace keeps its first lines). */
  static final int MAX_BODY_CHARS = 8192;

  private final ResourceDecoder resources;
  private final TimestampCheck timestamps;

  public LogDecoder(IngestConfig config) {
    this.resources = new ResourceDecoder(config);
    this.timestamps = new TimestampCheck(config);
  }

  public void decode(
      byte[] value, TelemetryEncoding encoding, long kafkaTimestampMs, DecodeSink<LogEvent> sink) {
    ExportLogsServiceRequest request = parse(value, encoding, sink);
    if (request != null) {
      decode(request, kafkaTimestampMs, sink);
    }
  }

  static ExportLogsServiceRequest parse(
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
        return ExportLogsServiceRequest.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        sink.reject(
            DeadLetterReason.MALFORMED_PROTOBUF,
            "not an ExportLogsServiceRequest: " + e.getMessage(),
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
    ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
    try {
      OtlpJson.merge(value, b);
    } catch (OtlpJson.OtlpJsonException e) {
      sink.reject(DeadLetterReason.MALFORMED_JSON, e.getMessage(), value);
      return null;
    }
    return b.build();
  }

  public void decode(
      ExportLogsServiceRequest request, long kafkaTimestampMs, DecodeSink<LogEvent> sink) {
    List<ResourceLogs> rls = request.getResourceLogsList();
    for (int r = 0; r < rls.size(); r++) {
      ResourceLogs rl = rls.get(r);
      String tooBig = resources.oversized(rl.getResource().getAttributesList());
      if (tooBig != null) {
        sink.reject(
            DeadLetterReason.OVERSIZED_ATTRIBUTES,
            "resourceLogs[" + r + "].resource " + tooBig,
            rl.toByteArray());
        continue;
      }
      ResourceDecoder.Decoded res = resources.decode(rl.getResource());
      long maxTime = Long.MIN_VALUE;
      List<ScopeLogs> sls = rl.getScopeLogsList();
      for (int s = 0; s < sls.size(); s++) {
        List<LogRecord> records = sls.get(s).getLogRecordsList();
        for (int i = 0; i < records.size(); i++) {
          LogRecord lr = records.get(i);
          long nanos =
              lr.getTimeUnixNano() != 0 ? lr.getTimeUnixNano() : lr.getObservedTimeUnixNano();
          long timeMs = TimestampCheck.nanosToMillis(nanos);
          String bad = timestamps.problem(timeMs, kafkaTimestampMs);
          if (bad != null) {
            sink.reject(
                DeadLetterReason.ABSURD_TIMESTAMP,
                where(r, s, i) + ".timeUnixNano " + bad,
                lr.toByteArray());
            continue;
          }
          String big = resources.oversized(lr.getAttributesList());
          if (big != null) {
            sink.reject(
                DeadLetterReason.OVERSIZED_ATTRIBUTES,
                where(r, s, i) + " " + big,
                lr.toByteArray());
            continue;
          }
          LogEvent ev = new LogEvent();
          ev.service = res.service;
          ev.resource = res.context;
          ev.severity = severity(lr.getSeverityNumberValue(), lr.getSeverityText());
          String body = AttributeValues.toText(lr.getBody());
          ev.body = body.length() > MAX_BODY_CHARS ? body.substring(0, MAX_BODY_CHARS) : body;
          ev.traceId = Hex.encode(lr.getTraceId());
          ev.timeMs = timeMs;
          maxTime = Math.max(maxTime, timeMs);
          sink.emit(ev);
        }
      }
      if (maxTime != Long.MIN_VALUE) {
        sink.sighting(res.context, maxTime);
      }
    }
  }

  private static String where(int r, int s, int i) {
    return "resourceLogs[" + r + "].scopeLogs[" + s + "].logRecords[" + i + "]";
  }

  /** OpenTelemetry severity ranges; severity_text when the number is unset. */
  public static Severity severity(int number, String text) {
    if (number >= 1 && number <= 24) {
      switch ((number - 1) / 4) {
        case 0:
          return Severity.TRACE;
        case 1:
          return Severity.DEBUG;
        case 2:
          return Severity.INFO;
        case 3:
          return Severity.WARN;
        case 4:
          return Severity.ERROR;
        default:
          return Severity.FATAL;
      }
    }
    if (text == null || text.isEmpty()) {
      return Severity.UNSPECIFIED;
    }
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.startsWith("TRACE") || t.equals("FINEST") || t.equals("FINER")) {
      return Severity.TRACE;
    }
    if (t.startsWith("DEBUG") || t.equals("FINE")) {
      return Severity.DEBUG;
    }
    if (t.startsWith("INFO") || t.equals("NOTICE") || t.equals("CONFIG")) {
      return Severity.INFO;
    }
    if (t.startsWith("WARN")) {
      return Severity.WARN;
    }
    if (t.startsWith("ERR") || t.equals("SEVERE")) {
      return Severity.ERROR;
    }
    if (t.startsWith("FATAL")
        || t.startsWith("CRIT")
        || t.equals("EMERGENCY")
        || t.equals("ALERT")) {
      return Severity.FATAL;
    }
    return Severity.UNSPECIFIED;
  }
}
