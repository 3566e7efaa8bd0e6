package io.signalfold.loadtest.generator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Generated records parsed back into flat lists (test helper). */
final class Decoded {

  record SpanRow(String service, String instance, String version, Span span) {}

  record PointRow(
      String service,
      String instance,
      String container,
      String metric,
      long timeMs,
      double value) {}

  record LogRow(String service, String instance, long timeMs, int severity, String body) {}

  final List<SpanRow> spans = new ArrayList<>();
  final List<PointRow> points = new ArrayList<>();
  final List<LogRow> logs = new ArrayList<>();
  final List<Map<String, Object>> changes = new ArrayList<>();

  static Decoded of(Scenario s) throws Exception {
    MemoryTelemetryWriter w = new MemoryTelemetryWriter();
    TelemetryGenerator.create(s).generate(w);
    return of(w);
  }

  @SuppressWarnings("unchecked")
  static Decoded of(MemoryTelemetryWriter w) throws Exception {
    TelemetryGenerator.Topics topics = TelemetryGenerator.Topics.defaults();
    Decoded d = new Decoded();
    ObjectMapper json = new ObjectMapper();
    for (MemoryTelemetryWriter.Record r : w.records()) {
      if (r.topic().equals(topics.spans())) {
        for (ResourceSpans rs :
            ExportTraceServiceRequest.parseFrom(r.value()).getResourceSpansList()) {
          for (var ss : rs.getScopeSpansList()) {
            for (Span sp : ss.getSpansList()) {
              d.spans.add(
                  new SpanRow(
                      attr(rs.getResource(), "service.name"),
                      attr(rs.getResource(), "host.name"),
                      attr(rs.getResource(), "service.version"),
                      sp));
            }
          }
        }
      } else if (r.topic().equals(topics.metrics())) {
        for (ResourceMetrics rm :
            ExportMetricsServiceRequest.parseFrom(r.value()).getResourceMetricsList()) {
          Resource res = rm.getResource();
          for (var sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              List<NumberDataPoint> dps =
                  m.hasGauge() ? m.getGauge().getDataPointsList() : m.getSum().getDataPointsList();
              for (NumberDataPoint p : dps) {
                d.points.add(
                    new PointRow(
                        attr(res, "service.name"),
                        attr(res, "host.name"),
                        attr(res, "k8s.container.name"),
                        m.getName(),
                        p.getTimeUnixNano() / 1_000_000,
                        p.getAsDouble()));
              }
            }
          }
        }
      } else if (r.topic().equals(topics.logs())) {
        for (ResourceLogs rl :
            ExportLogsServiceRequest.parseFrom(r.value()).getResourceLogsList()) {
          for (var sl : rl.getScopeLogsList()) {
            for (LogRecord lr : sl.getLogRecordsList()) {
              d.logs.add(
                  new LogRow(
                      attr(rl.getResource(), "service.name"),
                      attr(rl.getResource(), "host.name"),
                      lr.getTimeUnixNano() / 1_000_000,
                      lr.getSeverityNumberValue(),
                      lr.getBody().getStringValue()));
            }
          }
        }
      } else {
        d.changes.add(json.readValue(r.value(), Map.class));
      }
    }
    return d;
  }

  static String attr(Resource r, String key) {
    for (KeyValue kv : r.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  static String attr(Span s, String key) {
    for (KeyValue kv : s.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().hasIntValue()
            ? String.valueOf(kv.getValue().getIntValue())
            : kv.getValue().getStringValue();
      }
    }
    return null;
  }
}
