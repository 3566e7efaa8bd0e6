package io.signalfold.anomaly.core;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;

/**
 * The online model of one univariate series and the detectors that read it.
 *
 * <p>Design note. The baseline is additive Holt-Winters-style exponential smoothing (Holt 1957,
 * Winters 1960) with two seasonal profiles learned from the stream, a 48-bin time-of-day profile
 * and a 168-bin hour-of-week correction, both linearly interpolated between bin centres, on top of
 * a slow deseasonalised baseline; a short-term level absorbs local offsets. A second, non-seasonal
 * local-level model runs beside it, and the one with the smaller recent one-step error is used
 * (forecast selection by recent accuracy), so series without a daily cycle are not hurt by a noisy
 * profile. All smoothing weights are derived from elapsed event time ({@code 1 - exp(-dt/tau)},
 * with {@code dt} capped at three typical intervals), so export resolution changes and gaps do not
 * change the speed of learning. The spread is the exponentially weighted mean absolute residual
 * with Huber clipping at four spreads, a robust scale that one spike cannot widen; points outside
 * the band are learned at a reduced weight. Deviations are judged three ways: the point residual
 * (Gaussian surprise, calibrated against the series' own 99th percentile of |z| from a decayed
 * histogram so that heavy-tailed series need larger excursions), a two-sided CUSUM (Page 1954) on
 * the residual from the slow baseline (level shifts too small for one point), and, for counts, a
 * binomial or Poisson Chernoff bound so that three failures out of five requests are not an outage.
 * Trends use exponentially weighted least squares on the deseasonalised level with a forecast of
 * time to the configured limit; drift compares the last 7 days with the week four weeks earlier.
 * Episodes open, continue on escalation or periodic refresh, and recover after {@code
 * recoverPoints} points back in band; a deviation that persists for {@code shiftAcceptMs} is
 * accepted as the new level.
 *
 * <p>The per-point path allocates nothing. Not thread-safe: one instance per series.
 */
public final class SeriesDetector {

  /**
   * A CONTINUOUS point backed by fewer samples than this (the {@code trials} of {@link #observe})
   * opens as INVESTIGATE even when it scores as an alarm; the next point that is still anomalous on
   * the same side confirms it (ALARM).
   */
  public static final int MIN_SAMPLES_FOR_POINT_ALARM = 20;

  /** Set per {@link #observe}: the current point is such a thin statistic (not state). */
  private boolean thinPoint;

  static final long DAY_MS = 86_400_000L;
  static final long WEEK_MS = 7 * DAY_MS;
  static final long HOUR_MS = 3_600_000L;

  /** Monday 1970-01-05 00:00 UTC: hour-of-week bins start on Monday. */
  static final long WEEK_ORIGIN_MS = 4 * DAY_MS;

  static final int DAY_BINS = 48;
  static final int WEEK_BINS = 168;

  /** |z| histogram: bin b holds 4*log2(1+|z|) in [b, b+1), so it spans |z| up to 2^16. */
  static final int Z_BINS = 64;

  static final int DRIFT_DAYS = 35;

  /**
   * An episode opening within this many typical intervals of the moment the series first had enough
   * history to alert was (very likely) already under way before: its onset is censored.
   */
  static final int CENSORED_ONSET_INTERVALS = 5;

  static final int RECENT = 12;

  static final int DEVIATION = 0;
  static final int TREND = 1;
  static final int DRIFT = 2;
  static final int MISSING = 3;
  static final int FAMILIES = 4;

  private static final double MAD_TO_SIGMA = 1.2533;

  /** Two-sided 99.5% quantile of the standard normal: the calibration reference. */
  private static final double Z_REF = 2.807;

  private static final double CUSUM_CLIP = 4.0;

  /**
   * The CUSUM's input is calibrated at the series' 99.5th percentile of |z| (reference 2.576). A
   * 98th-percentile calibration (2.326) found shifts in spiky series sooner and scored better on
   * NAB, but on generated telemetry it opened weak pre-fault level shifts that moved incident
   * onsets before the deploy that caused them (the deploy was then ruled out as "after onset"); 99%
   * did the same. Measured in the end-to-end scenario, not derived.
   */
  private static final double Q_CUSUM = 0.995;

  private static final double Z_CUSUM = 2.576;
  private static final double LN2 = Math.log(2.0);

  /** Per-point decay of the |z| histogram: it follows about the last 2000 points. */
  private static final float ZHIST_DECAY = 0.9995f;

  /** Surprise per unit of CUSUM statistic (chosen on NAB, like the regime weight). */
  private static final double SHIFT_WEIGHT = 0.5;

  /** Weight of the regime surprise against the point and shift surprises. */
  private static final double REGIME_WEIGHT = 0.5;

  private static final double HUBER = 4.0;

  /**
   * Spatial novelty (the "spatial anomaly" of Numenta's NAB detector): a value beyond the whole
   * range seen so far by more than this fraction of that range.
   */
  private static final double NOVEL_MARGIN = 0.05;

  /**
   * Surprise of a novel value, in digits: a value the series has never come near is treated as
   * ALARM-grade (score 0.875); count noise still caps it for counts and ratios.
   */
  private static final double NOVEL_SURPRISE = 12.0;

  /**
   * The range must have been observed this long before a value outside it counts as novel: a full
   * weekly cycle, so the first weekend, night or peak after the cold start is not news.
   */
  private static final long NOVEL_MIN_HISTORY_MS = 7 * 24 * 3_600_000L;

  private DetectorConfig cfg;
  private SeriesSpec spec;
  private final EpisodeEvent event = new EpisodeEvent();

  // ---- state (written by SeriesStateCodec) ----
  long firstMs;
  long lastMs;
  long points;
  double typicalDtMs;
  double typicalTrials;

  /** Seasonal model: slow deseasonalised baseline, short-term offset, spreads. */
  double baseline;

  double shortLevel;
  double spreadSeasonal;
  double slowSpread;

  /** Non-seasonal local-level model. */
  double localLevel;

  double slowLocal;
  double spreadLocal;
  double slowSpreadLocal;

  final float[] day = new float[DAY_BINS];
  final float[] dayWeight = new float[DAY_BINS];
  final float[] week = new float[WEEK_BINS];
  final float[] weekWeight = new float[WEEK_BINS];
  final float[] zHist = new float[Z_BINS];

  double cusumUp;
  double cusumDown;

  /**
   * Lowest and highest value seen since {@code rangeFromMs} (spatial novelty); -1 means the range
   * starts on the next point (state restored from a version without it).
   */
  double rangeMin;

