package io.signalfold.anomaly.core;

import java.io.Serializable;

/**
 * Parameters of {@link EntityJointCheck}. Time constants are in event time, like {@link
 * DetectorConfig}'s.
 *
 * @param bucketMs metric points of one entity are averaged into vectors of this width
 * @param minHistoryMs event time an entity (and each metric in the joint distance) must have been
 *     observed before the check may flag (cold start)
 * @param minVectors vectors an entity (and each metric) must have contributed before the check may
 *     flag
 * @param baselineTauMs time constant of each metric's own mean and variance
 * @param covarianceTauMs time constant of the mean and covariance of the standardized vectors
 * @param ridge diagonal loading of the covariance, as a fraction of each variance (keeps nearly
 *     collinear metrics from turning noise into huge distances)
 * @param minEigenFraction directions of the correlation-scaled covariance whose eigenvalue is below
 *     this fraction of the largest are dropped from the distance and from its degrees of freedom
 *     (identical or copied metrics leave directions without variance)
 * @param bandZ a metric further than this many of its own spreads from its mean is out of band:
 *     that vector is left to the univariate detector (the joint check judges relationships, not
 *     single-metric spikes)
 * @param clipZ each metric's baseline learns its values clipped at this many spreads (Huber)
 * @param anomalyWeight learning weight of flagged and out-of-band vectors
 * @param investigateScore score from which an episode opens (tier INVESTIGATE)
 * @param recoverVectors consecutive vectors below the investigate score that end an episode
 * @param refreshMs an open episode is re-published (CONTINUING) at most this often
 * @param acceptMs an episode lasting this long is closed as the new normal; the check then learns
 *     at full weight and stays quiet for this long
 */
public record JointCheckConfig(
    long bucketMs,
    long minHistoryMs,
    int minVectors,
    long baselineTauMs,
    long covarianceTauMs,
    double ridge,
    double minEigenFraction,
    double bandZ,
    double clipZ,
    double anomalyWeight,
    double investigateScore,
    int recoverVectors,
    long refreshMs,
    long acceptMs)
    implements Serializable {

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  /** See {@link #minEigenFraction}. */
  static final double MIN_EIGEN_FRACTION = 1e-4;

  public JointCheckConfig {
    if (bucketMs <= 0) {
      throw new IllegalArgumentException("bucketMs must be positive");
    }
    if (baselineTauMs <= 0 || covarianceTauMs <= 0) {
      throw new IllegalArgumentException("baselineTauMs and covarianceTauMs must be positive");
    }
    if (ridge < 0) {
      throw new IllegalArgumentException("ridge must not be negative");
    }
    if (minEigenFraction < 0 || minEigenFraction >= 1) {
      throw new IllegalArgumentException("minEigenFraction must be in [0, 1)");
    }
    if (bandZ <= 0 || clipZ <= 0) {
      throw new IllegalArgumentException("bandZ and clipZ must be positive");
    }
  }

  /**
   * One-minute vectors, 24 h and 240 vectors of cold start, baselines over a day, covariance over
   * three days, 0.1% ridge, band 3 spreads, clip 4, episodes from score 0.6 (surprise 5.3 digits),
   * otherwise like the univariate detector's.
   */
  public static JointCheckConfig defaults() {
    return new JointCheckConfig(
        MINUTE,
        24 * HOUR,
        240,
        24 * HOUR,
        72 * HOUR,
        0.001,
        MIN_EIGEN_FRACTION,
        3.0,
        4.0,
        0.1,
        // 0.5 (the detector's investigate score) opened ~5 episodes a day on a healthy instance of
        // the scenario telemetry, 0.6 far fewer; 0.6 still finds 38 of 60 generated breaks
        0.6,
        3,
        15 * MINUTE,
        6 * HOUR);
  }

  /** A copy with another vector width. */
  public JointCheckConfig withBucketMs(long ms) {
    return new JointCheckConfig(
        ms,
        minHistoryMs,
        minVectors,
        baselineTauMs,
        covarianceTauMs,
        ridge,
        minEigenFraction,
        bandZ,
        clipZ,
        anomalyWeight,
        investigateScore,
        recoverVectors,
        refreshMs,
        acceptMs);
  }
}
