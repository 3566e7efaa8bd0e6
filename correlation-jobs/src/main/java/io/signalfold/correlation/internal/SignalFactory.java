package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.schema.AlertState;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SeriesSample;
import io.signalfold.schema.SignalClass;
import io.signalfold.schema.SignalSource;
import io.signalfold.schema.SloBurnAlert;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Turns anomalies, SLO burn alerts and external alerts into {@link SignalState}, and merges later
 * records of the same episode into it. Decides which signals may open a candidate: ALARM-tier,
 * non-recurring anomalies; firing SLO alerts of a configured severity (page, ticket); firing
 * external alerts of a configured severity. Everything else may only join as supporting evidence.
 */
public final class SignalFactory {

  private final CorrelationConfig config;

  public SignalFactory(CorrelationConfig config) {
    this.config = config;
  }

  /** The state key of an anomaly record. */
  public static String key(Anomaly a) {
    return "a:" + a.getId();
  }

  public static String key(SloBurnAlert a) {
    return "s:" + a.getId();
  }

  public static String key(ExternalAlert a) {
    return "e:" + externalId(a);
  }

  /** External alert ids repeat across firings (fingerprints): one episode per start time. */
  public static String externalId(ExternalAlert a) {
    return a.getId() + "@" + a.getStartsAtMs();
  }

  /** Creates or merges the state of an anomaly record. */
  public SignalState merge(@Nullable SignalState s, Anomaly a) {
    boolean created = s == null;
    if (created) {
      s = new SignalState();
      s.key = key(a);
      s.id = a.getId();
      s.source =
          a.getSource() == SignalSource.TOPOLOGY ? SignalState.TOPOLOGY : SignalState.ANOMALY;
      s.seriesId = a.getSeriesId();
      s.signal = a.getSignal();
      s.telemetrySource = a.getSource().name();
      s.anomalyKind = a.getKind().name();
      s.category =
          SignalCategory.classify(
                  a.getSignal(),
                  s.anomalyKind,
                  s.telemetrySource,
                  config.businessMetric(),
                  config.categoryOverrides(),
                  a.getAttributes())
              .ordinal();
      s.leading = a.getSignalClass() == SignalClass.LEADING;
      s.direction = direction(a.getDirection());
      copyResource(s, a.getResource());
      Map<String, String> attrs = a.getAttributes();
      s.operation = firstOf(attrs, "operation", "http.route", "span.name", "rpc.method");
      s.peer = firstOf(attrs, "peer", "peer.service", "server.address", "db.collection.name");
      if (s.peer != null && s.peer.equals(s.service)) {
        s.peer = null;
      }
      s.onsetMs = a.getOnsetMs();
      s.firstSeenMs = a.getTimestampMs();
      s.anomaly = a;
      s.value = a.getValue();
      s.expected = a.getExpected();
      s.lower = a.getLower();
      s.upper = a.getUpper();
      s.active = true;
    } else if (a.getRecent() != null && !a.getRecent().isEmpty() && s.anomaly == null) {
      s.anomaly = a;
    }
    s.records++;
    s.alarm |= a.getTier() == AnomalyTier.ALARM;
    s.recurring = a.getRecurring();
    s.onsetMs = Math.min(s.onsetMs, a.getOnsetMs());
    s.score = Math.max(s.score, a.getScore());
    s.historyMs = a.getHistoryMs();
    if (deviation(a.getValue(), a.getExpected(), a.getLower(), a.getUpper())
        >= deviation(s.value, s.expected, s.lower, s.upper)) {
      s.value = a.getValue();
      s.expected = a.getExpected();
      s.lower = a.getLower();
      s.upper = a.getUpper();
    }
    // A level shift that never clearly left its seasonal band (a few points of CPU, a busier night)
    // is real but ordinary: it supports an incident, it does not start one. Memory and disk are the
    // exception: they accumulate, so a shift that persists is a leak or a fill in the making; so is
    // a leading latency (a p95 band is wide, and a ramp climbs inside it for hours).
    s.opener =
        s.alarm
            && !s.recurring
            && s.source == SignalState.ANOMALY
            && !"NEW_DEPENDENCY".equals(s.anomalyKind)
            && (!"LEVEL_SHIFT".equals(s.anomalyKind)
                || s.category == SignalCategory.MEMORY.ordinal()
                || s.category == SignalCategory.DISK.ordinal()
                || (s.leading && s.category == SignalCategory.LATENCY.ordinal())
                || deviation(s.value, s.expected, s.lower, s.upper) > CLEARLY_OUT_OF_BAND)
            && (!isLoad(s) || deviation(s.value, s.expected, s.lower, s.upper) > LOAD_OPENS_PAST);
    if (s.category == SignalCategory.LOG.ordinal()) {
      s.logCount += Math.max(0, a.getValue());
    }
    if (!created) {
      appendSample(s, a);
    }
    touch(s, a.getTimestampMs(), a.getPhase() == AnomalyPhase.RECOVERED);
    return s;
  }

