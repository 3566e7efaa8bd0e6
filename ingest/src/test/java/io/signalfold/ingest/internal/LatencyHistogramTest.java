package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.schema.ExponentialHistogram;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void percentilesAreWithinTheBucketError() {
    LatencyHistogram.State s = new LatencyHistogram.State();
    Random r = new Random(1);
    double[] values = new double[10_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp(3 + r.nextGaussian()); // log-normal around 20 ms
      LatencyHistogram.record(s, values[i], 1.0);
    }
    Arrays.sort(values);
    double min = values[0];
    double max = values[values.length - 1];
    double base = Math.pow(2, Math.pow(2, -s.scale));
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat(LatencyHistogram.quantile(s, q, min, max))
          .as("p%s", q)
          .isCloseTo(exact, within(exact * (base - 1)));
    }
    assertThat(LatencyHistogram.total(s)).isEqualTo(10_000.0);
  }

  @Test
  void wideRangesDownscaleAndStayBounded() {
    LatencyHistogram.State s = new LatencyHistogram.State();
    LatencyHistogram.record(s, 0.01, 1);
    LatencyHistogram.record(s, 600_000, 1);
    assertThat(s.scale).isLessThan(LatencyHistogram.START_SCALE);
    assertThat(s.counts.length).isLessThanOrEqualTo(LatencyHistogram.MAX_BUCKETS);
    ExponentialHistogram e = LatencyHistogram.toSchema(s);
    assertThat(e.getCounts().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(2.0);
    // The bucket of the largest value covers it: (base^(offset+i), base^(offset+i+1)].
    double base = Math.pow(2, Math.pow(2, -e.getScale()));
    int last = e.getOffset() + e.getCounts().size() - 1;
    assertThat(600_000.0)
        .isGreaterThan(Math.pow(base, last))
        .isLessThanOrEqualTo(Math.pow(base, last + 1) * 1.0000001);
  }

  @Test
  void mergeEqualsRecordingEverythingInOne() {
    LatencyHistogram.State a = new LatencyHistogram.State();
    LatencyHistogram.State b = new LatencyHistogram.State();
    LatencyHistogram.State all = new LatencyHistogram.State();
    Random r = new Random(2);
    for (int i = 0; i < 1000; i++) {
      double v = 1 + r.nextDouble() * (i % 2 == 0 ? 10 : 5000);
      LatencyHistogram.record(i % 2 == 0 ? a : b, v, 2.0);
      LatencyHistogram.record(all, v, 2.0);
    }
    LatencyHistogram.record(b, 0, 3.0);
    LatencyHistogram.record(all, 0, 3.0);
    LatencyHistogram.merge(a, b);
    assertThat(a.scale).isEqualTo(all.scale);
    assertThat(LatencyHistogram.toSchema(a)).isEqualTo(LatencyHistogram.toSchema(all));
  }

  @Test
  void weightsCount() {
    LatencyHistogram.State s = new LatencyHistogram.State();
    LatencyHistogram.record(s, 10, 1);
    LatencyHistogram.record(s, 1000, 99);
    assertThat(LatencyHistogram.quantile(s, 0.5, 10, 1000)).isGreaterThan(900);
  }
}
