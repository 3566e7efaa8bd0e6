package io.signalfold.ingest.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.HistogramValue;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.MetricType;
import io.signalfold.schema.QuantileValue;
import io.signalfold.schema.ResourceContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes one {@code ExportMetricsServiceRequest} (protobuf or OTLP/JSON) into {@link
 * DecodedMetric}s: every data point of every gauge, sum, histogram, exponential histogram and
 * summary, with its resource reduced to a {@link ResourceContext} and its point attributes reduced
 * to the configured allow-list. A bad point (non-finite value, absurd timestamp, oversized
 * attributes) is rejected alone; the rest of the message survives.
 *
 * <p>Allocation: the resource context and the series-id prefix are built once per resource and per
 * metric, and points without retained attributes share them, so most of the cost stays in protobuf
 * parsing (see {@code OtlpDecodeBenchmark}).
 */
public final class MetricDecoder {

  private static final Map<String, String> NO_ATTRIBUTES = Collections.emptyMap();
  private static final int NO_RECORDED_VALUE = 1;
  private static final int MAX_EXEMPLARS = 3;

  private final IngestConfig config;
  private final ResourceDecoder resources;
  private final TimestampCheck timestamps;
  private final SeriesCache series = new SeriesCache(1 << 14);

  /** identity key -> metric name -> {series prefix, cap key}; cleared when large. */
  private final Map<String, Map<String, String[]>> prefixes = new HashMap<>();

  private int prefixCount;
  private List<Double> lastBounds = Collections.emptyList();
  private int[] order = new int[16];

  public MetricDecoder(IngestConfig config) {
    this.config = config;
    this.resources = new ResourceDecoder(config);
    this.timestamps = new TimestampCheck(config);
  }

  /** Decodes one Kafka message; never throws for bad input (it goes to {@code sink.reject}). */
  public void decode(
      byte[] value,
      TelemetryEncoding encoding,
      long kafkaTimestampMs,
      DecodeSink<DecodedMetric> sink) {
    ExportMetricsServiceRequest request = parse(value, encoding, sink);
    if (request != null) {
      decode(request, kafkaTimestampMs, sink);
    }
  }

