package io.signalfold.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.schema.Direction;
import org.junit.jupiter.api.Test;

class PointScoreTest {

  private static final long STEP = 300_000L;

  @Test
  void theRecordScorePassesThroughAndNothingIsNovelDuringWarmUp() {
    PointScore s = new PointScore(60, 0L, 50, 0, Direction.NONE);
    long t = 0;
    for (int i = 0; i < 60; i++, t += STEP) {
      // a new extreme on every point, but still warming up
      assertThat(s.score(t, i, i == 30 ? 0.7 : 0.0)).isEqualTo(i == 30 ? 0.7 : 0.0);
    }
  }

  @Test
  void aValueBeyondTheRangeScoresByHowFarAndABurstCountsOnce() {
    PointScore s = new PointScore(60, 0L, 50, 0, Direction.NONE);
    long t = 0;
    for (int i = 0; i < 100; i++, t += STEP) {
      assertThat(s.score(t, 10 + (i % 10), 0.0)).isZero(); // range 10..19
    }
    double small = s.score(t, 19.09, 0.0); // 1% of the range beyond it
    t += STEP;
    assertThat(small).isBetween(0.89, 0.91);
    // the climb continues: same event, nothing more for 50 points
    for (int i = 0; i < 50; i++, t += STEP) {
      assertThat(s.score(t, 20 + i, 0.0)).isZero();
    }
    for (int i = 0; i < 60; i++, t += STEP) {
      assertThat(s.score(t, 30, 0.0)).isZero(); // inside the range now
    }
    double far = s.score(t, 0 - 69, 0.0); // 100% of the range (10..69) below it
    assertThat(far).isGreaterThan(0.98).isLessThanOrEqualTo(0.999);
    assertThat(s.score(t + STEP, 12, 0.6)).isEqualTo(0.6);
  }

  @Test
  void oneSidedSeriesIgnoreTheOtherSide() {
    PointScore s = new PointScore(10, 0L, 50, 0, Direction.UP);
    long t = 0;
    for (int i = 0; i < 20; i++, t += STEP) {
      s.score(t, i % 2, 0.0);
    }
    assertThat(s.score(t, -5, 0.0)).isZero();
    assertThat(s.score(t + STEP, 5, 0.0)).isGreaterThan(0.9);
  }

  @Test
  void warmUpInEventTimeIsHonoured() {
    PointScore s = new PointScore(10, 7 * 86_400_000L, 50, 0, Direction.NONE);
    long t = 0;
    for (int i = 0; i < 100; i++, t += STEP) {
      s.score(t, i % 2, 0.0);
    }
    assertThat(s.score(t, 100, 0.0)).isZero(); // 100 points but well under a week
  }

  @Test
  void aScoreIsReportedAgainOnlyAsANewHighOverTheRepeatWindow() {
    PointScore s = new PointScore(1000, 0L, 50, 3, Direction.NONE);
    assertThat(s.score(0, 1, 0.6)).isEqualTo(0.6);
    assertThat(s.score(1, 1, 0.6)).isZero(); // the same score again
    assertThat(s.score(2, 1, 0.8)).isEqualTo(0.8); // an escalation
    assertThat(s.score(3, 1, 0.7)).isZero();
    assertThat(s.score(4, 1, 0.0)).isZero();
    assertThat(s.score(5, 1, 0.0)).isZero();
    assertThat(s.score(6, 1, 0.75)).isEqualTo(0.75); // 0.8 is more than 3 points back
  }

  @Test
  void aNewSequenceScoresOnceAndAKnownPatternNever() {
    PointScore s = new PointScore(60, 0L, 50, 0, Direction.NONE, 5, 3, 0L);
    PointScore without = new PointScore(60, 0L, 50, 0, Direction.NONE);
    long t = 0;
    for (int i = 0; i < 400; i++, t += STEP) {
      double x = (i / 20) % 2 == 0 ? 0.0 : 10.0; // a square wave: low 20 points, high 20 points
      double score = s.score(t, x, 0.0);
      if (i >= 100) {
        assertThat(score).isZero(); // every sequence of the wave is known by then
      }
      without.score(t, x, 0.0);
    }
    // the wave stops a third of the way up and stays there: inside the range, so no spatial
    // novelty, but a
    // slice the series only ever jumped across
    assertThat(s.score(t, 3.5, 0.0)).isCloseTo(0.95, within(1e-9));
    assertThat(without.score(t, 3.5, 0.0)).isZero();
    t += STEP;
    for (int i = 0; i < 40; i++, t += STEP) {
      // the flat line's new pairs and triples are the same event (quiet 50 points)
      assertThat(s.score(t, 3.5, 0.0)).isZero();
    }
  }

