package io.signalfold.loadtest.nab;

import com.amazon.randomcutforest.RandomCutForest;

/**
 * AWS Random Cut Forest (randomcutforest-core) as the baseline, configured like the Kinesis Data
 * Analytics {@code RANDOM_CUT_FOREST} function behind the published NAB entry: 100 trees, sample
 * size 256, time decay 1/100000 (Kinesis' {@code timeDecay = 100000} points), one-dimensional input
 * without shingling, no output before the forest holds sampleSize/4 points (the library default).
 * The raw RCF score is unbounded; it is mapped to [0, 1] by {@code s / (1 + s)}, which keeps its
 * order and so does not change any NAB score.
 */
public final class RandomCutForestNabDetector implements NabDetector {

  static final int TREES = 100;
  static final int SAMPLE_SIZE = 256;
  static final double TIME_DECAY = 1.0 / 100_000;
  private final long seed;

  public RandomCutForestNabDetector(long seed) {
    this.seed = seed;
  }

  @Override
  public String name() {
    return "randomCutForest";
  }

  @Override
  public Stream newStream() {
    RandomCutForest forest =
        RandomCutForest.builder()
            .dimensions(1)
            .numberOfTrees(TREES)
            .sampleSize(SAMPLE_SIZE)
            .timeDecay(TIME_DECAY)
            .randomSeed(seed)
            .build();
    double[] point = new double[1];
    return (t, v) -> {
      point[0] = v;
      double s = forest.getAnomalyScore(point);
      forest.update(point);
      return s / (1.0 + s);
    };
  }
}