  double rangeMax;
  long rangeFromMs;
  double calib;

  /** Regime statistic: short average of |z| and the long-run mean and variance of that average. */
  double shortAbsZ;

  double regimeMean;
  double regimeVar;

  /** Exponentially weighted regression sums of the deseasonalised value on hours since firstMs. */
  double sw;

  double st;
  double stt;
  double sy;
  double sty;
  double syy;

  long driftDay;
  final float[] driftSum = new float[DRIFT_DAYS];
  final float[] driftCount = new float[DRIFT_DAYS];

  long recurringDay;
  final float[] recurCount = new float[DAY_BINS];
  final float[] recurMagnitude = new float[DAY_BINS];

  final boolean[] active = new boolean[FAMILIES];
  final byte[] openKind = new byte[FAMILIES];
  final byte[] curKind = new byte[FAMILIES];
  final byte[] tier = new byte[FAMILIES];
  final byte[] dir = new byte[FAMILIES];
  final long[] onset = new long[FAMILIES];
  final long[] lastEmit = new long[FAMILIES];
  final double[] maxScore = new double[FAMILIES];
  final int[] inBand = new int[FAMILIES];
  boolean devRecurring;
  double devShift;
  long lastRecoverMs;
  double lastEpisodeMax;
  int lastEpisodeDir;

  final long[] recentT = new long[RECENT];
  final double[] recentV = new double[RECENT];
  final double[] recentE = new double[RECENT];
  final double[] recentLo = new double[RECENT];
  final double[] recentHi = new double[RECENT];
  int recentNext;
  int recentSize;

  // ---- last point, for callers (not state) ----
  private double lastExpected;
  private double lastLower;
  private double lastUpper;
  private double lastScore;

  /** Evidence of the last observed point (not state: zero after a restore until the next point). */
  private double lastPointSurprise;

  private double lastShiftSurprise;
  private double lastRegimeSurprise;
  private double lastNovelSurprise;
  private double lastZ;
  private double lastShiftZ;

  public SeriesDetector(DetectorConfig cfg, SeriesSpec spec) {
    this.cfg = cfg;
    this.spec = spec;
  }

  /** Replaces the series' spec (configuration changes apply without losing the model). */
  public void spec(SeriesSpec newSpec) {
    this.spec = newSpec;
  }

  /** Replaces configuration and spec, which are not part of the state. */
  public void reconfigure(DetectorConfig newConfig, SeriesSpec newSpec) {
    this.cfg = newConfig;
    this.spec = newSpec;
  }

  /** Forgets everything learned: the detector behaves as if new. */
  public void reset() {
    firstMs = 0;
    lastMs = 0;
    points = 0;
    typicalDtMs = 0;
    typicalTrials = 0;
    baseline = 0;
    shortLevel = 0;
    spreadSeasonal = 0;
    slowSpread = 0;
    localLevel = 0;
    slowLocal = 0;
    spreadLocal = 0;
    slowSpreadLocal = 0;
    java.util.Arrays.fill(day, 0f);
    java.util.Arrays.fill(dayWeight, 0f);
    java.util.Arrays.fill(week, 0f);
    java.util.Arrays.fill(weekWeight, 0f);
    java.util.Arrays.fill(zHist, 0f);
    cusumUp = 0;
    cusumDown = 0;
    rangeMin = 0;
    rangeMax = 0;
    rangeFromMs = 0;
    calib = 0;
    shortAbsZ = 0;
    regimeMean = 0;
    regimeVar = 0;
    sw = 0;
    st = 0;
    stt = 0;
    sy = 0;
    sty = 0;
    syy = 0;
    driftDay = 0;
    java.util.Arrays.fill(driftSum, 0f);
    java.util.Arrays.fill(driftCount, 0f);
    recurringDay = 0;
    java.util.Arrays.fill(recurCount, 0f);
    java.util.Arrays.fill(recurMagnitude, 0f);
    java.util.Arrays.fill(active, false);
    java.util.Arrays.fill(openKind, (byte) 0);
    java.util.Arrays.fill(curKind, (byte) 0);
    java.util.Arrays.fill(tier, (byte) 0);
    java.util.Arrays.fill(dir, (byte) 0);
    java.util.Arrays.fill(onset, 0L);
    java.util.Arrays.fill(lastEmit, 0L);
    java.util.Arrays.fill(maxScore, 0.0);
    java.util.Arrays.fill(inBand, 0);
    devRecurring = false;
    devShift = 0;
    lastRecoverMs = 0;
    lastEpisodeMax = 0;
    lastEpisodeDir = 0;
    recentNext = 0;
    recentSize = 0;
    lastExpected = 0;
    lastLower = 0;
    lastUpper = 0;
    lastScore = 0;
    lastPointSurprise = 0;
    lastShiftSurprise = 0;
    lastRegimeSurprise = 0;
    lastNovelSurprise = 0;
    lastZ = 0;
    lastShiftZ = 0;
  }

  public SeriesSpec spec() {
    return spec;
  }

  public DetectorConfig config() {
    return cfg;
  }

  /** Points observed so far. */
  public long historyPoints() {
    return points;
  }

  /** Event time covered by the history. */
  public long historyMs() {
    return points == 0 ? 0 : lastMs - firstMs;
  }

  public long lastTimestampMs() {
    return lastMs;
  }

  /** Typical interval between points (geometric running mean), 0 before the second point. */
  public double typicalIntervalMs() {
    return typicalDtMs;
  }

  public double lastExpected() {
    return lastExpected;
  }

  public double lastLower() {
    return lastLower;
  }

  public double lastUpper() {
    return lastUpper;
  }

  /** Deviation score of the last point in [0, 1] (0 during cold start). */
  public double lastScore() {
    return lastScore;
  }

  /**
   * Point surprise of the last point (decimal digits, calibrated Gaussian tail of its residual),
   * computed also during the cold start; 0 on the side a one-sided series ignores.
   */
  public double lastPointSurprise() {
    return lastPointSurprise;
  }

  /** Level-shift (CUSUM) surprise of the last point, in digits, also during the cold start. */
  public double lastShiftSurprise() {
    return lastShiftSurprise;
  }

  /** Regime (anomaly-likelihood) surprise of the last point, in digits. */
  public double lastRegimeSurprise() {
    return lastRegimeSurprise;
  }

  /** Spatial-novelty surprise of the last point, in digits (0 or the novelty constant). */
  public double lastNovelSurprise() {
    return lastNovelSurprise;
  }

