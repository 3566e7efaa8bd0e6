package io.signalfold.anomaly.core;

import io.signalfold.schema.AnomalyPhase;
import org.apache.commons.math3.exception.MathArithmeticException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.special.Gamma;

/**
 * Joint check of up to {@link #MAX_METRICS} metrics of one entity (a service instance or host): it
 * flags a vector whose metrics break their usual relationship (CPU rising while the request rate
 * falls) even when every metric stays inside its own band.
 *
 * <p>Design: metric points are averaged into fixed event-time buckets; each bucket's vector is
 * standardized metric by metric against an exponentially weighted mean and variance (values clipped
 * at {@code clipZ} spreads for learning, so a spike cannot widen its own band); the standardized
 * vector is compared with the exponentially weighted mean and covariance of earlier vectors by its
 * Mahalanobis distance (Mahalanobis 1936), with the covariance's diagonal loaded by {@code ridge}
 * (Ledoit-Wolf-style shrinkage; nearly collinear metrics would otherwise turn noise into large
 * distances). Under a Gaussian model the squared distance of k metrics is chi-square with k degrees
 * of freedom; its upper tail (Commons Math's regularized gamma function) gives the surprise in
 * decimal digits, which is calibrated by the entity's own 99.5th percentile of surprise
 * (heavy-tailed telemetry needs larger distances, as in {@link SeriesDetector}) and mapped to a
 * score like the detector's: {@code 1 - 2^(-surprise/4)}.
 *
 * <p>A vector with any metric beyond {@code bandZ} of its own spread is not judged: that deviation
 * is the univariate detector's news, and a spike of one metric would otherwise dominate the joint
 * distance and duplicate it. Missing metrics are handled by using the marginal (sub-matrix) of the
 * covariance, which is exact for a Gaussian. Cold start: no flag before {@code minHistoryMs} and
 * {@code minVectors} of history, and a metric joins the distance only after the same history of its
 * own.
 *
 * <p>State is a fixed set of primitive arrays ({@link EntityJointStateCodec}); a point only adds to
 * the open vector; once a minute per entity the closed vector's eigen-decomposition (Commons Math,
 * at most 8 x 8) and chi-square tail allocate a few small objects.
 */
public final class EntityJointCheck {

  /** Most metrics one entity may have in the check. */
  public static final int MAX_METRICS = 8;

  static final int PAIRS = MAX_METRICS * (MAX_METRICS + 1) / 2;
  static final int SURPRISE_BINS = 32;
  private static final double SURPRISE_BIN_WIDTH = 0.5;
  private static final double MAX_SURPRISE = 50.0;

  /** 99.5th percentile of the surprise under the model: -log10(0.005). */
  private static final double MODEL_P995_DIGITS = -Math.log10(0.005);

  /** Weight of one vector in the surprise histogram (about the last 2000 vectors). */
  private static final double HISTOGRAM_DECAY = 1.0 / 2000.0;

  /** Standardized values within the first vectors of a metric are not clipped (no spread yet). */
  private static final int UNCLIPPED_VECTORS = 30;

  private final JointCheckConfig cfg;

  // ---- state (written by EntityJointStateCodec) ----
  long firstMs = Long.MIN_VALUE;
  long lastMs = Long.MIN_VALUE;
  long vectors;
  long bucketStart = Long.MIN_VALUE;
  final double[] bucketSum = new double[MAX_METRICS];
  final double[] bucketCount = new double[MAX_METRICS];
  final long[] metricFirstMs = new long[MAX_METRICS];
  final long[] metricVectors = new long[MAX_METRICS];
  final double[] mean = new double[MAX_METRICS];
  final double[] var = new double[MAX_METRICS];
  final double[] zMean = new double[MAX_METRICS];
  final long[] covVectors = new long[MAX_METRICS];
  final double[] cov = new double[PAIRS];
  final float[] surpriseHist = new float[SURPRISE_BINS];
  double typicalDistance;
  long onsetMs = -1;
  long lastPublishedMs;
  int quietVectors;
  double episodeScore;
  long quietUntilMs = Long.MIN_VALUE;

