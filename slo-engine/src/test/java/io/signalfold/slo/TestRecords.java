package io.signalfold.slo;

import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.HistogramValue;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;
import io.signalfold.schema.SpanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders of valid schema records for tests. */
public final class TestRecords {

  private TestRecords() {}

  public static ResourceContext resource(String service, String instance, String zone) {
    return ResourceContext.newBuilder()
        .setService(service)
        .setInstance(instance)
        .setZone(zone)
        .build();
  }

  /** A scale-0 histogram (buckets (1,2], (2,4], (4,8] ... ms) with the given counts from offset. */
  public static ExponentialHistogram histogram(int scale, int offset, double... counts) {
    List<Double> c = new ArrayList<>();
    for (double d : counts) {
      c.add(d);
    }
    return ExponentialHistogram.newBuilder()
        .setScale(scale)
        .setOffset(offset)
        .setZeroCount(0)
        .setCounts(c)
        .build();
  }

  public static RedPoint red(
      String service,
      String operation,
      SpanKind kind,
      ResourceContext resource,
      long endMs,
      double requests,
      double errors,
      ExponentialHistogram latency) {
    return RedPoint.newBuilder()
        .setSeriesId(service + "|" + operation + "|" + resource.getInstance())
        .setIntervalStartMs(endMs - 30_000)
        .setIntervalEndMs(endMs)
        .setService(service)
        .setOperation(operation)
        .setSpanKind(kind)
        .setResource(resource)
        .setRequests(requests)
        .setErrors(errors)
        .setDurationSumMs(0)
        .setLatency(latency == null ? histogram(0, 0) : latency)
        .build();
  }

  public static MetricPoint sum(
      String name, ResourceContext resource, Map<String, String> attrs, long tMs, double delta) {
    return MetricPoint.newBuilder()
        .setSeriesId(name)
        .setName(name)
        .setType(MetricType.SUM)
        .setMonotonic(true)
        .setTimestampMs(tMs)
        .setValue(delta)
        .setResource(resource)
        .setAttributes(attrs)
        .build();
  }

  public static MetricPoint explicitHistogram(
      String name,
      String unit,
      ResourceContext resource,
      long tMs,
      List<Double> bounds,
      List<Long> counts) {
    long count = counts.stream().mapToLong(Long::longValue).sum();
    return MetricPoint.newBuilder()
        .setSeriesId(name)
        .setName(name)
        .setUnit(unit)
        .setType(MetricType.HISTOGRAM)
        .setTimestampMs(tMs)
        .setValue(count)
        .setResource(resource)
        .setHistogram(
            HistogramValue.newBuilder()
                .setCount(count)
                .setExplicitBounds(bounds)
                .setExplicitCounts(counts)
                .build())
        .build();
  }

  public static LogSignal logs(
      ResourceContext resource,
      LogSignalKind kind,
      Severity severity,
      String template,
      long endMs,
      long count) {
    return LogSignal.newBuilder()
        .setSeriesId(resource.getService() + "|" + severity + "|" + template)
        .setKind(kind)
        .setIntervalStartMs(endMs - 30_000)
        .setIntervalEndMs(endMs)
        .setResource(resource)
        .setSeverity(severity)
        .setCount(count)
        .setTemplateId(template == null ? null : "t-" + template.hashCode())
        .setTemplate(template)
        .build();
  }
}