  /** Calibrated z of the last point's residual against the fast expectation (signed). */
  public double lastZ() {
    return lastZ;
  }

  /** Calibrated z of the last point's residual against the slow baseline (the CUSUM's input). */
  public double lastShiftZ() {
    return lastShiftZ;
  }

  /** True once the series has enough history to alert. */
  public boolean warm() {
    return points >= cfg.minHistoryPoints() && lastMs - firstMs >= cfg.minHistoryMs();
  }

  /** Whether an episode of the deviation family is open. */
  public boolean deviationOpen() {
    return active[DEVIATION];
  }

  /** Recent samples kept for charts: count, then timestamp/value/band by age (0 = oldest). */
  public int recentCount() {
    return recentSize;
  }

  public long recentTimestamp(int i) {
    return recentT[recentIndex(i)];
  }

  public double recentValue(int i) {
    return recentV[recentIndex(i)];
  }

  public double recentExpected(int i) {
    return recentE[recentIndex(i)];
  }

  public double recentLower(int i) {
    return recentLo[recentIndex(i)];
  }

  public double recentUpper(int i) {
    return recentHi[recentIndex(i)];
  }

  private int recentIndex(int i) {
    int start = recentSize < RECENT ? 0 : recentNext;
    return (start + i) % RECENT;
  }

  /** Observes a continuous value. */
  public void observe(long timestampMs, double value, EpisodeListener out) {
    observe(timestampMs, value, 0.0, out);
  }