  // ---- scratch, not state ----
  private final double[] values = new double[MAX_METRICS];
  private final double[] z = new double[MAX_METRICS];
  private final double[] residual = new double[MAX_METRICS];
  private final double[] solved = new double[MAX_METRICS];
  private final double[] contribution = new double[MAX_METRICS];
  private final double[] scale = new double[MAX_METRICS];
  private final double[] scaled = new double[MAX_METRICS];
  private final double[] eigen = new double[MAX_METRICS * MAX_METRICS];
  private final double[] basis = new double[MAX_METRICS * MAX_METRICS];
  private final double[] lambda = new double[MAX_METRICS];
  private int rank;
  private final int[] dims = new int[MAX_METRICS];
  private final JointEvent event = new JointEvent();

  // ---- the last vector, for readers (benchmark, tests) ----
  private double lastDistance;
  private double lastSurprise;
  private double lastScore;
  private boolean lastJudged;
  private int lastDims;

  public EntityJointCheck(JointCheckConfig cfg) {
    this.cfg = cfg;
    reset();
  }

  public JointCheckConfig config() {
    return cfg;
  }

  /** Forgets everything. */
  public void reset() {
    firstMs = Long.MIN_VALUE;
    lastMs = Long.MIN_VALUE;
    vectors = 0;
    bucketStart = Long.MIN_VALUE;
    java.util.Arrays.fill(bucketSum, 0);
    java.util.Arrays.fill(bucketCount, 0);
    java.util.Arrays.fill(metricFirstMs, Long.MIN_VALUE);
    java.util.Arrays.fill(metricVectors, 0);
    java.util.Arrays.fill(mean, 0);
    java.util.Arrays.fill(var, 0);
    java.util.Arrays.fill(zMean, 0);
    java.util.Arrays.fill(covVectors, 0);
    java.util.Arrays.fill(cov, 0);
    java.util.Arrays.fill(surpriseHist, 0);
    typicalDistance = 0;
    onsetMs = -1;
    lastPublishedMs = 0;
    quietVectors = 0;
    episodeScore = 0;
    quietUntilMs = Long.MIN_VALUE;
    lastDistance = 0;
    lastSurprise = 0;
    lastScore = 0;
    lastJudged = false;
    lastDims = 0;
  }

  /**
   * Adds one point of metric {@code slot} at event time {@code t}. A point in a later bucket than
   * the open one closes the open bucket and evaluates its vector first.
   *
   * @return false when the point is older than the open bucket (not used)
   */
  public boolean observe(int slot, long t, double value, JointListener out) {
    if (slot < 0 || slot >= MAX_METRICS) {
      throw new IllegalArgumentException("slot must be in [0, " + MAX_METRICS + "): " + slot);
    }
    if (!Double.isFinite(value)) {
      return true;
    }
    long bucket = Math.floorDiv(t, cfg.bucketMs()) * cfg.bucketMs();
    if (bucketStart == Long.MIN_VALUE) {
      bucketStart = bucket;
    } else if (bucket < bucketStart) {
      return false;
    } else if (bucket > bucketStart) {
      closeBucket(out);
      bucketStart = bucket;
    }
    bucketSum[slot] += value;
    bucketCount[slot] += 1;
    return true;
  }

  /** Evaluates the open bucket now (end of input); later points of that bucket are then late. */
  public void flush(JointListener out) {
    if (bucketStart != Long.MIN_VALUE) {
      closeBucket(out);
      bucketStart += cfg.bucketMs();
    }
  }

  private void closeBucket(JointListener out) {
    boolean any = false;
    for (int i = 0; i < MAX_METRICS; i++) {
      if (bucketCount[i] > 0) {
        values[i] = bucketSum[i] / bucketCount[i];
        any = true;
      } else {
        values[i] = Double.NaN;
      }
      bucketSum[i] = 0;
      bucketCount[i] = 0;
    }
    if (any) {
      evaluate(bucketStart + cfg.bucketMs(), values, out);
    }
  }