  /** Parses the message; null (after rejecting it) when it is not a valid request. */
  static ExportMetricsServiceRequest parse(
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
        return ExportMetricsServiceRequest.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        sink.reject(
            DeadLetterReason.MALFORMED_PROTOBUF,
            "not an ExportMetricsServiceRequest: " + e.getMessage(),
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
    ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
    try {
      OtlpJson.merge(value, b);
    } catch (OtlpJson.OtlpJsonException e) {
      sink.reject(DeadLetterReason.MALFORMED_JSON, e.getMessage(), value);
      return null;
    }
    return b.build();
  }

  public void decode(
      ExportMetricsServiceRequest request, long kafkaTimestampMs, DecodeSink<DecodedMetric> sink) {
    List<ResourceMetrics> rms = request.getResourceMetricsList();
    for (int r = 0, nr = rms.size(); r < nr; r++) {
      ResourceMetrics rm = rms.get(r);
      String tooBig = resources.oversized(rm.getResource().getAttributesList());
      if (tooBig != null) {
        sink.reject(
            DeadLetterReason.OVERSIZED_ATTRIBUTES,
            "resourceMetrics[" + r + "].resource " + tooBig,
            rm.toByteArray());
        continue;
      }
      ResourceDecoder.Decoded res = resources.decode(rm.getResource());
      long maxTime = Long.MIN_VALUE;
      List<ScopeMetrics> sms = rm.getScopeMetricsList();
      for (int s = 0, ns = sms.size(); s < ns; s++) {
        ScopeMetrics sm = sms.get(s);
        String scope = sm.getScope().getName();
        List<Metric> metrics = sm.getMetricsList();
        for (int m = 0, nm = metrics.size(); m < nm; m++) {
          long t = decodeMetric(metrics.get(m), res, scope, kafkaTimestampMs, sink, r, s, m);
          if (t > maxTime) {
            maxTime = t;
          }
        }
      }
      if (maxTime != Long.MIN_VALUE) {
        sink.sighting(res.context, maxTime);
      }
    }
  }

  /** Returns the latest valid point time in ms, or Long.MIN_VALUE. */
  private long decodeMetric(
      Metric metric,
      ResourceDecoder.Decoded res,
      String scope,
      long kafkaTs,
      DecodeSink<DecodedMetric> sink,
      int r,
      int s,
      int m) {
    String name = metric.getName();
    if (name.isEmpty()) {
      sink.reject(
          DeadLetterReason.MISSING_FIELD, path(r, s, m) + ".name is empty", metric.toByteArray());
      return Long.MIN_VALUE;
    }
    MetricContext ctx =
        new MetricContext(name, metric.getUnit(), res, scope, prefixes(res, name), r, s, m);
    ctx.allowed = config.pointAttributesFor(name);
    long maxTime = Long.MIN_VALUE;
    switch (metric.getDataCase()) {
      case GAUGE:
        {
          List<NumberDataPoint> pts = metric.getGauge().getDataPointsList();
          for (int i = 0, n = pts.size(); i < n; i++) {
            maxTime =
                Math.max(
                    maxTime,
                    number(pts.get(i), i, MetricType.GAUGE, false, false, ctx, kafkaTs, sink));
          }
          break;
        }
      case SUM:
        {
          boolean cumulative =
              metric.getSum().getAggregationTemporality()
                  == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
          boolean monotonic = metric.getSum().getIsMonotonic();
          List<NumberDataPoint> pts = metric.getSum().getDataPointsList();
          for (int i = 0, n = pts.size(); i < n; i++) {
            maxTime =
                Math.max(
                    maxTime,
                    number(
                        pts.get(i), i, MetricType.SUM, monotonic, cumulative, ctx, kafkaTs, sink));
          }
          break;
        }
      case HISTOGRAM:
        {
          boolean cumulative =
              metric.getHistogram().getAggregationTemporality()
                  == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
          List<HistogramDataPoint> pts = metric.getHistogram().getDataPointsList();
          for (int i = 0, n = pts.size(); i < n; i++) {
            maxTime = Math.max(maxTime, histogram(pts.get(i), i, cumulative, ctx, kafkaTs, sink));
          }
          break;
        }
      case EXPONENTIAL_HISTOGRAM:
        {
          boolean cumulative =
              metric.getExponentialHistogram().getAggregationTemporality()
                  == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
          List<ExponentialHistogramDataPoint> pts =
              metric.getExponentialHistogram().getDataPointsList();
          for (int i = 0, n = pts.size(); i < n; i++) {
            maxTime =
                Math.max(maxTime, expHistogram(pts.get(i), i, cumulative, ctx, kafkaTs, sink));
          }
          break;
        }
      case SUMMARY:
        {
          List<SummaryDataPoint> pts = metric.getSummary().getDataPointsList();
          for (int i = 0, n = pts.size(); i < n; i++) {
            maxTime = Math.max(maxTime, summary(pts.get(i), i, ctx, kafkaTs, sink));
          }
          break;
        }
      default:
        sink.reject(
            DeadLetterReason.MISSING_FIELD,
            path(r, s, m) + " (" + name + ") has no gauge/sum/histogram/summary data",
            metric.toByteArray());
    }
    return maxTime;
  }

  private String[] prefixes(ResourceDecoder.Decoded res, String name) {
    Map<String, String[]> byName = prefixes.get(res.identityKey);
    if (byName == null) {
      if (prefixCount > 100_000) {
        prefixes.clear();
        prefixCount = 0;
      }
      byName = new HashMap<>();
      prefixes.put(res.identityKey, byName);
    }
    String[] p = byName.get(name);
    if (p == null) {
      p = new String[] {name + "|" + res.identityKey, res.service + "|" + name};
      byName.put(name, p);
      prefixCount++;
    }
    return p;
  }

  /** Per-metric values shared by its points. */
  private static final class MetricContext {
    final String name;
    final String unit;
    final ResourceDecoder.Decoded res;
    final String scope;
    final String seriesPrefix;
    final String capKey;
    final int r;
    final int s;
    final int m;
    Set<String> allowed;

    MetricContext(
        String name,
        String unit,
        ResourceDecoder.Decoded res,
        String scope,
        String[] prefixes,
        int r,
        int s,
        int m) {
      this.name = name;
      this.unit = unit;
      this.res = res;
      this.scope = scope;
      this.seriesPrefix = prefixes[0];
      this.capKey = prefixes[1];
      this.r = r;
      this.s = s;
      this.m = m;
    }

    String where(int point) {
      return path(r, s, m) + ".dataPoints[" + point + "] of '" + name + "'";
    }
  }

  private static String path(int r, int s, int m) {
    return "resourceMetrics[" + r + "].scopeMetrics[" + s + "].metrics[" + m + "]";
  }

  /** Common point checks; returns false after rejecting. Also fills attributes and series ids. */
  private boolean prepare(
      MetricPoint p,
      DecodedMetric out,
      List<KeyValue> attributes,
      long timeNanos,
      long startNanos,
      MetricContext ctx,
      int i,
      long kafkaTs,
      MessageLite item,
      DecodeSink<DecodedMetric> sink) {
    long timeMs = TimestampCheck.nanosToMillis(timeNanos);
    String bad = timestamps.problem(timeMs, kafkaTs);
    if (bad != null) {
      sink.reject(
          DeadLetterReason.ABSURD_TIMESTAMP,
          ctx.where(i) + ".timeUnixNano " + bad,
          item.toByteArray());
      return false;
    }
    p.setName(ctx.name);
    p.setUnit(ctx.unit);
    p.setTimestampMs(timeMs);
    p.setStartTimestampMs(startNanos > 0 ? TimestampCheck.nanosToMillis(startNanos) : null);
    p.setResource(ctx.res.context);
    p.setScope(ctx.scope);
    p.setCounterReset(false);
    p.setOverflow(false);
    p.setQuantiles(Collections.emptyList());
    p.setExemplarTraceIds(Collections.emptyList());
    out.point = p;
    out.capKey = ctx.capKey;
    out.seriesPrefix = ctx.seriesPrefix;
    out.timeNanos = timeNanos;
    out.startTimeNanos = startNanos;
    String tooBig = retainAttributes(p, out, attributes, ctx, i);
    if (tooBig != null) {
      sink.reject(
          DeadLetterReason.OVERSIZED_ATTRIBUTES, ctx.where(i) + " " + tooBig, item.toByteArray());
      return false;
    }
    return true;
  }

  /**
   * Sets the retained attributes and series ids; returns why the attribute set is too large, or
   * null. A cache hit means the very same attributes were validated before, so the size check only
   * runs on a miss.
   */
  private String retainAttributes(
      MetricPoint p, DecodedMetric out, List<KeyValue> attributes, MetricContext ctx, int index) {
    int n = attributes.size();
    if (n == 0) {
      p.setAttributes(NO_ATTRIBUTES);
      p.setSeriesId(ctx.seriesPrefix);
      if (out.cumulative) {
        out.identityKey = ctx.seriesPrefix;
      }
      return null;
    }
    // Per-metric allow-lists give different results for the same attributes: key by the prefix,
    // which names the metric.
    SeriesCache.Entry cached = series.guess(ctx.seriesPrefix, index, attributes);
    if (cached == null) {
      int hash = SeriesCache.hash(ctx.seriesPrefix, attributes);
      cached = series.get(hash, ctx.seriesPrefix, attributes);
      if (cached == null) {
        String tooBig = resources.oversized(attributes);
        if (tooBig != null) {
          return tooBig;
        }
        cached = computeSeries(attributes, ctx);
        series.put(hash, cached);
      }
      series.remember(ctx.seriesPrefix, index, cached);
    }
    p.setAttributes(cached.retained);
    p.setSeriesId(cached.seriesId);
    if (out.cumulative) {
      out.identityKey = cached.identityKey;
    }
    return null;
  }

  private SeriesCache.Entry computeSeries(List<KeyValue> attributes, MetricContext ctx) {
    int n = attributes.size();
    if (order.length < n) {
      order = new int[Math.max(n, order.length * 2)];
    }
    int[] idx = order;
    int kept = 0;
    boolean dropped = false;
    for (int i = 0; i < n; i++) {
      if (ctx.allowed.contains(attributes.get(i).getKey())) {
        idx[kept++] = i;
      } else {
        dropped = true;
      }
    }
    sortByKey(idx, kept, attributes);
    Map<String, String> retained;
    String seriesId;
    if (kept == 0) {
      retained = NO_ATTRIBUTES;
      seriesId = ctx.seriesPrefix;
    } else {
      Map<String, String> map = new HashMap<>(kept * 2);
      StringBuilder id = new StringBuilder(ctx.seriesPrefix.length() + 24 * kept);
      id.append(ctx.seriesPrefix).append('|');
      for (int j = 0; j < kept; j++) {
        KeyValue kv = attributes.get(idx[j]);
        String v = AttributeValues.toText(kv.getValue());
        map.put(kv.getKey(), v);
        if (j > 0) {
          id.append(',');
        }
        id.append(kv.getKey()).append('=').append(v);
      }
      retained = Collections.unmodifiableMap(map);
      seriesId = id.toString();
    }
    String identityKey = seriesId;
    if (dropped) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      sortByKey(all, n, attributes);
      StringBuilder id = new StringBuilder(ctx.seriesPrefix).append("|#");
      for (int j = 0; j < n; j++) {
        KeyValue kv = attributes.get(all[j]);
        id.append(kv.getKey())
            .append('=')
            .append(AttributeValues.toText(kv.getValue()))
            .append(',');
      }
      identityKey = id.toString();
    }
    return new SeriesCache.Entry(ctx.seriesPrefix, attributes, retained, seriesId, identityKey);
  }

