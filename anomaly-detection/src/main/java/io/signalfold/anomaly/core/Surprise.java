package io.signalfold.anomaly.core;

/**
 * Surprise of an observation, in decimal digits of improbability ({@code -log10 p}). Gaussian tail
 * probabilities use the Abramowitz-Stegun 7.1.26 rational approximation of erfc below 3 and its
 * asymptotic expansion above (relative error well under 1% where it matters); count tails use the
 * Chernoff bound {@code P(X >= k) <= exp(-n KL(k/n || p))} (binomial) and its Poisson limit, which
 * is conservative: it never makes a few failures out of a handful of requests look alarming.
 */
public final class Surprise {

  private static final double LN10 = Math.log(10.0);
  private static final double SQRT_PI = Math.sqrt(Math.PI);
  private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

  private Surprise() {}

  /** {@code -log10 P(|Z| >= |z|)} for a standard normal Z. */
  public static double gaussianTwoSided(double z) {
    double x = Math.abs(z) * INV_SQRT2;
    return -logErfc(x) / LN10;
  }

  /** {@code -log10 P(Z >= z)} for a standard normal Z (0 for z <= 0). */
  public static double gaussianUpper(double z) {
    if (z <= 0) {
      return 0.0;
    }
    return (-logErfc(z * INV_SQRT2) + Math.log(2.0)) / LN10;
  }

  /** Natural log of erfc(x) for x >= 0. */
  static double logErfc(double x) {
    if (x < 3.0) {
      double t = 1.0 / (1.0 + 0.3275911 * x);
      double poly =
          t
              * (0.254829592
                  + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
      return Math.log(poly) - x * x;
    }
    double inv2 = 1.0 / (2.0 * x * x);
    double series = 1.0 - inv2 + 3.0 * inv2 * inv2 - 15.0 * inv2 * inv2 * inv2;
    return -x * x - Math.log(x * SQRT_PI) + Math.log(series);
  }

  /**
   * {@code -log10} of the Chernoff bound on {@code P(X >= k)} for X ~ Binomial(n, p); 0 when k is
   * not above the mean. Works for fractional (sampling-weighted) counts.
   */
  public static double binomialUpper(double k, double n, double p) {
    if (n <= 0 || k <= n * p) {
      return 0.0;
    }
    double pp = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
    double a = Math.min(k / n, 1.0);
    double kl = a * Math.log(a / pp);
    if (a < 1.0) {
      kl += (1 - a) * Math.log((1 - a) / (1 - pp));
    }
    return n * kl / LN10;
  }

  /**
   * {@code -log10} of the Chernoff bound on {@code P(X >= k)} (k above the mean) or {@code P(X <=
   * k)} (k below it) for X ~ Poisson(mean).
   */
  public static double poisson(double k, double mean) {
    double m = Math.max(mean, 1e-9);
    if (k <= 0) {
      return m / LN10;
    }
    double kl = k * Math.log(k / m) - k + m;
    return Math.max(0.0, kl) / LN10;
  }
}