  @Test
  void aDayThatBreaksTheDailyCycleScoresOnce() {
    // a day of warm-up: the range (both levels, all the noise) is known before scoring starts
    PointScore s =
        new PointScore(300, 0L, 50, 0, Direction.NONE, 0, 0, CycleDeviation.FIVE_MINUTES);
    PointScore without = new PointScore(300, 0L, 50, 0, Direction.NONE, 0, 0, 0L);
    int day = 288;
    double max = 0;
    int reported = 0;
    for (int i = 0; i < 7 * day; i++) {
      int minute = (i % day) * 5;
      boolean working = minute >= 8 * 60 && minute < 18 * 60;
      // day 6 stays low through its working hours, inside the range of every earlier day
      double x = (working && i / day != 5 ? 80.0 : 20.0) + ((i * 7) % 5 - 2);
      double score = s.score(i * STEP, x, 0.0);
      if (i < 5 * day) {
        assertThat(score).as("point %d", i).isZero();
      }
      if (score > 0) {
        reported++;
        max = Math.max(max, score);
      }
      assertThat(without.score(i * STEP, x, 0.0)).isZero();
    }
    assertThat(max).isEqualTo(0.9);
    assertThat(reported).isBetween(1, 3); // the missing jump; maybe its return the next day
  }

  @Test
  void aScoreRestoredFromItsBytesScoresTheRestExactlyAsTheOriginalAndNamesItsEvidence() {
    // every piece of evidence on: sequences, the cycle, the range, repeats over 25 points
    PointScore original =
        new PointScore(60, 0L, 50, 25, Direction.NONE, 5, 3, CycleDeviation.FIVE_MINUTES);
    PointScore restored = null;
    int day = 288;
    java.util.Map<PointScore.Evidence, Integer> seen =
        new java.util.EnumMap<>(PointScore.Evidence.class);
    java.util.Random rnd = new java.util.Random(17);
    for (int i = 0; i < 9 * day; i++) {
      int minute = (i % day) * 5;
      boolean working = minute >= 8 * 60 && minute < 18 * 60 && i / day != 6;
      double x = (working ? 80.0 : 20.0) + rnd.nextGaussian() * 2.0 + (i == 8 * day ? 500 : 0);
      double a = original.score(i * STEP, x, i == 7 * day + 30 ? 0.85 : 0.0);
      if (i == 3 * day + 7) {
        restored =
            new PointScore(60, 0L, 50, 25, Direction.NONE, 5, 3, CycleDeviation.FIVE_MINUTES);
        restored.restore(original.toBytes());
        continue;
      }
      if (restored != null) {
        double b = restored.score(i * STEP, x, i == 7 * day + 30 ? 0.85 : 0.0);
        assertThat(b).as("point %d", i).isEqualTo(a);
        assertThat(restored.lastEvidence()).isEqualTo(original.lastEvidence());
      }
      seen.merge(original.lastEvidence(), 1, Integer::sum);
      if (a == 0) {
        assertThat(original.lastEvidence()).isEqualTo(PointScore.Evidence.NONE);
      }
    }
    // the missing working day, the record, the spike past the whole range
    assertThat(seen)
        .containsKeys(
            PointScore.Evidence.CYCLE, PointScore.Evidence.RECORD, PointScore.Evidence.RANGE);
  }

  @Test
  void stateOfAnotherConfigurationIsRefused() {
    PointScore nab = PointScore.forNab();
    nab.score(0L, 1.0, 0.0);
    PointScore other = new PointScore(60, 0L, 50, 10, Direction.NONE);
    assertThatThrownBy(() -> other.restore(nab.toBytes()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another configuration");
  }
}