  /**
   * Evaluates one vector at event time {@code t} ({@code x[i]} NaN: metric i absent). Vectors not
   * later than the last one are ignored. The benchmark calls this directly; the operator goes
   * through {@link #observe}.
   */
  public void evaluate(long t, double[] x, JointListener out) {
    if (vectors > 0 && t <= lastMs) {
      return;
    }
    double dt = vectors == 0 ? cfg.bucketMs() : Math.min(t - lastMs, 3.0 * cfg.bucketMs());
    double baseAlpha = 1.0 - Math.exp(-dt / cfg.baselineTauMs());
    double covAlpha = 1.0 - Math.exp(-dt / cfg.covarianceTauMs());
    if (firstMs == Long.MIN_VALUE) {
      firstMs = t;
    }
    standardize(t, x, baseAlpha);

    // the metrics old enough to be judged, and whether each is inside its own band
    int k = 0;
    boolean inBand = true;
    for (int i = 0; i < MAX_METRICS; i++) {
      if (Double.isNaN(z[i]) || !mature(i, t)) {
        continue;
      }
      residual[i] = z[i] - zMean[i];
      double sd = Math.sqrt(Math.max(cov[pair(i, i)], 1e-12));
      if (Math.abs(residual[i]) > cfg.bandZ() * sd) {
        inBand = false;
      }
      dims[k++] = i;
    }
    boolean warm = k >= 2 && vectors >= cfg.minVectors() && t - firstMs >= cfg.minHistoryMs();
    double distance = 0;
    double surprise = 0;
    boolean judged = false;
    if (warm) {
      double d2 = quadraticForm(k);
      distance = Math.sqrt(d2);
      double raw = chiSquareSurprise(rank, d2);
      if (inBand) {
        judged = true;
        surprise = raw * calibration();
        // a flagged vector counts at reduced weight, or a sustained break would calibrate itself
        // away within a few dozen vectors
        boolean flagged = SeriesDetector.scoreOf(surprise) >= cfg.investigateScore();
        addToHistogram(raw, flagged ? cfg.anomalyWeight() : 1.0);
        double a = Math.max(covAlpha, 1.0 / (vectors + 1));
        typicalDistance += a * (distance - typicalDistance);
      }
    }
    double score = judged ? SeriesDetector.scoreOf(surprise) : 0.0;
    lastDistance = distance;
    lastSurprise = surprise;
    lastScore = score;
    lastJudged = judged;
    lastDims = k;

    boolean quiet = t < quietUntilMs;
    double weight =
        quiet ? 1.0 : (!inBand || score >= cfg.investigateScore() ? cfg.anomalyWeight() : 1.0);
    learnCovariance(covAlpha, weight);
    vectors++;
    lastMs = t;
    if (warm) {
      episode(t, rank, score, quiet, out);
    }
  }

  /** Whether metric i has history enough to be part of the joint distance. */
  private boolean mature(int i, long t) {
    return covVectors[i] >= cfg.minVectors() && t - metricFirstMs[i] >= cfg.minHistoryMs();
  }

  /** Fills z with each metric standardized against its baseline, then updates the baselines. */
  private void standardize(long t, double[] x, double alpha) {
    for (int i = 0; i < MAX_METRICS; i++) {
      double v = x[i];
      if (Double.isNaN(v)) {
        z[i] = Double.NaN;
        continue;
      }
      long n = metricVectors[i];
      if (n == 0) {
        metricFirstMs[i] = t;
        mean[i] = v;
        var[i] = 0;
        metricVectors[i] = 1;
        z[i] = Double.NaN; // no spread yet
        continue;
      }
      // a constant metric still needs a finite scale: a millionth of its level
      double sd = Math.max(Math.sqrt(var[i]), 1e-6 * Math.max(1.0, Math.abs(mean[i])));
      double dev = v - mean[i];
      z[i] = dev / sd;
      if (n >= UNCLIPPED_VECTORS) {
        double limit = cfg.clipZ() * sd;
        dev = Math.max(-limit, Math.min(limit, dev));
      }
      double a = Math.max(alpha, 1.0 / (n + 1));
      mean[i] += a * dev;
      var[i] = (1 - a) * (var[i] + a * dev * dev);
      metricVectors[i] = n + 1;
    }
  }