  /** Creates or merges the state of an SLO burn alert. */
  public SignalState merge(@Nullable SignalState s, SloBurnAlert a) {
    if (s == null) {
      s = new SignalState();
      s.key = key(a);
      s.id = a.getId();
      s.source = SignalState.SLO_ALERT;
      s.seriesId = "slo:" + a.getSlo() + labelsSuffix(a.getLabels());
      s.signal = "slo.burn:" + a.getSlo();
      s.telemetrySource = "SLO";
      s.category = SignalCategory.SLO.ordinal();
      s.leading = false;
      s.direction = 1;
      Map<String, String> l = a.getLabels();
      s.service = a.getService() != null ? a.getService() : firstOf(l, "service", "service.name");
      s.operation = firstOf(l, "operation", "http.route");
      s.zone = firstOf(l, "zone", "cloud.availability_zone");
      s.cell = firstOf(l, config.cellAttribute(), "cell");
      s.onsetMs = a.getFiringSinceMs();
      s.firstSeenMs = a.getTimestampMs();
      s.active = true;
    }
    s.sloAlert = a;
    s.records++;
    s.alarm = true;
    s.opener |=
        a.getState() == AlertState.FIRING
            && config.sloOpenSeverities().contains(a.getSeverity().name());
    s.onsetMs = Math.min(s.onsetMs, a.getFiringSinceMs());
    double burn = Math.max(a.getBurnShort(), a.getBurnLong());
    if (burn >= s.value) {
      s.value = burn;
      s.expected = a.getBurnRateThreshold();
      s.lower = 0;
      s.upper = a.getBurnRateThreshold();
    }
    double threshold = a.getBurnRateThreshold() > 0 ? a.getBurnRateThreshold() : 1.0;
    s.score = Math.max(s.score, Math.min(1.0, burn / (2 * threshold)));
    touch(s, a.getTimestampMs(), a.getState() == AlertState.RESOLVED);
    return s;
  }

  /** Creates or merges the state of an external alert. */
  public SignalState merge(@Nullable SignalState s, ExternalAlert a) {
    long t = CorrelationInput.externalAlertTimeMs(a);
    if (s == null) {
      s = new SignalState();
      s.key = key(a);
      s.id = externalId(a);
      s.source = SignalState.EXTERNAL_ALERT;
      s.seriesId = "alert:" + a.getSource() + ":" + a.getName() + labelsSuffix(a.getLabels());
      s.signal = a.getName();
      s.telemetrySource = "EXTERNAL";
      s.category = SignalCategory.EXTERNAL.ordinal();
      s.direction = 1;
      Map<String, String> l = a.getLabels();
      s.service =
          a.getService() != null ? a.getService() : firstOf(l, "service", "job", "service_name");
      s.instance =
          a.getInstance() != null ? a.getInstance() : firstOf(l, "instance", "pod", "host");
      s.container = firstOf(l, "container", "k8s_container_name");
      s.zone =
          firstOf(
              l,
              "zone",
              "availability_zone",
              "cloud_availability_zone",
              "topology.kubernetes.io/zone");
      s.cell = firstOf(l, config.cellAttribute(), "cell");
      s.version = firstOf(l, "version", "service_version");
      s.operation = firstOf(l, "operation", "route");
      s.onsetMs = a.getStartsAtMs();
      s.firstSeenMs = t;
      s.active = true;
    }
    s.externalAlert = a;
    s.records++;
    String sev = a.getSeverity() == null ? "" : a.getSeverity().toLowerCase(Locale.ROOT);
    s.alarm |= config.externalOpenSeverities().contains(sev);
    s.opener |= a.getFiring() && s.alarm;
    s.score = Math.max(s.score, s.alarm ? 0.9 : 0.5);
    touch(s, t, !a.getFiring());
    return s;
  }

