package io.signalfold.loadtest.nab;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.anomaly.core.DetectorConfig;
import org.junit.jupiter.api.Test;

class SignalfoldNabDetectorTest {

  @Test
  void scoresAreInRangeAndAStepIsScoredOnlyWhenItHappens() {
    NabDetector.Stream stream = new SignalfoldNabDetector(DetectorConfig.defaults()).newStream();
    long t = 1_400_000_000_000L;
    double[] scores = new double[3000];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < scores.length; i++, t += 300_000) {
      double v = (i < 2500 ? 10 : 30) + random.nextGaussian();
      scores[i] = stream.score(t, v);
      assertThat(scores[i]).isBetween(0.0, 1.0);
    }
    assertThat(scores[2500]).isGreaterThan(0.8);
    double before = 0;
    for (int i = 1000; i < 2500; i++) {
      before = Math.max(before, scores[i]);
    }
    assertThat(before).isLessThan(scores[2500]);
  }
}