  private static void sortByKey(int[] idx, int n, List<KeyValue> attributes) {
    for (int i = 1; i < n; i++) {
      int cur = idx[i];
      String key = attributes.get(cur).getKey();
      int j = i - 1;
      while (j >= 0 && attributes.get(idx[j]).getKey().compareTo(key) > 0) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = cur;
    }
  }

  private long number(
      NumberDataPoint dp,
      int i,
      MetricType type,
      boolean monotonic,
      boolean cumulative,
      MetricContext ctx,
      long kafkaTs,
      DecodeSink<DecodedMetric> sink) {
    if ((dp.getFlags() & NO_RECORDED_VALUE) != 0) {
      sink.skipped("no_recorded_value");
      return Long.MIN_VALUE;
    }
    double value;
    switch (dp.getValueCase()) {
      case AS_DOUBLE:
        value = dp.getAsDouble();
        break;
      case AS_INT:
        value = dp.getAsInt();
        break;
      default:
        sink.reject(
            DeadLetterReason.MISSING_FIELD, ctx.where(i) + " has no value", dp.toByteArray());
        return Long.MIN_VALUE;
    }
    if (!Double.isFinite(value)) {
      sink.reject(
          DeadLetterReason.NON_FINITE_VALUE, ctx.where(i) + " value is " + value, dp.toByteArray());
      return Long.MIN_VALUE;
    }
    DecodedMetric out = new DecodedMetric();
    out.cumulative = cumulative;
    MetricPoint p = new MetricPoint();
    if (!prepare(
        p,
        out,
        dp.getAttributesList(),
        dp.getTimeUnixNano(),
        dp.getStartTimeUnixNano(),
        ctx,
        i,
        kafkaTs,
        dp,
        sink)) {
      return Long.MIN_VALUE;
    }
    p.setType(type);
    p.setMonotonic(monotonic);
    p.setValue(value);
    p.setRate(
        type == MetricType.SUM && !cumulative
            ? rate(value, dp.getStartTimeUnixNano(), dp.getTimeUnixNano())
            : null);
    p.setHistogram(null);
    if (dp.getExemplarsCount() > 0) {
      p.setExemplarTraceIds(exemplarTraceIds(dp.getExemplarsList()));
    }
    sink.emit(out);
    return p.getTimestampMs();
  }