  /**
   * Squared Mahalanobis distance of the residuals of {@code dims[0..k)} in the eigenbasis of their
   * correlation-scaled covariance, keeping only directions whose eigenvalue is at least {@code
   * minEigenFraction} of the largest (a rank-truncated pseudo-inverse). Sets {@link #rank} to the
   * directions kept (the chi-square degrees of freedom) and fills the per-metric contributions
   * {@code r_i (S^+ r)_i}, which sum to the squared distance.
   *
   * <p>Why not a Cholesky solve with diagonal loading alone: identical or affinely copied series
   * (heap and process memory of one container, a sidecar's CPU derived from the main one) leave
   * directions with no variance, and the pairwise EWMA updates over metrics that are not always
   * present can make the matrix slightly indefinite; a negative pivot then became a near-zero
   * divisor and distances of 1e18 and more. A direction with (almost) no variance carries no
   * information the other directions lack, so it is dropped rather than divided by.
   */
  private double quadraticForm(int k) {
    for (int a = 0; a < k; a++) {
      scale[a] = Math.sqrt(Math.max(cov[pair(dims[a], dims[a])], 1e-12));
      scaled[a] = residual[dims[a]] / scale[a];
    }
    for (int a = 0; a < k; a++) {
      for (int b = 0; b <= a; b++) {
        double v = cov[pair(dims[a], dims[b])] / (scale[a] * scale[b]);
        eigen[a * MAX_METRICS + b] = v;
        eigen[b * MAX_METRICS + a] = v;
      }
    }
    if (!symmetricEigen(eigen, k, basis, lambda)) {
      rank = 0;
      return 0.0; // not judged: see symmetricEigen
    }
    double largest = 0;
    for (int j = 0; j < k; j++) {
      largest = Math.max(largest, lambda[j]);
    }
    double floor = Math.max(cfg.minEigenFraction() * largest, 1e-12);
    for (int a = 0; a < k; a++) {
      solved[a] = 0;
    }
    double d2 = 0;
    rank = 0;
    for (int j = 0; j < k; j++) {
      if (!(lambda[j] >= floor)) {
        continue;
      }
      rank++;
      double proj = 0;
      for (int a = 0; a < k; a++) {
        proj += basis[a * MAX_METRICS + j] * scaled[a];
      }
      // the ridge loads the diagonal of the correlation matrix: every eigenvalue by the same amount
      double w = proj / (lambda[j] + cfg.ridge());
      d2 += proj * w;
      for (int a = 0; a < k; a++) {
        solved[a] += basis[a * MAX_METRICS + j] * w;
      }
    }
    for (int i = 0; i < MAX_METRICS; i++) {
      contribution[i] = 0;
    }
    for (int a = 0; a < k; a++) {
      contribution[dims[a]] = scaled[a] * solved[a];
    }
    return d2;
  }

