package io.signalfold.slo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.slo.TestRecords;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyShareTest {

  @Test
  void exponentialBucketsUnderTheThresholdCountFullyAndTheStraddlingOneLogLinearly() {
    // scale 0: bucket i covers (2^(offset+i), 2^(offset+i+1)]: offset 5 -> (32,64], (64,128],
    // (128,256], (256,512] ms.
    var h = TestRecords.histogram(0, 5, 10, 20, 30, 40);
    assertThat(LatencyShare.total(h)).isEqualTo(100.0);
    // A threshold on a boundary is exact.
    assertThat(LatencyShare.atOrBelow(h, 128)).isEqualTo(30.0);
    assertThat(LatencyShare.atOrBelow(h, 512)).isEqualTo(100.0);
    assertThat(LatencyShare.atOrBelow(h, 16)).isEqualTo(0.0);
    // 200 ms inside (128, 256]: log2(200/128) = 0.644 of that bucket's 30.
    assertThat(LatencyShare.atOrBelow(h, 200))
        .isCloseTo(30 + 30 * (Math.log(200.0 / 128) / Math.log(2)), within(1e-9));
    // The error bound: between the counts at the bucket's two ends.
    assertThat(LatencyShare.atOrBelow(h, 200)).isBetween(30.0, 60.0);
  }

  @Test
  void finerScalesNarrowTheStraddlingBucket() {
    // scale 3: base 2^(1/8) = 1.0905; bucket 61 covers (2^(61/8), 2^(62/8)] = (197.4, 215.3] ms.
    var h = TestRecords.histogram(3, 61, 100);
    assertThat(LatencyShare.bound(61, 3)).isCloseTo(197.4, within(0.1));
    assertThat(LatencyShare.bound(62, 3)).isCloseTo(215.3, within(0.1));
    double good = LatencyShare.atOrBelow(h, 200);
    assertThat(good).isBetween(0.0, 100.0).isCloseTo(15.08, within(0.01));
  }

  @Test
  void zeroBucketCountsAsFast() {
    var h =
        io.signalfold.schema.ExponentialHistogram.newBuilder(TestRecords.histogram(0, 5, 10))
            .setZeroCount(5)
            .build();
    assertThat(LatencyShare.total(h)).isEqualTo(15.0);
    assertThat(LatencyShare.atOrBelow(h, 1)).isEqualTo(5.0);
  }

  @Test
  void explicitBucketsInterpolateLinearlyAndNeverIntoTheOpenTopBucket() {
    List<Double> bounds = List.of(0.1, 0.2, 0.5);
    List<Long> counts = List.of(50L, 30L, 15L, 5L); // (0,.1] (.1,.2] (.2,.5] (.5,inf)
    assertThat(LatencyShare.atOrBelow(bounds, counts, null, null, 0.2)).isEqualTo(80.0);
    assertThat(LatencyShare.atOrBelow(bounds, counts, null, null, 0.35))
        .isCloseTo(80 + 15 * 0.5, within(1e-9));
    assertThat(LatencyShare.atOrBelow(bounds, counts, null, null, 0.05))
        .isCloseTo(25.0, within(1e-9));
    assertThat(LatencyShare.atOrBelow(bounds, counts, null, null, 5.0)).isEqualTo(95.0);
    assertThat(LatencyShare.atOrBelow(bounds, counts, null, 1.0, 0.75))
        .isCloseTo(95 + 5 * 0.5, within(1e-9));
  }
}