  private long histogram(
      HistogramDataPoint dp,
      int i,
      boolean cumulative,
      MetricContext ctx,
      long kafkaTs,
      DecodeSink<DecodedMetric> sink) {
    if ((dp.getFlags() & NO_RECORDED_VALUE) != 0) {
      sink.skipped("no_recorded_value");
      return Long.MIN_VALUE;
    }
    if ((dp.hasSum() && !Double.isFinite(dp.getSum()))
        || (dp.hasMin() && !Double.isFinite(dp.getMin()))
        || (dp.hasMax() && !Double.isFinite(dp.getMax()))) {
      sink.reject(
          DeadLetterReason.NON_FINITE_VALUE,
          ctx.where(i)
              + " sum/min/max is not finite ("
              + dp.getSum()
              + "/"
              + dp.getMin()
              + "/"
              + dp.getMax()
              + ")",
          dp.toByteArray());
      return Long.MIN_VALUE;
    }
    int nb = dp.getBucketCountsCount();
    int nbounds = dp.getExplicitBoundsCount();
    if (nb != 0 && nb != nbounds + 1) {
      sink.reject(
          DeadLetterReason.MISSING_FIELD,
          ctx.where(i) + " has " + nb + " bucket counts for " + nbounds + " bounds (want bounds+1)",
          dp.toByteArray());
      return Long.MIN_VALUE;
    }
    for (int b = 0; b < nbounds; b++) {
      if (!Double.isFinite(dp.getExplicitBounds(b))) {
        sink.reject(
            DeadLetterReason.NON_FINITE_VALUE,
            ctx.where(i) + ".explicitBounds[" + b + "] is " + dp.getExplicitBounds(b),
            dp.toByteArray());
        return Long.MIN_VALUE;
      }
    }
    DecodedMetric out = new DecodedMetric();
    out.cumulative = cumulative;
    MetricPoint p = new MetricPoint();
    if (!prepare(
        p,
        out,
        dp.getAttributesList(),
        dp.getTimeUnixNano(),
        dp.getStartTimeUnixNano(),
        ctx,
        i,
        kafkaTs,
        dp,
        sink)) {
      return Long.MIN_VALUE;
    }
    HistogramValue h = new HistogramValue();
    h.setCount(dp.getCount());
    h.setSum(dp.hasSum() ? dp.getSum() : null);
    h.setMin(dp.hasMin() ? dp.getMin() : null);
    h.setMax(dp.hasMax() ? dp.getMax() : null);
    long[] counts = new long[nb];
    for (int b = 0; b < nb; b++) {
      counts[b] = dp.getBucketCounts(b);
    }
    h.setExplicitBounds(bounds(dp));
    h.setExplicitCounts(new LongListView(counts));
    h.setZeroCount(0L);
    p.setType(MetricType.HISTOGRAM);
    p.setMonotonic(false);
    p.setValue(dp.getCount());
    p.setRate(
        cumulative ? null : rate(dp.getCount(), dp.getStartTimeUnixNano(), dp.getTimeUnixNano()));
    p.setHistogram(h);
    if (dp.getExemplarsCount() > 0) {
      p.setExemplarTraceIds(exemplarTraceIds(dp.getExemplarsList()));
    }
    sink.emit(out);
    return p.getTimestampMs();
  }