  private void touch(SignalState s, long t, boolean recovered) {
    s.lastSeenMs = Math.max(s.lastSeenMs, t);
    if (recovered) {
      if (s.active) {
        s.active = false;
        s.recoveredMs = t;
      }
    } else if (!s.active && t > s.recoveredMs) {
      // A record after recovery (e.g. a re-firing alert of the same episode) reactivates it.
      s.active = true;
    }
  }

  private void appendSample(SignalState s, Anomaly a) {
    int max = config.maxSamples();
    SeriesSample p =
        SeriesSample.newBuilder()
            .setTimestampMs(a.getTimestampMs())
            .setValue(a.getValue())
            .setExpected(a.getExpected())
            .setLower(a.getLower())
            .setUpper(a.getUpper())
            .build();
    SeriesSample[] later = s.later == null ? new SeriesSample[0] : s.later;
    if (later.length > 0 && later[later.length - 1].getTimestampMs() >= p.getTimestampMs()) {
      return;
    }
    SeriesSample[] next;
    if (later.length < max) {
      next = java.util.Arrays.copyOf(later, later.length + 1);
    } else {
      next = new SeriesSample[max];
      System.arraycopy(later, 1, next, 0, max - 1);
    }
    next[next.length - 1] = p;
    s.later = next;
  }

  private void copyResource(SignalState s, @Nullable ResourceContext r) {
    if (r == null) {
      return;
    }
    s.service = r.getService();
    s.instance = r.getInstance();
    s.container = r.getContainer();
    s.zone = r.getZone();
    s.cell = r.getCell();
    if (s.cell == null && r.getAttributes() != null) {
      s.cell = r.getAttributes().get(config.cellAttribute());
    }
    s.version = r.getServiceVersion();
  }

  /**
   * {@link #deviation} of a level shift that clearly left its band: beyond the edge by a quarter of
   * the band's half-width (the edge itself is an estimate; a CPU shift 0.004 past it is noise).
   */
  static final double CLEARLY_OUT_OF_BAND = 1.25;

  /**
   * {@link #deviation} a load signal needs to open a candidate: as far past the edge as the edge is
   * from the expected value. Request rates and CPU follow demand, and demand is noisy: a week of
   * one-minute points crosses a three-sigma band several times with nobody affected (measured on
   * the quiet scenarios with 7-14 days of history: 1.07-1.45). The faults that start with load (a
   * surge, a load test, a saturated host) are far past it (3.5-20), and an error, latency, log or
   * SLO signal still opens at the edge and takes the load signals with it.
   */
  static final double LOAD_OPENS_PAST = 2.0;

  /** A request rate or CPU point against its band (not a forecast: a trend opens on its own). */
  private static boolean isLoad(SignalState s) {
    return (s.category == SignalCategory.TRAFFIC.ordinal()
            || s.category == SignalCategory.CPU.ordinal())
        && ("SPIKE".equals(s.anomalyKind)
            || "DIP".equals(s.anomalyKind)
            || "LEVEL_SHIFT".equals(s.anomalyKind));
  }

  /** How far outside its band a point is, in band half-widths past the edge plus one (0 inside). */
  static double deviation(double value, double expected, double lower, double upper) {
    double width = Math.max(1e-9, (upper - lower) / 2);
    if (value > upper) {
      return (value - upper) / width + 1;
    } else if (value < lower) {
      return (lower - value) / width + 1;
    }
    return Math.abs(value - expected) / width;
  }

  private static int direction(Direction d) {
    return switch (d) {
      case UP -> 1;
      case DOWN -> -1;
      default -> 0;
    };
  }

  @Nullable
  static String firstOf(@Nullable Map<String, String> map, String... keys) {
    if (map == null) {
      return null;
    }
    for (String k : keys) {
      String v = map.get(k);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }

  private static String labelsSuffix(@Nullable Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder("{");
    new java.util.TreeMap<>(labels)
        .forEach(
            (k, v) -> {
              if (sb.length() > 1) {
                sb.append(',');
              }
              sb.append(k).append('=').append(v);
            });
    return sb.append('}').toString();
  }
}
