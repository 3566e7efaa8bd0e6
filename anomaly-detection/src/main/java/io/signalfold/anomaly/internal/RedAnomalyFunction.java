package io.signalfold.anomaly.internal;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SignalSource;
import io.signalfold.schema.SpanKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RED series: per interval, the request rate (req/s, Poisson noise over the interval), the error
 * ratio (binomial over the requests, so a few failures of a handful of requests do not alarm) and
 * the p95 latency (ms; from the point's p95, else from its exponential histogram; skipped for
 * intervals with fewer than {@code minRequestsForLatency} requests).
 */
public final class RedAnomalyFunction extends SeriesAnomalyFunction<RedPoint> {

  private static final long serialVersionUID = 1L;
  static final int RATE = 0;
  static final int ERRORS = 1;
  static final int LATENCY = 2;

  public RedAnomalyFunction(AnomalyConfig config) {
    super(config, 3);
  }

  static String prefix(SpanKind kind) {
    return switch (kind) {
      case SERVER -> "http.server";
      case CLIENT -> "http.client";
      case PRODUCER -> "messaging.producer";
      case CONSUMER -> "messaging.consumer";
      default -> "span.internal";
    };
  }

  @Override
  protected long timestampOf(RedPoint r) {
    return r.getIntervalEndMs();
  }

  @Override
  protected String signalOf(int slot, RedPoint r) {
    String p = prefix(r.getSpanKind());
    return switch (slot) {
      case RATE -> p + ".request_rate";
      case ERRORS -> p + ".error_rate";
      default -> p + ".duration.p95";
    };
  }

  @Override
  protected SeriesSpec.NoiseModel noiseOf(int slot) {
    return switch (slot) {
      case RATE -> SeriesSpec.NoiseModel.POISSON;
      case ERRORS -> SeriesSpec.NoiseModel.BINOMIAL;
      default -> SeriesSpec.NoiseModel.CONTINUOUS;
    };
  }

  private static double seconds(RedPoint r) {
    return Math.max(1e-3, (r.getIntervalEndMs() - r.getIntervalStartMs()) / 1000.0);
  }

  @Override
  protected double valueOf(int slot, RedPoint r) {
    double requests = r.getRequests();
    switch (slot) {
      case RATE:
        return requests / seconds(r);
      case ERRORS:
        return requests > 0 ? Math.min(1.0, r.getErrors() / requests) : Double.NaN;
      default:
        if (requests < config.minRequestsForLatency()) {
          return Double.NaN;
        }
        Double p95 = r.getP95Ms();
        return p95 != null ? p95 : LatencyQuantile.of(r.getLatency(), 0.95);
    }
  }

  @Override
  protected double trialsOf(int slot, RedPoint r) {
    return switch (slot) {
      case RATE -> seconds(r);
      case ERRORS -> r.getRequests();
      // the sample size of the quantile: sampled span records, not the requests they stand for
      // (0, unknown, for points written before ingest counted them)
      default -> r.getSampledSpans();
    };
  }

  @Override
  protected SignalSource source() {
    return SignalSource.TRACE;
  }

  @Override
  protected ResourceContext resourceOf(RedPoint r) {
    return r.getResource();
  }

  @Override
  protected Map<String, String> attributesOf(RedPoint r) {
    Map<String, String> a = new HashMap<>();
    a.put("service", r.getService());
    a.put("operation", r.getOperation());
    a.put("span.kind", r.getSpanKind().name());
    if (r.getPeer() != null) {
      a.put("peer.service", r.getPeer());
    }
    if (r.getPeerSystem() != null) {
      a.put("peer.system", r.getPeerSystem());
    }
    return a;
  }

  @Override
  protected void evidence(int slot, RedPoint r, AnomalyEvidence.Builder evidence) {
    List<String> ids = slot == LATENCY ? r.getSlowTraceIds() : r.getErrorTraceIds();
    if (slot == RATE && ids.isEmpty()) {
      ids = r.getSlowTraceIds();
    }
    evidence.setTraceIds(List.copyOf(ids.subList(0, Math.min(ids.size(), 5))));
    if (slot == ERRORS && !r.getErrorMessages().isEmpty()) {
      String top = null;
      double best = -1;
      for (Map.Entry<String, Double> e : r.getErrorMessages().entrySet()) {
        if (e.getValue() > best) {
          best = e.getValue();
          top = e.getKey();
        }
      }
      evidence.setSampleMessage(top);
    }
  }
}