  /** The point's bounds; the previous list when equal (bounds rarely change), so no boxing. */
  private List<Double> bounds(HistogramDataPoint dp) {
    int n = dp.getExplicitBoundsCount();
    List<Double> last = lastBounds;
    if (last.size() == n) {
      boolean same = true;
      for (int b = 0; b < n && same; b++) {
        same = last.get(b) == dp.getExplicitBounds(b);
      }
      if (same) {
        return last;
      }
    }
    List<Double> bounds = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      bounds.add(dp.getExplicitBounds(b));
    }
    lastBounds = Collections.unmodifiableList(bounds);
    return lastBounds;
  }

  private long expHistogram(
      ExponentialHistogramDataPoint dp,
      int i,
      boolean cumulative,
      MetricContext ctx,
      long kafkaTs,
      DecodeSink<DecodedMetric> sink) {
    if ((dp.getFlags() & NO_RECORDED_VALUE) != 0) {
      sink.skipped("no_recorded_value");
      return Long.MIN_VALUE;
    }
    if ((dp.hasSum() && !Double.isFinite(dp.getSum()))
        || (dp.hasMin() && !Double.isFinite(dp.getMin()))
        || (dp.hasMax() && !Double.isFinite(dp.getMax()))) {
      sink.reject(
          DeadLetterReason.NON_FINITE_VALUE,
          ctx.where(i) + " sum/min/max is not finite",
          dp.toByteArray());
      return Long.MIN_VALUE;
    }
    if (dp.getScale() < -10 || dp.getScale() > 20) {
      sink.reject(
          DeadLetterReason.OUT_OF_RANGE,
          ctx.where(i) + ".scale " + dp.getScale() + " is outside -10..20",
          dp.toByteArray());
      return Long.MIN_VALUE;
    }
    DecodedMetric out = new DecodedMetric();
    out.cumulative = cumulative;
    MetricPoint p = new MetricPoint();
    if (!prepare(
        p,
        out,
        dp.getAttributesList(),
        dp.getTimeUnixNano(),
        dp.getStartTimeUnixNano(),
        ctx,
        i,
        kafkaTs,
        dp,
        sink)) {
      return Long.MIN_VALUE;
    }
    HistogramValue h = new HistogramValue();
    h.setCount(dp.getCount());
    h.setSum(dp.hasSum() ? dp.getSum() : null);
    h.setMin(dp.hasMin() ? dp.getMin() : null);
    h.setMax(dp.hasMax() ? dp.getMax() : null);
    h.setExplicitBounds(Collections.emptyList());
    h.setExplicitCounts(Collections.emptyList());
    h.setPositive(buckets(dp.getScale(), dp.getPositive()));
    h.setNegative(
        dp.getNegative().getBucketCountsCount() == 0
            ? null
            : buckets(dp.getScale(), dp.getNegative()));
    h.setZeroCount(dp.getZeroCount());
    p.setType(MetricType.EXPONENTIAL_HISTOGRAM);
    p.setMonotonic(false);
    p.setValue(dp.getCount());
    p.setRate(
        cumulative ? null : rate(dp.getCount(), dp.getStartTimeUnixNano(), dp.getTimeUnixNano()));
    p.setHistogram(h);
    if (dp.getExemplarsCount() > 0) {
      p.setExemplarTraceIds(exemplarTraceIds(dp.getExemplarsList()));
    }
    sink.emit(out);
    return p.getTimestampMs();
  }

  private static ExponentialHistogram buckets(
      int scale, ExponentialHistogramDataPoint.Buckets buckets) {
    ExponentialHistogram e = new ExponentialHistogram();
    e.setScale(scale);
    e.setOffset(buckets.getOffset());
    e.setZeroCount(0.0);
    int n = buckets.getBucketCountsCount();
    List<Double> counts = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      counts.add((double) buckets.getBucketCounts(b));
    }
    e.setCounts(counts);
    return e;
  }

  private long summary(
      SummaryDataPoint dp, int i, MetricContext ctx, long kafkaTs, DecodeSink<DecodedMetric> sink) {
    if ((dp.getFlags() & NO_RECORDED_VALUE) != 0) {
      sink.skipped("no_recorded_value");
      return Long.MIN_VALUE;
    }
    if (!Double.isFinite(dp.getSum())) {
      sink.reject(
          DeadLetterReason.NON_FINITE_VALUE,
          ctx.where(i) + ".sum is " + dp.getSum(),
          dp.toByteArray());
      return Long.MIN_VALUE;
    }
    int nq = dp.getQuantileValuesCount();
    List<QuantileValue> qs = new ArrayList<>(nq);
    for (int q = 0; q < nq; q++) {
      SummaryDataPoint.ValueAtQuantile vq = dp.getQuantileValues(q);
      if (!Double.isFinite(vq.getValue()) || !Double.isFinite(vq.getQuantile())) {
        sink.reject(
            DeadLetterReason.NON_FINITE_VALUE,
            ctx.where(i) + ".quantileValues[" + q + "] is not finite",
            dp.toByteArray());
        return Long.MIN_VALUE;
      }
      qs.add(new QuantileValue(vq.getQuantile(), vq.getValue()));
    }
    DecodedMetric out = new DecodedMetric();
    // OTLP summaries carry cumulative count and sum (the data model has no temporality for them).
    out.cumulative = true;
    MetricPoint p = new MetricPoint();
    if (!prepare(
        p,
        out,
        dp.getAttributesList(),
        dp.getTimeUnixNano(),
        dp.getStartTimeUnixNano(),
        ctx,
        i,
        kafkaTs,
        dp,
        sink)) {
      return Long.MIN_VALUE;
    }
    HistogramValue h = new HistogramValue();
    h.setCount(dp.getCount());
    h.setSum(dp.getSum());
    h.setExplicitBounds(Collections.emptyList());
    h.setExplicitCounts(Collections.emptyList());
    h.setZeroCount(0L);
    p.setType(MetricType.SUMMARY);
    p.setMonotonic(false);
    p.setValue(dp.getCount());
    p.setRate(null);
    p.setHistogram(h);
    p.setQuantiles(qs);
    sink.emit(out);
    return p.getTimestampMs();
  }

  /** Per-second rate of a delta over [start, time], or null when the interval is unknown. */
  static Double rate(double delta, long startNanos, long timeNanos) {
    if (startNanos <= 0 || timeNanos <= startNanos) {
      return null;
    }
    return delta / ((timeNanos - startNanos) / 1e9);
  }

  private static List<String> exemplarTraceIds(List<Exemplar> exemplars) {
    List<String> ids = new ArrayList<>(Math.min(MAX_EXEMPLARS, exemplars.size()));
    for (int e = 0; e < exemplars.size() && ids.size() < MAX_EXEMPLARS; e++) {
      if (!exemplars.get(e).getTraceId().isEmpty()) {
        ids.add(Hex.encode(exemplars.get(e).getTraceId()));
      }
    }
    return ids;
  }
}
