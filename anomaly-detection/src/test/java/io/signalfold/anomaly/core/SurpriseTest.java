package io.signalfold.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class SurpriseTest {

  @Test
  void gaussianTailsMatchCommonsMath() {
    NormalDistribution n = new NormalDistribution();
    for (double z : new double[] {0.5, 1, 2, 3, 4, 5, 6}) {
      double exact = -Math.log10(2 * n.cumulativeProbability(-z));
      assertThat(Surprise.gaussianTwoSided(z)).isCloseTo(exact, within(0.02 * exact + 0.01));
      assertThat(Surprise.gaussianTwoSided(-z)).isEqualTo(Surprise.gaussianTwoSided(z));
    }
  }

  @Test
  void binomialChernoffBoundIsConservative() {
    // one failure out of three requests at a 0.5% base rate is not surprising
    double exact = -Math.log10(1 - new BinomialDistribution(3, 0.005).cumulativeProbability(0));
    double bound = Surprise.binomialUpper(1, 3, 0.005);
    assertThat(bound).isLessThanOrEqualTo(exact).isLessThan(2.5);
    // 540 failures out of 1800 at 0.5% is overwhelming
    assertThat(Surprise.binomialUpper(540, 1800, 0.005)).isGreaterThan(100);
    assertThat(Surprise.binomialUpper(9, 1800, 0.005)).isZero();
  }
}
