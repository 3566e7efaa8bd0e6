package io.signalfold.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CycleDeviationTest {

  private static final long STEP = 300_000L;
  private static final int DAY = 288;

  private static double daily(int i, Random rnd) {
    int minute = (i % DAY) * 5;
    double high = minute >= 8 * 60 && minute < 18 * 60 ? 80.0 : 20.0; // working hours
    return high + rnd.nextGaussian() * 2.0;
  }

  @Test
  void aDailyCycleIsQuietAndAMissingJumpIsFoundWithinAnHour() {
    CycleDeviation c = new CycleDeviation(CycleDeviation.FIVE_MINUTES);
    Random rnd = new Random(7);
    int i = 0;
    for (; i < 5 * DAY; i++) {
      assertThat(c.observe(i * STEP, daily(i, rnd))).as("point %d", i).isFalse();
    }
    // day 6 stays low through the working hours
    int found = -1;
    for (; i < 6 * DAY; i++) {
      double x = 20.0 + rnd.nextGaussian() * 2.0;
      if (c.observe(i * STEP, x) && found < 0) {
        found = i;
      }
    }
    int jumpDue = 5 * DAY + 8 * 12; // 08:00 on day 6
    assertThat(found).isBetween(jumpDue, jumpDue + 12);
  }

  @Test
  void noiseWithoutACycleAndLoneSpikesAreQuiet() {
    CycleDeviation c = new CycleDeviation(CycleDeviation.FIVE_MINUTES);
    Random rnd = new Random(11);
    for (int i = 0; i < 10 * DAY; i++) {
      double x = 50.0 + rnd.nextGaussian() * 5.0 + (i % 97 == 0 ? 200.0 : 0.0);
      assertThat(c.observe(i * STEP, x)).as("point %d", i).isFalse();
    }
  }

  @Test
  void aWeeklyPatternIsComparedWithTheSameDayOfTheWeekBefore() {
    CycleDeviation c = new CycleDeviation(CycleDeviation.FIVE_MINUTES);
    Random rnd = new Random(3);
    // weekdays busy, weekends quiet: each Saturday differs from its Friday, not from last Saturday
    for (int i = 0; i < 21 * DAY; i++) {
      int dayOfWeek = (i / DAY) % 7;
      double x = (dayOfWeek >= 5 ? 10.0 : 60.0) + rnd.nextGaussian() * 2.0;
      boolean found = c.observe(i * STEP, x);
      if (i >= 8 * DAY) {
        assertThat(found).as("point %d", i).isFalse();
      }
    }
  }

  @Test
  void afterExactRepeatsTheFirstDistanceIsTheYardstick() {
    // 5.0 is exact in a float; 0.1 is not, and its repeats must still be at distance 0
    for (double base : new double[] {5.0, 0.1}) {
      CycleDeviation c = new CycleDeviation(CycleDeviation.FIVE_MINUTES);
      for (int i = 0; i < 2 * DAY; i++) {
        assertThat(c.observe(i * STEP, base)).isFalse(); // the same value every day: distance 0
      }
      Random rnd = new Random(5);
      int found = 0;
      int i = 2 * DAY;
      for (; i < 10 * DAY; i++) {
        if (c.observe(i * STEP, base + rnd.nextGaussian())) {
          found++;
        }
      }
      // small noise starting is not a sustained deviation found again and again
      assertThat(found).as("base %s", base).isLessThanOrEqualTo(1);
      // a whole day 20 noise widths higher is
      boolean shifted = false;
      for (; i < 11 * DAY; i++) {
        shifted |= c.observe(i * STEP, base + 20.0 + rnd.nextGaussian());
      }
      assertThat(shifted).as("base %s", base).isTrue();
    }
  }

  @Test
  void fifteenMinuteSlotsOnOneMinuteDataFindTheMissingJumpToo() {
    // the pipeline's setting: telemetry every minute, a third of the slots NAB uses
    CycleDeviation c = new CycleDeviation(900_000L);
    Random rnd = new Random(9);
    long minute = 60_000L;
    int perDay = 1440;
    int found = -1;
    for (int i = 0; i < 6 * perDay; i++) {
      int m = i % perDay;
      boolean working = m >= 8 * 60 && m < 18 * 60 && i / perDay != 5;
      double x = (working ? 80.0 : 20.0) + rnd.nextGaussian() * 2.0;
      boolean crossed = c.observe(i * minute, x);
      if (i < 5 * perDay) {
        assertThat(crossed).as("minute %d", i).isFalse();
      } else if (crossed && found < 0) {
        found = i;
      }
    }
    int jumpDue = 5 * perDay + 8 * 60;
    assertThat(found).isBetween(jumpDue, jumpDue + 60);
  }

  @Test
  void aSlotLengthThatDoesNotDivideADayIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CycleDeviation(7 * 60_000L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("divide a day");
  }
}