  /**
   * Observes one point. {@code trials} is the number of requests behind a BINOMIAL value or the
   * exposure in seconds behind a POISSON rate (0 when unknown or CONTINUOUS).
   */
  public void observe(long t, double x, double trials, EpisodeListener out) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return;
    }
    if (points == 0) {
      initialise(t, x, trials);
      return;
    }
    if (t < lastMs) {
      // Out of order beyond what the stage sorted: too late to learn from without corrupting the
      // time-weighted averages. The caller counts it.
      return;
    }
    if (active[MISSING]) {
      closeMissing(t, x, out);
    }
    long dtRaw = t - lastMs;
    if (dtRaw > 0) {
      typicalDtMs =
          typicalDtMs <= 0 ? dtRaw : Math.exp(0.9 * Math.log(typicalDtMs) + 0.1 * Math.log(dtRaw));
    }
    double dt = Math.min(dtRaw, 3.0 * typicalDtMs);
    rollDays(t);

    // ---- seasonal lookup (interpolated between bin centres) ----
    double dayPos = (double) Math.floorMod(t, DAY_MS) * DAY_BINS / DAY_MS - 0.5;
    int d0 = (int) Math.floor(dayPos);
    double df = dayPos - d0;
    d0 = Math.floorMod(d0, DAY_BINS);
    int d1 = (d0 + 1) % DAY_BINS;
    double weekPos =
        (double) Math.floorMod(t - WEEK_ORIGIN_MS, WEEK_MS) * WEEK_BINS / WEEK_MS - 0.5;
    int w0 = (int) Math.floor(weekPos);
    double wf = weekPos - w0;
    w0 = Math.floorMod(w0, WEEK_BINS);
    int w1 = (w0 + 1) % WEEK_BINS;
    double dayPart =
        (1 - df) * day[d0] * Math.min(1f, dayWeight[d0])
            + df * day[d1] * Math.min(1f, dayWeight[d1]);
    double weekPart =
        (1 - wf) * week[w0] * Math.min(1f, weekWeight[w0])
            + wf * week[w1] * Math.min(1f, weekWeight[w1]);
    double season = dayPart + weekPart;

    // ---- choose the model with the smaller recent error ----
    boolean seasonal = spreadSeasonal <= spreadLocal;
    double expected = seasonal ? baseline + season + shortLevel : localLevel;
    double spread = seasonal ? spreadSeasonal : spreadLocal;
    double slowResid = seasonal ? x - baseline - season : x - slowLocal;
    double slowSp = seasonal ? slowSpread : slowSpreadLocal;
    double floor =
        Math.max(
            1e-9 + 1e-3 * Math.abs(expected) + 0.02 * MAD_TO_SIGMA * slowSpreadLocal,
            spec.minDeviation() / 3.0); // the 3-sigma band is at least +-minDeviation wide
    double sigma = Math.max(MAD_TO_SIGMA * spread, floor);
    if (trials > 0 && typicalTrials > trials && spec.noise() == SeriesSpec.NoiseModel.CONTINUOUS) {
      // a statistic of fewer samples than usual (a p95 of a quiet interval) is noisier: 1/sqrt(n)
      sigma *= Math.sqrt(typicalTrials / trials);
    }
    // a point statistic of very few samples (a p95 of one or two sampled spans) cannot open an
    // ALARM on its own: one slow request is not an incident. The next anomalous point escalates.
    thinPoint =
        trials > 0
            && trials < MIN_SAMPLES_FOR_POINT_ALARM
            && spec.noise() == SeriesSpec.NoiseModel.CONTINUOUS;
    double r = x - expected;
    double z = r / sigma;
    double q995 = zQuantile(0.995);
    calib = Z_REF / Math.max(Z_REF, q995);
    double zc = z * calib;

    // ---- surprises ----
    double pointSurprise = sideFilter(z) ? Surprise.gaussianTwoSided(zc) : 0.0;
    // CUSUM input: robust z of the slow residual, calibrated at the 98th percentile (Q_CUSUM)
    double zs =
        slowResid
            / Math.max(MAD_TO_SIGMA * slowSp, floor)
            * (Z_CUSUM / Math.max(Z_CUSUM, zQuantile(Q_CUSUM)));
    double zsClip = Math.max(-CUSUM_CLIP, Math.min(CUSUM_CLIP, zs));
    double decay = Math.exp(-dt / tau(cfg.levelTauMs() * 4));
    double cw = cusumWeight(t, dt);
    cusumUp = Math.max(0.0, cusumUp * decay + cw * (zsClip - cfg.cusumSlack()));
    cusumDown = Math.max(0.0, cusumDown * decay + cw * (-zsClip - cfg.cusumSlack()));
    double shiftSurprise = 0.0;
    int shiftDir = 0;
    if (cusumUp > cusumDown && sideFilter(1.0)) {
      shiftSurprise = SHIFT_WEIGHT * cusumUp;
      shiftDir = 1;
    } else if (cusumDown > 0 && sideFilter(-1.0)) {
      shiftSurprise = SHIFT_WEIGHT * cusumDown;
      shiftDir = -1;
    }
    double regimeSurprise = regime(dt, Math.min(Math.abs(zc), 8.0));
    double novelSurprise = novelty(t, x);
    double surprise =
        Math.max(Math.max(Math.max(pointSurprise, shiftSurprise), regimeSurprise), novelSurprise);
    if (trials > 0 && spec.noise() != SeriesSpec.NoiseModel.CONTINUOUS) {
      surprise = Math.min(surprise, countSurprise(x, expected, sigma, trials));
    }
    double score = warm() ? scoreOf(surprise) : 0.0;
    int direction = pointSurprise >= shiftSurprise ? (r >= 0 ? 1 : -1) : shiftDir;

    double lower = expected - 3.0 * sigma / calib;
    double upper = expected + 3.0 * sigma / calib;
    lastExpected = expected;
    lastLower = lower;
    lastUpper = upper;
    lastScore = score;
    lastPointSurprise = pointSurprise;
    lastShiftSurprise = shiftSurprise;
    lastRegimeSurprise = regimeSurprise;
    lastNovelSurprise = novelSurprise;
    lastZ = zc;
    lastShiftZ = zs;
    remember(t, x, expected, lower, upper);

    // ---- episodes (before learning, so that acceptance uses the pre-shift model) ----
    // Back in band: inside the fast band with no shift pending, or - for an open episode whose
    // value has crossed back to the other side of the expectation - back at the slow baseline's
    // level (the long-run normal): after a long fault the CUSUM's memory of it and a fast model
    // that learned part of it (an expectation, and band, still raised) must not hold the episode
    // open once the value is normal again.
    boolean returned =
        active[DEVIATION] && (r >= 0 ? 1 : -1) != dir[DEVIATION] && Math.abs(zs) < cfg.recoverZ();
    boolean inBandNow = (Math.abs(zc) < cfg.recoverZ() && shiftSurprise < 2.0) || returned;
    deviationEpisode(
        t, x, expected, lower, upper, score, direction, r, pointSurprise, inBandNow, out);

    // ---- learning ----
    // during warm-up the spread is still forming: learn everything at full weight, unclipped
    boolean settling = points < cfg.minHistoryPoints();
    double weight = settling || Math.abs(zc) < cfg.learnBandZ() ? 1.0 : cfg.anomalyWeight();
    if (trials > 0 && typicalTrials > 0) {
      weight *= Math.min(1.0, trials / typicalTrials);
    }
    if (trials > 0) {
      typicalTrials = typicalTrials <= 0 ? trials : typicalTrials + 0.02 * (trials - typicalTrials);
    }
    learn(t, x, dt, weight, season, dayPart, weekPart, d0, d1, df, w0, w1, wf, Math.abs(z));

    if (spec.trend()) {
      trendDetector(t, x - season, out);
    }
    lastMs = t;
    points++;
  }

  /**
   * Spatial novelty (after the "spatial anomaly" of Numenta's NAB detector): a value more than
   * {@code NOVEL_MARGIN} of the observed range beyond everything seen so far, once the range has
   * been observed for a week (and the cold-start time). Then the range takes the value in.
   */
  private double novelty(long t, double x) {
    if (rangeFromMs < 0) {
      rangeFromMs = t;
      rangeMin = x;
      rangeMax = x;
      return 0.0;
    }
    double surprise = 0.0;
    double margin = NOVEL_MARGIN * (rangeMax - rangeMin);
    if (t - rangeFromMs >= Math.max(cfg.minHistoryMs(), NOVEL_MIN_HISTORY_MS)
        && (x > rangeMax + margin && sideFilter(1.0)
            || x < rangeMin - margin && sideFilter(-1.0))) {
      surprise = NOVEL_SURPRISE;
    }
    rangeMin = Math.min(rangeMin, x);
    rangeMax = Math.max(rangeMax, x);
    return surprise;
  }

  /**
   * Weight of one point's CUSUM increment: evidence per unit of time, not per point. Slow residuals
   * are autocorrelated, so points denser than the series' long-run average cadence (a history at 1
   * m followed by live data at 10 s) carry no more evidence per minute and must not make the
   * statistic climb faster. 1 at a steady cadence (NAB, 30 s RED series).
   */
  private double cusumWeight(long t, double dt) {
    if (points < 2) {
      return 1.0;
    }
    double cadence = (t - firstMs) / (double) points;
    return cadence > 0 ? Math.min(1.0, dt / cadence) : 1.0;
  }

  /**
   * Anomaly-likelihood style regime statistic (after Ahmad et al. 2017, Numenta): the short-term
   * average of |z| judged against the long-run distribution of that average, so that a change of
   * behaviour made of many moderately unusual points (more noise, a new pattern) is seen although
   * no single point is extreme.
   */
  private double regime(double dt, double absZ) {
    double aShort = alpha(dt, cfg.levelTauMs());
    shortAbsZ += aShort * (absZ - shortAbsZ);
    double dev = shortAbsZ - regimeMean;
    double sd = Math.sqrt(regimeVar) + 0.05;
    double surprise =
        points > 2 * cfg.minHistoryPoints()
            ? REGIME_WEIGHT * Surprise.gaussianUpper(dev / sd)
            : 0.0;
    double aLong = Math.max(alpha(dt, cfg.baselineTauMs()), 1.0 / (points + 1.0));
    if (dev / sd < 3.0) {
      regimeMean += aLong * dev;
      regimeVar += aLong * (dev * dev - regimeVar);
    } else {
      regimeMean += cfg.anomalyWeight() * aLong * dev;
      regimeVar += cfg.anomalyWeight() * aLong * (dev * dev - regimeVar);
    }
    return surprise;
  }

  private void initialise(long t, double x, double trials) {
    firstMs = t;
    lastMs = t;
    points = 1;
    baseline = x;
    rangeMin = x;
    rangeMax = x;
    rangeFromMs = t;
    localLevel = x;
    slowLocal = x;
    driftDay = Math.floorDiv(t, DAY_MS);
    recurringDay = driftDay;
    typicalTrials = trials;
    lastExpected = x;
    lastLower = x;
    lastUpper = x;
    lastScore = 0;
    remember(t, x, x, x, x);
  }

  private boolean sideFilter(double z) {
    Direction sides = spec.sides();
    return sides == Direction.NONE || (sides == Direction.UP ? z > 0 : z < 0);
  }

  private double countSurprise(double x, double expected, double sigma, double trials) {
    if (spec.noise() == SeriesSpec.NoiseModel.BINOMIAL) {
      // Overdispersion margin: the model's own spread widens the null rate.
      double p0 = Math.max(expected + sigma, 0.5 / (trials + 1));
      if (x >= expected) {
        return Surprise.binomialUpper(x * trials, trials, Math.min(p0, 1.0));
      }
      return Surprise.binomialUpper(
          (1 - x) * trials, trials, 1 - Math.max(expected - sigma, 0.0) + 1e-9);
    }
    double mean = (x >= expected ? expected + sigma : Math.max(expected - sigma, 0.0)) * trials;
    return Surprise.poisson(x * trials, mean);
  }

  /** Maps a surprise (decimal digits) to [0, 1]: 4 digits is 0.5, 8 is 0.75, 12 is 0.875. */
  static double scoreOf(double surprise) {
    return surprise <= 0 ? 0.0 : 1.0 - Math.pow(2.0, -surprise / 4.0);
  }

  private double tau(long tauMs) {
    return Math.max(tauMs, cfg.minPointsPerTau() * typicalDtMs);
  }

  private double alpha(double dt, long tauMs) {
    return 1.0 - Math.exp(-dt / tau(tauMs));
  }

  private void learn(
      long t,
      double x,
      double dt,
      double weight,
      double season,
      double dayPart,
      double weekPart,
      int d0,
      int d1,
      double df,
      int w0,
      int w1,
      double wf,
      double absZ) {
    double warm = 1.0 / (points + 1.0);
    double aLevel = Math.max(alpha(dt, cfg.levelTauMs()), warm) * weight;
    double aBase = Math.max(alpha(dt, cfg.baselineTauMs()), warm) * weight;
    double aSpread = Math.max(alpha(dt, cfg.spreadTauMs()), warm);

    // spreads first, from the one-step errors of both models (Huber-clipped)
    double eSeasonal = Math.abs(x - (baseline + season + shortLevel));
    double eLocal = Math.abs(x - localLevel);
    double eSlow = Math.abs(x - baseline - season);
    double eSlowLocal = Math.abs(x - slowLocal);
    double spreadWeight = weight < 1.0 ? cfg.anomalyWeight() : 1.0;
    double clip = points < cfg.minHistoryPoints() ? Double.POSITIVE_INFINITY : HUBER;
    spreadSeasonal = huber(spreadSeasonal, eSeasonal, aSpread * spreadWeight, clip);
    spreadLocal = huber(spreadLocal, eLocal, aSpread * spreadWeight, clip);
    slowSpread = huber(slowSpread, eSlow, aSpread * spreadWeight, clip);
    slowSpreadLocal = huber(slowSpreadLocal, eSlowLocal, aSpread * spreadWeight, clip);

    // levels
    baseline += aBase * (x - season - baseline);
    shortLevel += aLevel * (x - baseline - season - shortLevel);
    localLevel += aLevel * (x - localLevel);
    slowLocal += aBase * (x - slowLocal);

    // seasonal profiles: time-of-day learns x - baseline - weekly, weekly learns the remainder
    if (dt > 0 && weight > 0) {
      double dayInc = dt * DAY_BINS / DAY_MS;
      double target = x - baseline - weekPart;
      learnBin(day, dayWeight, d0, dayInc * (1 - df), weight, target, cfg.seasonDays());
      learnBin(day, dayWeight, d1, dayInc * df, weight, target, cfg.seasonDays());
      double weekInc = dt * WEEK_BINS / WEEK_MS;
      double wTarget = x - baseline - dayPart;
      learnBin(week, weekWeight, w0, weekInc * (1 - wf), weight, wTarget, cfg.seasonDays());
      learnBin(week, weekWeight, w1, weekInc * wf, weight, wTarget, cfg.seasonDays());
    }

    // |z| histogram for calibration, decayed so that it follows the series (about 2000 points)
    // only once the spread has settled: start-up residuals would poison the tail for long
    if (points >= cfg.minHistoryPoints()) {
      int bin = (int) Math.min(Z_BINS - 1, 4.0 * Math.log(1.0 + absZ) / LN2);
      for (int i = 0; i < Z_BINS; i++) {
        zHist[i] *= ZHIST_DECAY;
      }
      zHist[bin] += 1f;
    }

    // drift: daily sums of the deseasonalised value
    int slot = (int) Math.floorMod(Math.floorDiv(t, DAY_MS), (long) DRIFT_DAYS);
    driftSum[slot] += (float) (x - season);
    driftCount[slot] += 1f;
  }

  private static double huber(double spread, double err, double a, double clip) {
    double clipped = spread > 0 ? Math.min(err, clip * spread) : err;
    return spread + a * (clipped - spread);
  }

  private static void learnBin(
      float[] values,
      float[] weights,
      int bin,
      double inc,
      double weight,
      double target,
      double mem) {
    if (inc <= 0) {
      return;
    }
    double w = weights[bin];
    double a = w + inc < mem ? inc / (w + inc) : 1.0 - Math.exp(-inc / mem);
    values[bin] += (float) (a * weight * (target - values[bin]));
    weights[bin] = (float) Math.min(w + inc * weight, 64.0);
  }

  /** Quantile of the decayed |z| histogram (upper edge of the bin that reaches q). */
  double zQuantile(double q) {
    double total = 0;
    for (int i = 0; i < Z_BINS; i++) {
      total += zHist[i];
    }
    if (total < 50) {
      return Z_REF;
    }
    double need = q * total;
    double acc = 0;
    for (int i = 0; i < Z_BINS; i++) {
      acc += zHist[i];
      if (acc >= need) {
        double within = zHist[i] > 0 ? 1.0 - (acc - need) / zHist[i] : 1.0;
        return Math.pow(2.0, (i + within) / 4.0) - 1.0;
      }
    }
    return Math.pow(2.0, Z_BINS / 4.0) - 1.0;
  }

  void restoreRecent(long t, double x, double e, double lo, double hi) {
    remember(t, x, e, lo, hi);
  }

  private void remember(long t, double x, double e, double lo, double hi) {
    recentT[recentNext] = t;
    recentV[recentNext] = x;
    recentE[recentNext] = e;
    recentLo[recentNext] = lo;
    recentHi[recentNext] = hi;
    recentNext = (recentNext + 1) % RECENT;
    if (recentSize < RECENT) {
      recentSize++;
    }
  }

  // ---------------------------------------------------------------- deviation episodes

  private void deviationEpisode(
      long t,
      double x,
      double expected,
      double lower,
      double upper,
      double score,
      int direction,
      double r,
      double pointSurprise,
      boolean inBandNow,
      EpisodeListener out) {
    int f = DEVIATION;
    if (!active[f]) {
      if (score < cfg.investigateScore()) {
        return;
      }
      long cooldown =
          Math.max(cfg.reopenCooldownMs(), (long) (cfg.minPointsPerTau() * typicalDtMs));
      if (lastRecoverMs != 0
          && t - lastRecoverMs < cooldown
          && score <= lastEpisodeMax
          && direction == lastEpisodeDir) {
        return; // the same trouble flapping: not a new episode
      }
      int bin = dayBin(t);
      // the same deviation seen on earlier days at this time of day (or the neighbouring bins)
      float seen =
          Math.max(
              recurCount[bin],
              Math.max(
                  recurCount[(bin + 1) % DAY_BINS], recurCount[(bin + DAY_BINS - 1) % DAY_BINS]));
      // counts decay by 0.9 a day: N recent earlier days add up to a little under N
      boolean recurring = seen >= cfg.recurringMinDays() - 0.5;
      AnomalyKind kind =
          pointSurprise * 2.0 >= cusumUp + cusumDown
              ? (direction >= 0 ? AnomalyKind.SPIKE : AnomalyKind.DIP)
              : AnomalyKind.LEVEL_SHIFT;
      if (recurring) {
        // learned as normal for alerting: still published, at a discounted score
        score *= 0.5;
      }
      boolean unconfirmedPoint =
          thinPoint && (kind == AnomalyKind.SPIKE || kind == AnomalyKind.DIP);
      AnomalyTier newTier =
          score >= cfg.alarmScore() && !recurring && !unconfirmedPoint
              ? AnomalyTier.ALARM
              : AnomalyTier.INVESTIGATE;
      active[f] = true;
      onset[f] = t;
      openKind[f] = (byte) kind.ordinal();
      curKind[f] = openKind[f];
      tier[f] = (byte) newTier.ordinal();
      dir[f] = (byte) direction;
      maxScore[f] = score;
      inBand[f] = 0;
      lastEmit[f] = t;
      devRecurring = recurring;
      devShift = r;
      double magnitude = recurring ? recurMagnitude[bin] : Double.NaN;
      // remember that this time of day had an episode today (at most once per day and bin)
      recurMagnitude[bin] =
          recurCount[bin] <= 0
              ? (float) Math.abs(r)
              : (float) (0.7 * recurMagnitude[bin] + 0.3 * Math.abs(r));
      recurCount[bin] = Math.min(recurCount[bin] + 1f, 30f);
      emit(
          f,
          AnomalyPhase.OPEN,
          kind,
          newTier,
          direction,
          t,
          x,
          expected,
          lower,
          upper,
          score,
          true);
      event.recurring = recurring;
      event.recurringMagnitude = magnitude;
      out.onEpisode(event);
      return;
    }
    // the episode is open
    devShift += 0.3 * (r - devShift);
    if (inBandNow) {
      inBand[f]++;
      if (inBand[f] >= cfg.recoverPoints()) {
        recover(f, t, x, expected, lower, upper, score, out);
      }
      return;
    }
    inBand[f] = 0;
    boolean sameSide = (r >= 0 ? 1 : -1) == dir[f];
    if (sameSide && t - onset[f] >= cfg.shiftAcceptMs() && score >= cfg.investigateScore()) {
      // persisted long enough in one direction: it is the new level
      acceptShift();
      recover(f, t, x, expected, lower, upper, score, out);
      return;
    }
    AnomalyKind kind = AnomalyKind.values()[curKind[f]];
    if (sameSide
        && t > onset[f]
        && (kind == AnomalyKind.SPIKE || kind == AnomalyKind.DIP)
        && (cusumUp + cusumDown) >= 8.0) {
      kind = AnomalyKind.LEVEL_SHIFT;
    }
    AnomalyTier currentTier = AnomalyTier.values()[tier[f]];
    // An opening that scored as an alarm but was a thin point (see MIN_SAMPLES_FOR_POINT_ALARM)
    // is confirmed by a second anomalous point on the same side.
    boolean confirmed = maxScore[f] >= cfg.alarmScore() && score >= cfg.investigateScore();
    boolean escalate =
        currentTier == AnomalyTier.INVESTIGATE
            && (score >= cfg.alarmScore() || confirmed)
            && !devRecurring
            && sameSide;
    boolean refined = kind.ordinal() != curKind[f];
    if (escalate || refined || t - lastEmit[f] >= cfg.refreshMs()) {
      AnomalyTier newTier = escalate ? AnomalyTier.ALARM : currentTier;
      tier[f] = (byte) newTier.ordinal();
      curKind[f] = (byte) kind.ordinal();
      maxScore[f] = Math.max(maxScore[f], score);
      lastEmit[f] = t;
      emit(
          f,
          AnomalyPhase.CONTINUING,
          kind,
          newTier,
          dir[f],
          t,
          x,
          expected,
          lower,
          upper,
          score,
          escalate);
      event.recurring = devRecurring;
      event.recurringMagnitude = devRecurring ? recurMagnitude[dayBin(onset[f])] : Double.NaN;
      out.onEpisode(event);
    } else {
      maxScore[f] = Math.max(maxScore[f], score);
    }
  }

  private void acceptShift() {
    double shift = devShift;
    baseline += shift;
    localLevel += shift;
    slowLocal += shift;
    cusumUp = 0;
    cusumDown = 0;
  }

  private void recover(
      int f,
      long t,
      double x,
      double expected,
      double lower,
      double upper,
      double score,
      EpisodeListener out) {
    AnomalyKind kind = AnomalyKind.values()[curKind[f]];
    AnomalyTier currentTier = AnomalyTier.values()[tier[f]];
    emit(
        f,
        AnomalyPhase.RECOVERED,
        kind,
        currentTier,
        dir[f],
        t,
        x,
        expected,
        lower,
        upper,
        score,
        false);
    event.recurring = f == DEVIATION && devRecurring;
    event.recurringMagnitude = Double.NaN;
    active[f] = false;
    if (f == DEVIATION) {
      devRecurring = false;
      lastRecoverMs = t;
      lastEpisodeMax = maxScore[f];
      lastEpisodeDir = dir[f];
    }
    out.onEpisode(event);
  }

  private void emit(
      int f,
      AnomalyPhase phase,
      AnomalyKind kind,
      AnomalyTier newTier,
      int direction,
      long t,
      double x,
      double expected,
      double lower,
      double upper,
      double score,
      boolean escalation) {
    EpisodeEvent e = event;
    e.phase = phase;
    e.kind = kind;
    e.openingKind = AnomalyKind.values()[openKind[f]];
    e.tier = newTier;
    e.direction = direction > 0 ? Direction.UP : direction < 0 ? Direction.DOWN : Direction.NONE;
    e.timestampMs = t;
    e.onsetMs = onset[f];
    e.value = x;
    e.expected = expected;
    e.lower = lower;
    e.upper = upper;
    e.score = score;
    e.escalation = escalation;
    e.recurring = false;
    e.recurringMagnitude = Double.NaN;
    e.slopePerHour = Double.NaN;
    e.limit = Double.NaN;
    e.timeToLimitMs = -1;
    e.historyPoints = points;
    e.historyMs = historyMs();
    e.onsetCensored =
        onset[f] - (firstMs + cfg.minHistoryMs()) <= CENSORED_ONSET_INTERVALS * typicalDtMs;
  }

  private static int dayBin(long t) {
    return (int) (Math.floorMod(t, DAY_MS) * DAY_BINS / DAY_MS);
  }

  // ---------------------------------------------------------------- day rollover: drift, recurring

  private void rollDays(long t) {
    long today = Math.floorDiv(t, DAY_MS);
    if (today == driftDay) {
      return;
    }
    long days = Math.min(today - driftDay, DRIFT_DAYS);
    for (long d = 1; d <= days; d++) {
      int slot = (int) Math.floorMod(driftDay + d, (long) DRIFT_DAYS);
      driftSum[slot] = 0f;
      driftCount[slot] = 0f;
    }
    float keep = (float) Math.pow(0.9, Math.min(today - driftDay, 60));
    for (int i = 0; i < DAY_BINS; i++) {
      recurCount[i] *= keep;
    }
    driftDay = today;
    recurringDay = today;
  }

  /**
   * Slow drift: the mean of the last 7 full days against the 7 days four weeks earlier, reported
   * when the change exceeds {@code driftMinRatio} of the old level and is significant against the
   * day-to-day variation, while the one-week comparison alone stays below the ratio.
   */
  private void driftDetector(long t, EpisodeListener out) {
    long today = Math.floorDiv(t, DAY_MS);
    if (today - Math.floorDiv(firstMs, DAY_MS) < 29) {
      return;
    }
    double recent = weekMean(today, 1);
    double previous = weekMean(today, 8);
    double old = weekMean(today, 22);
    if (Double.isNaN(recent) || Double.isNaN(previous) || Double.isNaN(old)) {
      return;
    }
    double sd = dailySd(today);
    double change = recent - old;
    double scale = Math.max(Math.abs(old), 1e-9);
    boolean drift =
        Math.abs(change) >= cfg.driftMinRatio() * scale
            && Math.abs(change) >= 3.0 * sd / Math.sqrt(3.5)
            && Math.abs(recent - previous) < cfg.driftMinRatio() * scale
            && sideFilter(change);
    int f = DRIFT;
    double expected = old;
    double score = drift ? 0.6 : 0.0;
    if (drift && !active[f]) {
      active[f] = true;
      onset[f] = t;
      openKind[f] = (byte) AnomalyKind.DRIFT.ordinal();
      curKind[f] = openKind[f];
      tier[f] = (byte) AnomalyTier.INVESTIGATE.ordinal();
      dir[f] = (byte) (change > 0 ? 1 : -1);
      lastEmit[f] = t;
      emit(
          f,
          AnomalyPhase.OPEN,
          AnomalyKind.DRIFT,
          AnomalyTier.INVESTIGATE,
          dir[f],
          t,
          recent,
          expected,
          old - 3 * sd,
          old + 3 * sd,
          score,
          true);
      event.slopePerHour = change / (21.0 * 24.0);
      out.onEpisode(event);
    } else if (!drift && active[f]) {
      recover(f, t, recent, expected, old - 3 * sd, old + 3 * sd, score, out);
    }
  }

  private double weekMean(long today, int daysAgoStart) {
    double sum = 0;
    double count = 0;
    for (int d = daysAgoStart; d < daysAgoStart + 7; d++) {
      int slot = (int) Math.floorMod(today - d, (long) DRIFT_DAYS);
      sum += driftSum[slot];
      count += driftCount[slot];
    }
    return count < 7 ? Double.NaN : sum / count;
  }

  private double dailySd(long today) {
    double sum = 0;
    double sum2 = 0;
    int n = 0;
    for (int d = 1; d <= 28; d++) {
      int slot = (int) Math.floorMod(today - d, (long) DRIFT_DAYS);
      if (driftCount[slot] > 0) {
        double m = driftSum[slot] / driftCount[slot];
        sum += m;
        sum2 += m * m;
        n++;
      }
    }
    if (n < 2) {
      return 0;
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  }

  // ---------------------------------------------------------------- trend (leading indicators)

  private void trendDetector(long t, double y, EpisodeListener out) {
    double h = (t - firstMs) / (double) HOUR_MS;
    double dtH = (t - lastMs) / (double) HOUR_MS;
    double decay = Math.exp(-(t - lastMs) / tau(cfg.trendTauMs()));
    double w = Math.min(dtH, 3.0 * typicalDtMs / HOUR_MS);
    sw = sw * decay + w;
    st = st * decay + w * h;
    stt = stt * decay + w * h * h;
    sy = sy * decay + w * y;
    sty = sty * decay + w * h * y;
    syy = syy * decay + w * y * y;
    if (Math.floorDiv(t, DAY_MS) != Math.floorDiv(lastMs, DAY_MS)) {
      driftDetector(t, out);
    }
    if (!warm() || t - firstMs < cfg.trendTauMs() || sw <= 0) {
      return;
    }
    double mt = st / sw;
    double my = sy / sw;
    double vt = stt / sw - mt * mt;
    double vy = syy / sw - my * my;
    double cov = sty / sw - mt * my;
    if (vt <= 0 || vy <= 0) {
      return;
    }
    double slope = cov / vt;
    double r2 = cov * cov / (vt * vy);
    double now = my + slope * (h - mt);
    double horizonH = cfg.trendHorizonMs() / (double) HOUR_MS;
    double projected = slope * horizonH;
    double slowSp = MAD_TO_SIGMA * (spreadSeasonal <= spreadLocal ? slowSpread : slowSpreadLocal);
    long timeToLimit = -1;
    Double limit = spec.limit();
    if (limit != null && slope != 0) {
      double hours = (limit - now) / slope;
      if (hours > 0) {
        timeToLimit = (long) (hours * HOUR_MS);
      } else if (now >= limit == slope > 0) {
        timeToLimit = 0;
      }
    }
    boolean towardsLimit = timeToLimit >= 0 && timeToLimit <= cfg.trendHorizonMs();
    boolean significant =
        r2 >= cfg.trendMinR2()
            && sideFilter(slope)
            && (Math.abs(projected) >= cfg.trendMinSigmas() * slowSp || towardsLimit)
            && Math.abs(projected) >= 0.05 * Math.abs(now);
    int f = TREND;
    AnomalyTier newTier =
        towardsLimit && timeToLimit <= cfg.trendHorizonMs() / 7
            ? AnomalyTier.ALARM
            : AnomalyTier.INVESTIGATE;
    double score = significant ? (newTier == AnomalyTier.ALARM ? 0.85 : 0.6) : 0.0;
    if (significant && !active[f]) {
      active[f] = true;
      onset[f] = t;
      openKind[f] = (byte) AnomalyKind.TREND.ordinal();
      curKind[f] = openKind[f];
      tier[f] = (byte) newTier.ordinal();
      dir[f] = (byte) (slope > 0 ? 1 : -1);
      lastEmit[f] = t;
      inBand[f] = 0;
      emit(
          f,
          AnomalyPhase.OPEN,
          AnomalyKind.TREND,
          newTier,
          dir[f],
          t,
          y,
          now,
          now - slowSp * 3,
          now + slowSp * 3,
          score,
          true);
      trendFields(slope, limit, timeToLimit);
      out.onEpisode(event);
    } else if (active[f]) {
      if (!significant) {
        inBand[f]++;
        if (inBand[f] >= cfg.recoverPoints() * 10) {
          recover(f, t, y, now, now - slowSp * 3, now + slowSp * 3, score, out);
        }
        return;
      }
      inBand[f] = 0;
      boolean escalate = newTier.ordinal() < tier[f];
      if (escalate || t - lastEmit[f] >= cfg.refreshMs() * 4) {
        tier[f] = (byte) Math.min(tier[f], newTier.ordinal());
        lastEmit[f] = t;
        emit(
            f,
            AnomalyPhase.CONTINUING,
            AnomalyKind.TREND,
            AnomalyTier.values()[tier[f]],
            dir[f],
            t,
            y,
            now,
            now - slowSp * 3,
            now + slowSp * 3,
            score,
            escalate);
        trendFields(slope, limit, timeToLimit);
        out.onEpisode(event);
      }
    }
  }

  private void trendFields(double slope, Double limit, long timeToLimit) {
    event.slopePerHour = slope;
    event.limit = limit == null ? Double.NaN : limit;
    event.timeToLimitMs = timeToLimit;
  }

  // ---------------------------------------------------------------- missing data

  /** The silence after which this series counts as missing, or -1 while it is too young. */
  public long silenceThresholdMs() {
    if (!warm() || typicalDtMs <= 0) {
      return -1;
    }
    return Math.max(cfg.missingMinMs(), (long) (cfg.missingIntervals() * typicalDtMs));
  }

  /**
   * Checks for missing data at event time {@code now} (called from a timer). Opens a MISSING_DATA
   * episode when a warm series that normally has traffic has been silent longer than its threshold.
   */
  public boolean checkSilence(long now, EpisodeListener out) {
    long threshold = silenceThresholdMs();
    if (threshold < 0 || active[MISSING] || now - lastMs < threshold) {
      return false;
    }
    // events expected during the silence: records normally come every typical interval with
    // rate x exposure events each (sparse series only report intervals that had events)
    double exposure = typicalTrials > 0 ? typicalTrials : typicalDtMs / 1000.0;
    double expectedEvents = expectedAt(now) * exposure * (now - lastMs) / typicalDtMs;
    if (spec.noise() == SeriesSpec.NoiseModel.POISSON
        && expectedEvents < MISSING_MIN_EXPECTED_EVENTS) {
      return false; // a rate this low is often silent this long: silence is not news
    }
    int f = MISSING;
    active[f] = true;
    onset[f] = lastMs + threshold;
    openKind[f] = (byte) AnomalyKind.MISSING_DATA.ordinal();
    curKind[f] = openKind[f];
    AnomalyTier newTier =
        spec.signalClass() == SignalClass.LAGGING ? AnomalyTier.ALARM : AnomalyTier.INVESTIGATE;
    tier[f] = (byte) newTier.ordinal();
    dir[f] = -1;
    lastEmit[f] = now;
    double expected = lastExpected;
    emit(
        f,
        AnomalyPhase.OPEN,
        AnomalyKind.MISSING_DATA,
        newTier,
        -1,
        now,
        0.0,
        expected,
        lastLower,
        lastUpper,
        newTier == AnomalyTier.ALARM ? 0.9 : 0.6,
        true);
    out.onEpisode(event);
    return true;
  }

  /** Events a POISSON series must have been expected to see during its silence to be missing. */
  private static final double MISSING_MIN_EXPECTED_EVENTS = 10.0;

  /** The model's expectation at time t (seasonal profile, level), without observing anything. */
  public double expectedAt(long t) {
    double dayPos = (double) Math.floorMod(t, DAY_MS) * DAY_BINS / DAY_MS - 0.5;
    int d0 = (int) Math.floor(dayPos);
    double df = dayPos - d0;
    d0 = Math.floorMod(d0, DAY_BINS);
    int d1 = (d0 + 1) % DAY_BINS;
    double weekPos =
        (double) Math.floorMod(t - WEEK_ORIGIN_MS, WEEK_MS) * WEEK_BINS / WEEK_MS - 0.5;
    int w0 = (int) Math.floor(weekPos);
    double wf = weekPos - w0;
    w0 = Math.floorMod(w0, WEEK_BINS);
    int w1 = (w0 + 1) % WEEK_BINS;
    double season =
        (1 - df) * day[d0] * Math.min(1f, dayWeight[d0])
            + df * day[d1] * Math.min(1f, dayWeight[d1])
            + (1 - wf) * week[w0] * Math.min(1f, weekWeight[w0])
            + wf * week[w1] * Math.min(1f, weekWeight[w1]);
    return spreadSeasonal <= spreadLocal ? baseline + season + shortLevel : localLevel;
  }

  /** Whether a missing-data episode is open. */
  public boolean missingOpen() {
    return active[MISSING];
  }

  private void closeMissing(long t, double x, EpisodeListener out) {
    recover(MISSING, t, x, lastExpected, lastLower, lastUpper, 0.0, out);
  }
}
