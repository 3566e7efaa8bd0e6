package io.signalfold.loadtest.multivariate;

import com.amazon.randomcutforest.RandomCutForest;
import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.anomaly.core.EntityJointCheck;
import io.signalfold.anomaly.core.JointCheckConfig;
import io.signalfold.anomaly.core.SeriesDetector;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.schema.AnomalyPhase;
import java.util.Arrays;

/**
 * A detector as the multivariate evaluation drives it: one fresh instance per generated entity, one
 * vector per minute in time order. {@link #observe} says whether the vector fires (an episode
 * opens, or a score crosses the detector's threshold).
 */
interface EntityDetector {

  String name();

  /** Called once before the stream (untimed): model fitting on the training rows. */
  default void prepare(EntityTelemetry data) {}

  /** Observes vector {@code i} and tells whether it fires. */
  boolean observe(int i, long t, double[] x);

  /** The joint check of the anomaly stage, with its defaults. */
  final class Joint implements EntityDetector {
    private final EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    private final double[] vector = new double[EntityJointCheck.MAX_METRICS];
    private boolean fired;

    @Override
    public String name() {
      return "entityJointCheck";
    }

    @Override
    public boolean observe(int i, long t, double[] x) {
      Arrays.fill(vector, Double.NaN);
      System.arraycopy(x, 0, vector, 0, x.length);
      fired = false;
      check.evaluate(t, vector, e -> fired |= e.phase() == AnomalyPhase.OPEN);
      return fired;
    }
  }

  /**
   * The anomaly stage's univariate SeriesDetector on each metric alone (defaults, two-sided
   * continuous spec: more sensitive than the catalog's one-sided specs for CPU and failures).
   */
  final class Univariate implements EntityDetector {
    private SeriesDetector[] detectors;
    private boolean fired;

    @Override
    public String name() {
      return "seriesDetector";
    }

    @Override
    public void prepare(EntityTelemetry data) {
      detectors = new SeriesDetector[data.rows[0].length];
      for (int m = 0; m < detectors.length; m++) {
        detectors[m] = new SeriesDetector(DetectorConfig.defaults(), SeriesSpec.generic());
      }
    }

    @Override
    public boolean observe(int i, long t, double[] x) {
      fired = false;
      for (int m = 0; m < detectors.length; m++) {
        detectors[m].observe(t, x[m], e -> fired |= e.phase() == AnomalyPhase.OPEN);
      }
      return fired;
    }
  }

  /**
   * Isolation forest fitted on the training rows (100 trees, sub-samples of 256, the paper's
   * defaults); fires when the score reaches the given quantile of its scores on the training rows
   * (1.0: the training maximum).
   */
  final class Isolation implements EntityDetector {
    private final double quantile;
    private final long seed;
    private IsolationForest forest;
    private double threshold;
    private int trainRows;
    long fitNanos;

    Isolation(double quantile, long seed) {
      this.quantile = quantile;
      this.seed = seed;
    }

    @Override
    public String name() {
      return "isolationForest@" + label(quantile);
    }

    @Override
    public void prepare(EntityTelemetry data) {
      long t0 = System.nanoTime();
      double[][] train = Arrays.copyOf(data.rows, data.trainRows);
      forest = IsolationForest.fit(train, 100, 256, seed);
      fitNanos = System.nanoTime() - t0;
      double[] scores = new double[train.length];
      for (int i = 0; i < train.length; i++) {
        scores[i] = forest.score(train[i]);
      }
      threshold = quantileOf(scores, quantile);
      trainRows = data.trainRows;
    }

    @Override
    public boolean observe(int i, long t, double[] x) {
      double s = forest.score(x);
      return i >= trainRows && s >= threshold;
    }
  }

  /**
   * AWS Random Cut Forest (streaming, 4 dimensions, 100 trees, sample 256, same decay as the NAB
   * baseline) on the metrics standardized by the training rows' mean and deviation (RCF cuts in
   * proportion to each dimension's range, so unscaled request rates would drown CPU); fires when
   * the score reaches the given quantile of its scores on the training rows after the first 1000.
   */
  final class Rcf implements EntityDetector {
    private final double quantile;
    private final long seed;
    private RandomCutForest forest;
    private double[] mean;
    private double[] sd;
    private double[] point;
    private double[] trainScores;
    private int trainRows;
    private double threshold = Double.POSITIVE_INFINITY;

    Rcf(double quantile, long seed) {
      this.quantile = quantile;
      this.seed = seed;
    }

    @Override
    public String name() {
      return "randomCutForest@" + label(quantile);
    }

    @Override
    public void prepare(EntityTelemetry data) {
      int dims = data.rows[0].length;
      mean = new double[dims];
      sd = new double[dims];
      for (int m = 0; m < dims; m++) {
        double s = 0;
        double ss = 0;
        for (int i = 0; i < data.trainRows; i++) {
          s += data.rows[i][m];
          ss += data.rows[i][m] * data.rows[i][m];
        }
        mean[m] = s / data.trainRows;
        sd[m] = Math.sqrt(Math.max(1e-12, ss / data.trainRows - mean[m] * mean[m]));
      }
      point = new double[dims];
      trainRows = data.trainRows;
      trainScores = new double[Math.max(0, trainRows - 1000)];
      forest =
          RandomCutForest.builder()
              .dimensions(dims)
              .numberOfTrees(100)
              .sampleSize(256)
              .timeDecay(1.0 / 100_000)
              .randomSeed(seed)
              .build();
    }

    @Override
    public boolean observe(int i, long t, double[] x) {
      for (int m = 0; m < point.length; m++) {
        point[m] = (x[m] - mean[m]) / sd[m];
      }
      double s = forest.getAnomalyScore(point);
      forest.update(point);
      if (i < trainRows) {
        if (i >= 1000) {
          trainScores[i - 1000] = s;
        }
        if (i == trainRows - 1) {
          threshold = quantileOf(trainScores, quantile);
        }
        return false;
      }
      return s >= threshold;
    }
  }

  static double quantileOf(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, idx)];
  }

  static String label(double quantile) {
    return quantile >= 1.0 ? "trainMax" : "p" + (Math.round(quantile * 10000) / 100.0);
  }
}
