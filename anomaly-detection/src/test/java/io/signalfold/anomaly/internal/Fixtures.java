package io.signalfold.anomaly.internal;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;
import io.signalfold.schema.SpanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Records as ingest produces them, for the operator tests. */
final class Fixtures {

  static final long INTERVAL = 30_000L;
  static final long HOUR = 3_600_000L;
  static final long DAY = 24 * HOUR;
  static final long START = 1_772_409_600_000L;

  private Fixtures() {}

  static ResourceContext resource(String service) {
    return ResourceContext.newBuilder().setService(service).setServiceVersion("2.4.0").build();
  }

  static RedPoint red(String service, long end, double requests, double errors, double p95) {
    return RedPoint.newBuilder()
        .setSeriesId("red|" + service + "|GET /forge/{id}|SERVER")
        .setIntervalStartMs(end - INTERVAL)
        .setIntervalEndMs(end)
        .setService(service)
        .setOperation("GET /forge/{id}")
        .setSpanKind(SpanKind.SERVER)
        .setResource(resource(service))
        .setRequests(requests)
        .setErrors(errors)
        .setDurationSumMs(requests * p95 / 2)
        .setP95Ms(p95)
        .setLatency(ExponentialHistogram.newBuilder().setScale(3).build())
        .setErrorTraceIds(errors > 0 ? List.of("4bf92f3577b34da6a3ce929d0e0e4736") : List.of())
        .setErrorMessages(errors > 0 ? Map.of("cannot deserialize cache record", errors) : Map.of())
        .build();
  }

  static LogSignal template(String service, long end, long count, boolean isNew) {
    return LogSignal.newBuilder()
        .setSeriesId("log|" + service + "|t-42")
        .setKind(LogSignalKind.TEMPLATE_COUNT)
        .setIntervalStartMs(end - INTERVAL)
        .setIntervalEndMs(end)
        .setResource(resource(service))
        .setSeverity(Severity.ERROR)
        .setCount(count)
        .setTemplateId("t-42")
        .setTemplate("database connection timeout after <*> ms")
        .setNewTemplate(isNew)
        .setFirstSeenMs(end - INTERVAL)
        .setSampleBody("database connection timeout after 3000 ms")
        .build();
  }

  /** The anomaly records a harness has emitted so far (watermarks left out). */
  static List<Anomaly> anomalies(AbstractStreamOperatorTestHarness<Anomaly> h) {
    List<Anomaly> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r && r.getValue() instanceof Anomaly a) {
        out.add(a);
      }
    }
    return out;
  }

  /** Daily cycle of traffic: 600 to 1800 requests per interval, deterministic noise. */
  static double requests(long t) {
    double hour = Math.floorMod(t, DAY) / (double) HOUR;
    double cycle = 0.5 * (1 + Math.cos(2 * Math.PI * (hour - 15) / 24.0));
    double jitter = 1 + 0.03 * Math.sin(t / 7_777.0);
    return Math.rint((600 + 1200 * cycle) * jitter);
  }
}
