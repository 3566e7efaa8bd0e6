package io.signalfold.loadtest.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NabScorerTest {

  @Test
  void scaledSigmoidWorkedValues() {
    assertThat(NabScorer.scaledSigmoid(-1.0)).isCloseTo(0.98661429815143, within(1e-12));
    assertThat(NabScorer.scaledSigmoid(0.0)).isCloseTo(0.0, within(1e-15));
    assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.84828363995751, within(1e-12));
    assertThat(NabScorer.scaledSigmoid(0.5)).isCloseTo(-0.84828363995751, within(1e-12));
    assertThat(NabScorer.scaledSigmoid(1.0)).isCloseTo(-0.98661429815143, within(1e-12));
    assertThat(NabScorer.scaledSigmoid(3.0)).isGreaterThan(-1.0);
    assertThat(NabScorer.scaledSigmoid(3.01)).isEqualTo(-1.0);
  }

  @Test
  void probationaryPeriodIsFifteenPercentCappedAt750() {
    assertThat(NabScorer.probation(20)).isEqualTo(3);
    assertThat(NabScorer.probation(4032)).isEqualTo(604);
    assertThat(NabScorer.probation(22695)).isEqualTo(750);
  }

  /**
   * 20 rows, probation 3, one window [8, 11] (width 4). Detections at row 1 (probation, ignored), 5
   * (before the window: -fp), 9 (p = -3/4), 10 (p = -2/4; only the best detection of a window
   * counts) and 13 (after the window: p = 2/3, value S(2/3) fp).
   */
  private static NabScorer.FileScores handChecked() {
    double[] scores = new double[20];
    scores[1] = 1.0;
    scores[5] = 0.9;
    scores[9] = 0.8;
    scores[10] = 0.95;
    scores[13] = 0.7;
    return new NabScorer.FileScores("test/file.csv", scores, new int[][] {{8, 11}});
  }

  @Test
  void smallHandCheckedFile() {
    NabScorer.FileScores file = handChecked();
    // threshold 0.75: rows 5, 9, 10 detect: -0.11 + S(-0.75)/S(-1)
    assertThat(NabScorer.fileScore(file, NabScorer.STANDARD, 0.75))
        .isCloseTo(0.8569890878000606, within(1e-12));
    // threshold 0.7 adds row 13 after the window: + S(2/3) * 0.11
    assertThat(NabScorer.fileScore(file, NabScorer.STANDARD, 0.7))
        .isCloseTo(0.754567030846627, within(1e-12));
    // nothing detects: the window is a false negative
    assertThat(NabScorer.fileScore(file, NabScorer.STANDARD, 2.0)).isEqualTo(-1.0);
    assertThat(NabScorer.fileScore(file, NabScorer.REWARD_LOW_FN, 2.0)).isEqualTo(-2.0);
    assertThat(NabScorer.fileScore(file, NabScorer.REWARD_LOW_FP, 0.75))
        .isCloseTo(-0.22 + 0.9669890878000605, within(1e-12));
  }

  @Test
  void thresholdSweepPicksTheBestThresholdAndNormalises() {
    NabScorer.Result r = NabScorer.score(List.of(handChecked()), NabScorer.STANDARD);
    // best: only row 10 detects (threshold 0.95): S(-0.5)/S(-1) = 0.859793...
    assertThat(r.threshold()).isEqualTo(0.95);
    assertThat(r.raw()).isCloseTo(0.84828363995751 / 0.98661429815143, within(1e-12));
    assertThat(r.windows()).isEqualTo(1);
    assertThat(r.nullScore()).isEqualTo(-1.0);
    assertThat(r.normalised()).isCloseTo(100 * (r.raw() + 1) / 2, within(1e-9));
    assertThat(r.detectedWindows()).isEqualTo(1);
  }

  @Test
  void windowsInsideTheProbationaryPeriodAreNotScored() {
    double[] scores = new double[20];
    NabScorer.FileScores file =
        new NabScorer.FileScores("test/early.csv", scores, new int[][] {{0, 2}, {8, 11}});
    NabScorer.Result r = NabScorer.score(List.of(file), NabScorer.STANDARD);
    assertThat(r.windows()).isEqualTo(1);
    assertThat(r.nullScore()).isEqualTo(-1.0);
    assertThat(r.perfect()).isEqualTo(1.0);
    // nothing detects: only the scored window counts as missed
    assertThat(NabScorer.fileScore(file, NabScorer.STANDARD, 0.5)).isEqualTo(-1.0);
  }
}
