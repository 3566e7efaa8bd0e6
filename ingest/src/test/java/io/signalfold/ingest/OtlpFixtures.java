package io.signalfold.ingest;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Hand-built OTLP requests for tests (the SDK-produced ones are in OtlpSdkReceiverITCase). */
public final class OtlpFixtures {

  /** 2026-03-02T00:00:00Z, the example scenarios' start. */
  public static final long T0_MS = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();

  private OtlpFixtures() {}

  public static long nanos(long ms) {
    return ms * 1_000_000L;
  }

  public static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  public static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  public static Resource resource(String service, String instance, String version) {
    Resource.Builder r =
        Resource.newBuilder()
            .addAttributes(attr("service.name", service))
            .addAttributes(attr("host.name", instance))
            .addAttributes(attr("cloud.availability_zone", "az-1"))
            .addAttributes(attr("cell", "cell-1"));
    if (version != null) {
      r.addAttributes(attr("service.version", version));
    }
    return r.build();
  }

  public static NumberDataPoint point(long timeMs, long startMs, double value, KeyValue... attrs) {
    NumberDataPoint.Builder p =
        NumberDataPoint.newBuilder().setTimeUnixNano(nanos(timeMs)).setAsDouble(value);
    if (startMs > 0) {
      p.setStartTimeUnixNano(nanos(startMs));
    }
    for (KeyValue a : attrs) {
      p.addAttributes(a);
    }
    return p.build();
  }

  public static Metric gauge(String name, NumberDataPoint... points) {
    Gauge.Builder g = Gauge.newBuilder();
    for (NumberDataPoint p : points) {
      g.addDataPoints(p);
    }
    return Metric.newBuilder().setName(name).setUnit("1").setGauge(g).build();
  }

  public static Metric cumulativeSum(String name, NumberDataPoint... points) {
    Sum.Builder s =
        Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (NumberDataPoint p : points) {
      s.addDataPoints(p);
    }
    return Metric.newBuilder().setName(name).setSum(s).build();
  }

  public static Metric deltaHistogram(String name, long timeMs, long startMs, long... counts) {
    HistogramDataPoint.Builder p =
        HistogramDataPoint.newBuilder()
            .setTimeUnixNano(nanos(timeMs))
            .setStartTimeUnixNano(nanos(startMs))
            .addAllExplicitBounds(List.of(0.1, 0.5))
            .setSum(1.5)
            .addAttributes(attr("http.route", "/bots"))
            .addAttributes(attr("user.agent", "curl"));
    long total = 0;
    for (long c : counts) {
      p.addBucketCounts(c);
      total += c;
    }
    p.setCount(total);
    return Metric.newBuilder()
        .setName(name)
        .setUnit("s")
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                .addDataPoints(p))
        .build();
  }

  public static ExportMetricsServiceRequest metrics(Resource resource, Metric... metrics) {
    ScopeMetrics.Builder sm =
        ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("test"));
    for (Metric m : metrics) {
      sm.addMetrics(m);
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(sm))
        .build();
  }

  public static ByteString id(int bytes, long value) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < 8 && i < bytes; i++) {
      b[bytes - 1 - i] = (byte) (value >>> (8 * i));
    }
    b[0] |= 0x10; // never all zero
    return ByteString.copyFrom(b);
  }

  /** A span builder with ids, times and kind set. */
  public static Span.Builder span(
      long trace,
      long spanId,
      long parentId,
      String name,
      Span.SpanKind kind,
      long startMs,
      long durMs) {
    Span.Builder s =
        Span.newBuilder()
            .setTraceId(id(16, trace))
            .setSpanId(id(8, spanId))
            .setName(name)
            .setKind(kind)
            .setStartTimeUnixNano(nanos(startMs))
            .setEndTimeUnixNano(nanos(startMs + durMs));
    if (parentId != 0) {
      s.setParentSpanId(id(8, parentId));
    }
    return s;
  }

  public static Span.Builder failed(Span.Builder s, String message) {
    return s.setStatus(
        Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(message));
  }

  public static ResourceSpans resourceSpans(Resource resource, Span.Builder... spans) {
    ScopeSpans.Builder ss = ScopeSpans.newBuilder();
    for (Span.Builder s : spans) {
      ss.addSpans(s);
    }
    return ResourceSpans.newBuilder().setResource(resource).addScopeSpans(ss).build();
  }

  public static ExportTraceServiceRequest traces(ResourceSpans... rs) {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    for (ResourceSpans r : rs) {
      b.addResourceSpans(r);
    }
    return b.build();
  }

  public static LogRecord log(long timeMs, SeverityNumber severity, String body) {
    return LogRecord.newBuilder()
        .setTimeUnixNano(nanos(timeMs))
        .setSeverityNumber(severity)
        .setBody(AnyValue.newBuilder().setStringValue(body))
        .build();
  }

  public static ExportLogsServiceRequest logs(Resource resource, LogRecord... records) {
    List<LogRecord> list = new ArrayList<>(List.of(records));
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource)
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(list)))
        .build();
  }
}
