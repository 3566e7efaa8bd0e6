package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SamplingThresholdTest {

  @Test
  void noThresholdCountsOnce() {
    assertThat(SamplingThreshold.adjustedCount("")).isEqualTo(1.0);
    assertThat(SamplingThreshold.adjustedCount(null)).isEqualTo(1.0);
    assertThat(SamplingThreshold.adjustedCount("vendor=abc,ot=rv:0123")).isEqualTo(1.0);
  }

  @Test
  void thresholdGivesInverseProbability() {
    // th:0 samples everything; th:8 rejects half; th:c rejects 3/4; th:fd70a4 keeps ~1%.
    assertThat(SamplingThreshold.adjustedCount("ot=th:0")).isEqualTo(1.0);
    assertThat(SamplingThreshold.adjustedCount("ot=th:8")).isEqualTo(2.0);
    assertThat(SamplingThreshold.adjustedCount("ot=th:c;rv:1234")).isEqualTo(4.0);
    assertThat(SamplingThreshold.adjustedCount("congo=t61rcWkgMzE, ot=rv:00;th:fd70a4"))
        .isCloseTo(100.0, within(0.01));
    assertThat(SamplingThreshold.adjustedCount("ot=th:e")).isEqualTo(8.0);
  }

  @Test
  void invalidThresholdsCountOnce() {
    assertThat(SamplingThreshold.adjustedCount("ot=th:xyz")).isEqualTo(1.0);
    assertThat(SamplingThreshold.adjustedCount("ot=th:123456789012345")).isEqualTo(1.0);
    assertThat(SamplingThreshold.adjustedCount("xot=th:8")).isEqualTo(1.0);
  }
}