  /**
   * Eigenvalues and eigenvectors of the symmetric k x k matrix in {@code a} (row-major, stride
   * {@link #MAX_METRICS}) with Commons Math's {@code EigenDecomposition} (its symmetric path:
   * tridiagonal reduction and implicit QL): {@code v} receives the eigenvectors as columns, {@code
   * lambda} the eigenvalues. Returns false when the decomposition fails (its iteration limit, or a
   * non-finite entry); the caller then leaves the vector unjudged, since an operator must not throw
   * on one record. The matrix is symmetrised exactly first, so the symmetric path is taken.
   */
  static boolean symmetricEigen(double[] a, int k, double[] v, double[] lambda) {
    final int n = MAX_METRICS;
    double[][] m = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double x = 0.5 * (a[i * n + j] + a[j * n + i]);
        if (!Double.isFinite(x)) {
          return false;
        }
        m[i][j] = x;
        m[j][i] = x;
      }
    }
    EigenDecomposition e;
    try {
      e = new EigenDecomposition(new Array2DRowRealMatrix(m, false));
    } catch (MathIllegalStateException | MathArithmeticException ex) {
      return false;
    }
    for (int j = 0; j < k; j++) {
      lambda[j] = e.getRealEigenvalue(j);
      RealVector col = e.getEigenvector(j);
      for (int i = 0; i < k; i++) {
        v[i * n + j] = col.getEntry(i);
      }
    }
    return true;
  }

  /** {@code -log10 P(X >= d2)} for X chi-square with k degrees of freedom, capped at 50. */
  static double chiSquareSurprise(int k, double d2) {
    if (d2 <= 0) {
      return 0.0;
    }
    double q = Gamma.regularizedGammaQ(0.5 * k, 0.5 * d2);
    if (q <= 0) {
      return MAX_SURPRISE;
    }
    return Math.min(MAX_SURPRISE, -Math.log10(q));
  }

  /**
   * Factor applied to the model's surprise: 1 when the entity's own 99.5th percentile of surprise
   * is what the model predicts, smaller when its distances are heavier-tailed.
   */
  private double calibration() {
    double total = 0;
    for (float w : surpriseHist) {
      total += w;
    }
    if (total <= 0) {
      return 1.0;
    }
    double target = 0.995 * total;
    double acc = 0;
    for (int b = 0; b < SURPRISE_BINS; b++) {
      double w = surpriseHist[b];
      if (acc + w >= target) {
        double within = w > 0 ? (target - acc) / w : 0;
        double p995 = (b + within) * SURPRISE_BIN_WIDTH;
        return p995 <= MODEL_P995_DIGITS ? 1.0 : MODEL_P995_DIGITS / p995;
      }
      acc += w;
    }
    return MODEL_P995_DIGITS / (SURPRISE_BINS * SURPRISE_BIN_WIDTH);
  }

  private void addToHistogram(double surprise, double weight) {
    float keep = (float) (1 - HISTOGRAM_DECAY * weight);
    for (int b = 0; b < SURPRISE_BINS; b++) {
      surpriseHist[b] *= keep;
    }
    int bin = (int) Math.min(SURPRISE_BINS - 1, surprise / SURPRISE_BIN_WIDTH);
    surpriseHist[bin] += (float) weight;
  }

  /** Updates the mean and covariance of standardized vectors (values clipped at clipZ). */
  private void learnCovariance(double alpha, double weight) {
    for (int i = 0; i < MAX_METRICS; i++) {
      if (Double.isNaN(z[i])) {
        continue;
      }
      if (covVectors[i] == 0) {
        zMean[i] = 0;
        for (int j = 0; j < MAX_METRICS; j++) {
          cov[pair(i, j)] = 0;
        }
        cov[pair(i, i)] = 1.0;
      }
      double zi = Math.max(-cfg.clipZ(), Math.min(cfg.clipZ(), z[i]));
      double a = weight * Math.max(alpha, 1.0 / (covVectors[i] + 1));
      residual[i] = zi - zMean[i];
      zMean[i] += a * residual[i];
    }
    for (int i = 0; i < MAX_METRICS; i++) {
      if (Double.isNaN(z[i])) {
        continue;
      }
      for (int j = 0; j <= i; j++) {
        if (Double.isNaN(z[j])) {
          continue;
        }
        long n = Math.min(covVectors[i], covVectors[j]);
        double a = weight * Math.max(alpha, 1.0 / (n + 1));
        int p = pair(i, j);
        cov[p] = (1 - a) * (cov[p] + a * residual[i] * residual[j]);
      }
    }
    for (int i = 0; i < MAX_METRICS; i++) {
      if (!Double.isNaN(z[i])) {
        covVectors[i]++;
      }
    }
  }

  private void episode(long t, int k, double score, boolean quiet, JointListener out) {
    boolean flagged = score >= cfg.investigateScore() && !quiet;
    if (onsetMs < 0) {
      if (flagged) {
        onsetMs = t;
        episodeScore = score;
        quietVectors = 0;
        lastPublishedMs = t;
        publish(AnomalyPhase.OPEN, t, k, score, false, out);
      }
      return;
    }
    if (flagged) {
      quietVectors = 0;
      if (t - onsetMs >= cfg.acceptMs()) {
        publish(AnomalyPhase.RECOVERED, t, k, score, true, out);
        onsetMs = -1;
        quietUntilMs = t + cfg.acceptMs();
        return;
      }
      if (score > episodeScore + 0.05 || t - lastPublishedMs >= cfg.refreshMs()) {
        episodeScore = Math.max(episodeScore, score);
        lastPublishedMs = t;
        publish(AnomalyPhase.CONTINUING, t, k, score, false, out);
      }
      return;
    }
    if (++quietVectors >= cfg.recoverVectors()) {
      publish(AnomalyPhase.RECOVERED, t, k, score, false, out);
      onsetMs = -1;
      quietVectors = 0;
    }
  }

  private void publish(
      AnomalyPhase phase, long t, int k, double score, boolean accepted, JointListener out) {
    JointEvent e = event;
    e.phase = phase;
    e.timestampMs = t;
    e.onsetMs = onsetMs;
    e.distance = lastDistance;
    e.typicalDistance = typicalDistance;
    e.upperDistance = distanceAtScore(k, cfg.investigateScore());
    e.score = score;
    e.accepted = accepted;
    e.historyVectors = vectors;
    e.historyMs = t - firstMs;
    e.contributorCount = 0;
    double total = Math.max(lastDistance * lastDistance, 1e-12);
    for (int c = 0; c < JointEvent.CONTRIBUTORS; c++) {
      int best = -1;
      for (int i = 0; i < MAX_METRICS; i++) {
        if (contribution[i] > 0
            && !named(e, i)
            && (best < 0 || contribution[i] > contribution[best])) {
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      e.contributorSlots[c] = best;
      e.contributorShares[c] = contribution[best] / total;
      e.contributorCount = c + 1;
    }
    out.onJoint(e);
  }

  private static boolean named(JointEvent e, int slot) {
    for (int c = 0; c < e.contributorCount; c++) {
      if (e.contributorSlots[c] == slot) {
        return true;
      }
    }
    return false;
  }

  /** The distance at which k metrics reach {@code score}, under the current calibration. */
  private double distanceAtScore(int k, double score) {
    k = Math.max(1, k);
    double surprise = -4.0 * Math.log(1 - score) / Math.log(2.0);
    double raw = surprise / calibration();
    double lo = 0;
    double hi = 1;
    while (chiSquareSurprise(k, hi * hi) < raw && hi < 1e3) {
      hi *= 2;
    }
    for (int i = 0; i < 50; i++) {
      double mid = 0.5 * (lo + hi);
      if (chiSquareSurprise(k, mid * mid) < raw) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  static int pair(int i, int j) {
    return i >= j ? i * (i + 1) / 2 + j : j * (j + 1) / 2 + i;
  }

  // ---- read-only accessors ----

  /** Distance of the last vector (0 before the check is warm). */
  public double lastDistance() {
    return lastDistance;
  }

  /** Calibrated surprise of the last vector (0 when it was not judged). */
  public double lastSurprise() {
    return lastSurprise;
  }

  /** Score of the last vector in [0, 1) (0 when it was not judged). */
  public double lastScore() {
    return lastScore;
  }

  /** Whether the last vector was judged (warm, at least two metrics, every metric in band). */
  public boolean lastJudged() {
    return lastJudged;
  }

  /** Directions kept in the last joint distance (its chi-square degrees of freedom). */
  public int lastRank() {
    return lastDims == 0 ? 0 : rank;
  }

  /** Metrics in the last joint distance. */
  public int lastDimensions() {
    return lastDims;
  }

  public long historyVectors() {
    return vectors;
  }

  /** Event time of the last vector (the end of its bucket). */
  public long lastTimestampMs() {
    return lastMs;
  }

  /** Start of the bucket points are being added to (Long.MIN_VALUE before the first point). */
  public long openBucketStartMs() {
    return bucketStart;
  }

  /** Whether an episode is open. */
  public boolean episodeOpen() {
    return onsetMs >= 0;
  }

  /** Whether metric slot has ever been seen. */
  public boolean hasMetric(int slot) {
    return metricVectors[slot] > 0;
  }
}
