package io.signalfold.anomaly.internal;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.anomaly.AnomalyStage;
import io.signalfold.anomaly.SignalCatalog;
import io.signalfold.anomaly.core.EpisodeEvent;
import io.signalfold.anomaly.core.EpisodeListener;
import io.signalfold.anomaly.core.PointScore;
import io.signalfold.anomaly.core.SeriesDetector;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.anomaly.core.SeriesStateCodec;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.Forecast;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SeriesSample;
import io.signalfold.schema.SignalSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by series id: runs one {@link SeriesDetector} per derived signal ("slot") of the input
 * series and turns its episode transitions into {@link Anomaly} records.
 *
 * <p>State per key: the detectors as one versioned {@code byte[]} ({@link SeriesStateCodec}), the
 * series identity (an Avro {@link Anomaly} template, so its schema evolves with Avro rules), the
 * pending timer and, when pattern records are on, the {@link PointScore} of the first signal (its
 * own state through {@link PointScoreSerializer}, so turning them on or off never touches the
 * detectors' state, and the heap backend keeps it as a live object). One event-time timer per key
 * drives both missing-data detection (it fires when a series that normally has traffic has been
 * silent past its threshold) and cleanup (it clears everything once the series has been silent for
 * {@code stateTtlMs}).
 *
 * <p>Pattern records: the first signal of each series is also scored by {@link PointScore} (the
 * code the NAB harness scores with, in its pipeline configuration). When its sequence novelty or
 * its deviation from the earlier day or week sets a point's score above what the detector reported,
 * a DRIFT record at INVESTIGATE tier says so, whatever its score: the shape of the series changed,
 * which is worth a look, not a page (the correlation stage opens candidates on ALARM only).
 */
public abstract class SeriesAnomalyFunction<T> extends KeyedProcessFunction<String, T, Anomaly> {

  private static final long serialVersionUID = 1L;

  protected final AnomalyConfig config;
  protected final SignalCatalog catalog;
  private final int slots;

  /** Version the state is written in; tests set 1 to produce a snapshot of the older layout. */
  int writeVersion = SeriesStateCodec.CURRENT_VERSION;

  private transient ValueState<byte[]> models;
  private transient ValueState<Anomaly> identity;
  private transient ValueState<Long> timer;
  private transient ValueState<PointScore> patterns;
  private transient Counter published;
  private transient Counter late;
  private transient SeriesDetector[] detectors;
  private transient boolean[] present;
  private transient Emitter emitter;

  protected SeriesAnomalyFunction(AnomalyConfig config, int slots) {
    this.config = config;
    this.catalog = new SignalCatalog(config);
    this.slots = slots;
  }

  @Override
  public void open(OpenContext ctx) {
    io.signalfold.schema.AvroCoders.enable();
    models = getRuntimeContext().getState(new ValueStateDescriptor<>("models", byte[].class));
    identity = getRuntimeContext().getState(new ValueStateDescriptor<>("identity", Anomaly.class));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Long.class));
    patterns =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("patterns", new PointScoreSerializer()));
    published = getRuntimeContext().getMetricGroup().counter("anomaliesPublished");
    late = getRuntimeContext().getMetricGroup().counter("lateOrOutOfOrderPoints");
    detectors = new SeriesDetector[slots];
    present = new boolean[slots];
    for (int s = 0; s < slots; s++) {
      detectors[s] = new SeriesDetector(config.detector(), SeriesSpec.generic());
    }
    emitter = new Emitter();
  }

  // ---- what a subclass supplies ----

  protected abstract long timestampOf(T record);

  /** Signal name of a slot for this record, or null when the record has no such value. */
  protected abstract String signalOf(int slot, T record);

  protected abstract SeriesSpec.NoiseModel noiseOf(int slot);

  /**
   * Noise model of a slot given the signal it publishes (a metric slot is a gauge or a counter rate
   * depending on the record); defaults to {@link #noiseOf(int)}.
   */
  protected SeriesSpec.NoiseModel noiseOf(int slot, String signal) {
    return noiseOf(slot);
  }

  /** Value of a slot (NaN to skip this slot for this record). */
  protected abstract double valueOf(int slot, T record);

  /** Trials (requests) or exposure seconds behind the value, 0 when not applicable. */
  protected abstract double trialsOf(int slot, T record);

  protected abstract SignalSource source();

  protected abstract ResourceContext resourceOf(T record);

  protected abstract Map<String, String> attributesOf(T record);

  /** Evidence for an anomaly on a slot (trace ids, log template...). */
  protected abstract void evidence(int slot, T record, AnomalyEvidence.Builder evidence);

  /** Whether silence of this series is an anomaly (false for log template counts). */
  protected boolean missingDataApplies() {
    return true;
  }

  /** The slot that reports silence (one MISSING_DATA per series, not one per derived signal). */
  protected int missingDataSlot() {
    return 0;
  }

  /** The slot whose values are also scored for pattern records. */
  protected int patternSlot() {
    return 0;
  }

  /** Lets a subclass map the generic kinds (log series publish LOG_SURGE for a spike). */
  protected AnomalyKind kindOf(int slot, AnomalyKind kind) {
    return kind;
  }

  /** Hook for records that publish anomalies of their own (new log templates). */
  protected void extra(T record, Anomaly identityTemplate, Collector<Anomaly> out)
      throws Exception {}

  // ---- processing ----

  @Override
  public void processElement(T record, Context ctx, Collector<Anomaly> out) throws Exception {
    long t = timestampOf(record);
    load();
    Anomaly id = identity.value();
    ResourceContext resource = resourceOf(record);
    if (id == null || !resource.equals(id.getResource())) {
      id = template(ctx.getCurrentKey(), resource, attributesOf(record));
      identity.update(id);
    }
    emitter.bind(id, record, out, t);
    for (int s = 0; s < slots; s++) {
      String signal = signalOf(s, record);
      double v = signal == null ? Double.NaN : valueOf(s, record);
      if (Double.isNaN(v)) {
        continue;
      }
      SeriesSpec spec = catalog.specOf(signal, noiseOf(s, signal));
      SeriesDetector d = detectors[s];
      d.reconfigure(catalog.detectorFor(spec.signalClass()), spec);
      if (!present[s]) {
        d.reset();
        present[s] = true;
      }
      if (d.historyPoints() > 0 && t < d.lastTimestampMs()) {
        late.inc();
      }
      emitter.slot(s, signal, d);
      d.observe(t, v, trialsOf(s, record), emitter);
      if (s == patternSlot() && config.patternRecords()) {
        scorePattern(t, v);
      }
    }
    extra(record, id, out);
    if (emitter.identityChanged) {
      identity.update(id);
      emitter.identityChanged = false;
    }
    models.update(SeriesStateCodec.encode(detectors, present, writeVersion));
    // keep one timer: the earliest of the pending one and this point's next check (after a
    // missing-data episode the pending one is the far cleanup timer and must be brought forward)
    Long pending = timer.value();
    long next = nextTimer(t);
    if (pending == null || next < pending) {
      if (pending != null) {
        ctx.timerService().deleteEventTimeTimer(pending);
      }
      ctx.timerService().registerEventTimeTimer(next);
      timer.update(next);
    }
  }

  @Override
  public void onTimer(long now, OnTimerContext ctx, Collector<Anomaly> out) throws Exception {
    timer.clear();
    load();
    long last = Long.MIN_VALUE;
    for (int s = 0; s < slots; s++) {
      if (present[s] && detectors[s].historyPoints() > 0) {
        last = Math.max(last, detectors[s].lastTimestampMs());
      }
    }
    if (last == Long.MIN_VALUE || now - last >= config.stateTtlMs()) {
      models.clear();
      identity.clear();
      patterns.clear();
      return;
    }
    Anomaly id = identity.value();
    // End of a bounded input advances the watermark to +inf: that is not silence of the series.
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    if (id != null && !endOfInput) {
      emitter.bind(id, null, out, now);
      for (int s = 0; s < slots; s++) {
        SeriesDetector d = detectors[s];
        if (present[s] && missingDataApplies() && s == missingDataSlot()) {
          String signal = signalName(id, s);
          d.reconfigure(
              catalog.detectorFor(catalog.classOf(signal)),
              catalog.specOf(signal, noiseOf(s, signal)));
          emitter.slot(s, signal, d);
          d.checkSilence(now, emitter);
        }
      }
      models.update(SeriesStateCodec.encode(detectors, present, writeVersion));
    }
    long next = nextTimer(last);
    if (next <= now) {
      next = last + config.stateTtlMs();
    }
    ctx.timerService().registerEventTimeTimer(next);
    timer.update(next);
  }

  /** The signal a slot published last (kept in the identity's attributes). */
  private static String signalName(Anomaly id, int slot) {
    String s = id.getAttributes().get("signal." + slot);
    return s == null ? "unknown" : s;
  }

  /** Earliest of: the first missing-data check of a slot that has not yet gone missing, cleanup. */
  private long nextTimer(long last) {
    long next = last + config.stateTtlMs();
    for (int s = 0; s < slots; s++) {
      SeriesDetector d = detectors[s];
      if (present[s] && !d.missingOpen() && missingDataApplies() && s == missingDataSlot()) {
        long silence = d.silenceThresholdMs();
        long check = last + (silence > 0 ? silence : config.detector().missingMinMs()) + 1;
        next = Math.min(next, check);
      }
    }
    return next;
  }

  /** Scores the pattern slot's point and publishes a pattern record when its evidence says so. */
  private void scorePattern(long t, double v) throws Exception {
    PointScore pattern = patterns.value();
    if (pattern == null) {
      pattern = PointScore.forPipeline(); // a new series starts from nothing
    }
    double score = pattern.score(t, v, emitter.pointScore);
    PointScore.Evidence e = pattern.lastEvidence();
    if (e == PointScore.Evidence.SEQUENCE || e == PointScore.Evidence.CYCLE) {
      emitter.pattern(t, v, score, e);
    }
    patterns.update(pattern); // the same object on the heap backend: no copy
  }

  private void load() throws Exception {
    java.util.Arrays.fill(present, false);
    byte[] bytes = models.value();
    if (bytes != null) {
      SeriesStateCodec.decode(bytes, detectors, present);
    }
  }

  private Anomaly template(String key, ResourceContext resource, Map<String, String> attributes) {
    return Anomaly.newBuilder()
        .setId("")
        .setSeriesId(key)
        .setSignal("")
        .setSource(source())
        .setTimestampMs(0)
        .setOnsetMs(0)
        .setPhase(io.signalfold.schema.AnomalyPhase.OPEN)
        .setResource(resource)
        .setAttributes(new java.util.HashMap<>(attributes))
        .setValue(0)
        .setExpected(0)
        .setLower(0)
        .setUpper(0)
        .setScore(0)
        .setDirection(io.signalfold.schema.Direction.NONE)
        .setKind(AnomalyKind.SPIKE)
        .setSignalClass(io.signalfold.schema.SignalClass.LAGGING)
        .setTier(io.signalfold.schema.AnomalyTier.INVESTIGATE)
        .setHistoryPoints(0)
        .setHistoryMs(0)
        .setEvidence(AnomalyEvidence.newBuilder().build())
        .setDetector("")
        .build();
  }

  /** Stable id: series, opening kind and onset. */
  static String anomalyId(String seriesKey, String signal, AnomalyKind kind, long onsetMs) {
    String text = seriesKey + '|' + signal + '|' + kind + '|' + onsetMs;
    return UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Builds Anomaly records from episode events (allocates only when something is published). */
  private final class Emitter implements EpisodeListener {
    private Anomaly id;
    private T record;
    private Collector<Anomaly> out;
    private int slot;
    private String signal;
    private SeriesDetector detector;
    boolean identityChanged;

    /** Highest score published for the current slot's point (0 when none). */
    double pointScore;

    void bind(Anomaly identityTemplate, T rec, Collector<Anomaly> collector, long t) {
      this.id = identityTemplate;
      this.record = rec;
      this.out = collector;
    }

    void slot(int s, String signalName, SeriesDetector d) {
      this.slot = s;
      this.signal = signalName;
      this.detector = d;
      this.pointScore = 0;
      String key = "signal." + s;
      if (!signalName.equals(id.getAttributes().get(key))) {
        id.getAttributes().put(key, signalName);
        identityChanged = true;
      }
    }

    @Override
    public void onEpisode(EpisodeEvent e) {
      AnomalyKind kind = kindOf(slot, e.kind());
      AnomalyKind opening = kindOf(slot, e.openingKind());
      List<SeriesSample> recent = new ArrayList<>();
      if (e.phase() == io.signalfold.schema.AnomalyPhase.OPEN) {
        for (int i = 0; i < detector.recentCount(); i++) {
          recent.add(
              new SeriesSample(
                  detector.recentTimestamp(i),
                  detector.recentValue(i),
                  detector.recentExpected(i),
                  detector.recentLower(i),
                  detector.recentUpper(i)));
        }
      }
      Forecast forecast = null;
      if (!Double.isNaN(e.slopePerHour())) {
        forecast =
            new Forecast(
                e.slopePerHour(),
                Double.isNaN(e.limit()) ? null : e.limit(),
                e.timeToLimitMs() < 0 ? null : e.timeToLimitMs());
      }
      Anomaly a =
          Anomaly.newBuilder(id)
              .setId(anomalyId(id.getSeriesId(), signal, opening, e.onsetMs()))
              .setSignal(signal)
              .setTimestampMs(e.timestampMs())
              .setOnsetMs(e.onsetMs())
              .setPhase(e.phase())
              .setAttributes(attributes())
              .setValue(finite(e.value()))
              .setExpected(finite(e.expected()))
              .setLower(finite(e.lower()))
              .setUpper(finite(e.upper()))
              .setScore(Math.max(0, Math.min(1, e.score())))
              .setDirection(e.direction())
              .setKind(kind)
              .setSignalClass(detector.spec().signalClass())
              .setTier(e.tier())
              .setRecurring(e.recurring())
              .setRecurringMagnitude(
                  Double.isNaN(e.recurringMagnitude()) ? null : e.recurringMagnitude())
              .setHistoryPoints(e.historyPoints())
              .setHistoryMs(e.historyMs())
              .setOnsetCensored(e.onsetCensored())
              .setForecast(forecast)
              .setEvidence(evidence())
              .setDetector("signalfold.series/" + kind.name().toLowerCase(java.util.Locale.ROOT))
              .setRecent(recent)
              .build();
      pointScore = Math.max(pointScore, a.getScore());
      published.inc();
      out.collect(a);
    }

    /** The series' attributes without the bookkeeping of which signal each slot published. */
    private Map<String, String> attributes() {
      Map<String, String> attributes = new java.util.HashMap<>(id.getAttributes());
      attributes.keySet().removeIf(k -> k.startsWith("signal."));
      return attributes;
    }

    /** Evidence from the current record for the current slot, with the link back to the series. */
    private AnomalyEvidence evidence() {
      AnomalyEvidence.Builder ev = AnomalyEvidence.newBuilder();
      if (record != null) {
        SeriesAnomalyFunction.this.evidence(slot, record, ev);
      }
      ev.setLink(config.linkTo(id.getSeriesId(), signal));
      return ev.build();
    }

    /** A pattern record for the current slot's point at {@code t}. */
    void pattern(long t, double value, double score, PointScore.Evidence evidence) {
      String name = evidence == PointScore.Evidence.CYCLE ? "cycle" : "sequence";
      int last = detector.recentCount() - 1;
      double expected = last >= 0 ? detector.recentExpected(last) : value;
      double lower = last >= 0 ? detector.recentLower(last) : value;
      double upper = last >= 0 ? detector.recentUpper(last) : value;
      Map<String, String> attributes = attributes();
      attributes.put("pattern", name);
      Anomaly a =
          Anomaly.newBuilder(id)
              .setId(anomalyId(id.getSeriesId(), signal + "|pattern=" + name, AnomalyKind.DRIFT, t))
              .setSignal(signal)
              .setTimestampMs(t)
              .setOnsetMs(t)
              .setPhase(io.signalfold.schema.AnomalyPhase.OPEN)
              .setAttributes(attributes)
              .setValue(finite(value))
              .setExpected(finite(expected))
              .setLower(finite(lower))
              .setUpper(finite(upper))
              .setScore(Math.max(0, Math.min(1, score)))
              .setDirection(
                  value > expected
                      ? io.signalfold.schema.Direction.UP
                      : value < expected
                          ? io.signalfold.schema.Direction.DOWN
                          : io.signalfold.schema.Direction.NONE)
              .setKind(AnomalyKind.DRIFT)
              .setSignalClass(detector.spec().signalClass())
              .setTier(io.signalfold.schema.AnomalyTier.INVESTIGATE)
              .setHistoryPoints(detector.historyPoints())
              .setHistoryMs(detector.historyMs())
              .setEvidence(evidence())
              .setDetector(AnomalyStage.PATTERN_DETECTOR_PREFIX + name)
              .setRecent(List.of())
              .build();
      published.inc();
      out.collect(a);
    }
  }

  /** A record's numbers must be finite (Avro JSON and consumers); anything else is reported 0. */
  static double finite(double v) {
    return Double.isFinite(v) ? v : 0.0;
  }
}
