package io.signalfold.anomaly.core;

import static io.signalfold.anomaly.core.SyntheticSeries.DAY;
import static io.signalfold.anomaly.core.SyntheticSeries.HOUR;
import static io.signalfold.anomaly.core.SyntheticSeries.MINUTE;
import static io.signalfold.anomaly.core.SyntheticSeries.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class SeriesDetectorTest {

  private static final DetectorConfig CONFIG = DetectorConfig.defaults();
  private static final SeriesSpec TRAFFIC =
      new SeriesSpec(
          SignalClass.LAGGING, Direction.NONE, SeriesSpec.NoiseModel.CONTINUOUS, null, false);

  /** Feeds [from, to) at the given step and returns the time after the last point. */
  private static long feed(
      SeriesDetector d, SyntheticSeries s, long from, long to, long step, EpisodeListener out) {
    long t = from;
    for (; t < to; t += step) {
      d.observe(t, s.at(t), out);
    }
    return t;
  }

  @Test
  void aWeekOfDailyAndWeeklyCyclesGivesNoAnomaly() {
    SyntheticSeries s = new SyntheticSeries(300, 0.7, 0.6, 0.05, 1);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    RecordingListener out = new RecordingListener();
    feed(d, s, START, START + 14 * DAY, MINUTE, EpisodeListener.NONE);
    feed(d, s, START + 14 * DAY, START + 21 * DAY, MINUTE, out);
    assertThat(out.alarms()).isEmpty();
    assertThat(out.opened()).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void aSpikeAboveAndADipBelowTheBandAreFlagged() {
    SyntheticSeries s = new SyntheticSeries(300, 0.7, 0.6, 0.05, 2);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    // mid-morning on a weekday, away from the weekend steps of the synthetic traffic
    long t = feed(d, s, START, START + 15 * DAY + 11 * HOUR, MINUTE, EpisodeListener.NONE);
    RecordingListener out = new RecordingListener();
    d.observe(t, s.level(t) * 1.8, out);
    assertThat(out.opened())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AnomalyKind.SPIKE);
              assertThat(e.direction()).isEqualTo(Direction.UP);
              assertThat(e.tier()).isEqualTo(AnomalyTier.ALARM);
            });
    assertThat(d.lastUpper()).isLessThan(s.level(t) * 1.8);
    t = feed(d, s, t + MINUTE, t + 6 * HOUR, MINUTE, out);
    out.clear();
    d.observe(t, s.level(t) * 0.3, out);
    assertThat(out.opened())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AnomalyKind.DIP);
              assertThat(e.direction()).isEqualTo(Direction.DOWN);
            });
    assertThat(d.lastLower()).isGreaterThan(s.level(t) * 0.3);
  }

  /**
   * A p95 of one or two sampled spans that jumps once is one slow request: the episode opens as
   * INVESTIGATE and becomes an ALARM only if the next point is still anomalous. With enough samples
   * (or an unknown count) the same jump alarms at once.
   */
  @Test
  void aThinPointStatisticAlarmsOnlyWhenTheNextPointConfirmsIt() {
    SyntheticSeries s = new SyntheticSeries(100, 0.3, 0.2, 0.05, 5);
    long start = START + 15 * DAY + 11 * HOUR;
    for (double samples : new double[] {2, 50, 0}) {
      SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
      long t = start;
      for (long u = START; u < start; u += MINUTE) {
        d.observe(u, s.at(u), samples, EpisodeListener.NONE);
      }
      RecordingListener out = new RecordingListener();
      d.observe(t, s.level(t) * 4.0, samples, out);
      assertThat(out.opened()).as("samples %s", samples).hasSize(1);
      AnomalyTier first = out.opened().get(0).tier();
      if (samples == 2) {
        assertThat(first).isEqualTo(AnomalyTier.INVESTIGATE);
        assertThat(out.alarms()).isEmpty();
        d.observe(t + MINUTE, s.level(t + MINUTE) * 4.0, samples, out);
        assertThat(out.alarms()).as("confirmed by the next point: %s", out.events).isNotEmpty();
      } else {
        assertThat(first).as("samples %s", samples).isEqualTo(AnomalyTier.ALARM);
      }
    }
  }

  /**
   * A smooth utilization (disk at 35.6%, moving by hundredths of a point) steps by 0.2 points: with
   * the utilization spec's minimum deviation of one point that is no anomaly, without it it is; a
   * real step of five points is one either way.
   */
  @Test
  void aSmoothUtilizationIgnoresMovesBelowItsMinimumDeviation() {
    SeriesSpec plain =
        new SeriesSpec(
            SignalClass.LEADING, Direction.NONE, SeriesSpec.NoiseModel.CONTINUOUS, null, false);
    SeriesSpec utilization =
        new SeriesSpec(
            SignalClass.LEADING,
            Direction.NONE,
            SeriesSpec.NoiseModel.CONTINUOUS,
            null,
            false,
            0.01);
    Random random = new Random(3);
    double[] noise = new double[5 * 24 * 60];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = 1e-4 * random.nextGaussian();
    }
    for (double step : new double[] {0.002, 0.05}) {
      for (SeriesSpec spec : new SeriesSpec[] {plain, utilization}) {
        SeriesDetector d = new SeriesDetector(CONFIG, spec);
        RecordingListener out = new RecordingListener();
        for (int i = 0; i < noise.length; i++) {
          long t = START + i * MINUTE;
          double x = 0.356 + noise[i] + (i >= noise.length - 60 ? step : 0.0);
          d.observe(t, x, i >= noise.length - 60 ? out : EpisodeListener.NONE);
        }
        boolean flagged = !out.opened().isEmpty();
        boolean expected = step > 0.01 || spec == plain;
        assertThat(flagged)
            .as("step %s, min deviation %s", step, spec.minDeviation())
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aSpikeDoesNotWidenItsOwnBand() {
    SyntheticSeries s = new SyntheticSeries(300, 0.7, 0.6, 0.05, 3);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    long t = feed(d, s, START, START + 14 * DAY, MINUTE, EpisodeListener.NONE);
    double widthBefore = d.lastUpper() - d.lastLower();
    for (int i = 0; i < 5; i++, t += MINUTE) {
      d.observe(t, s.level(t) * 3, EpisodeListener.NONE);
    }
    d.observe(t, s.at(t), EpisodeListener.NONE);
    assertThat(d.lastUpper() - d.lastLower()).isLessThan(widthBefore * 1.5);
  }

  @Test
  void coldStartIsHonest() {
    SyntheticSeries s = new SyntheticSeries(300, 0.7, 0.6, 0.05, 4);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    RecordingListener out = new RecordingListener();
    long t = feed(d, s, START, START + 6 * HOUR, MINUTE, out);
    d.observe(t, s.level(t) * 5, out);
    assertThat(out.events).isEmpty();
    assertThat(d.warm()).isFalse();
    t = feed(d, s, t + MINUTE, START + 3 * DAY + 11 * HOUR, MINUTE, EpisodeListener.NONE);
    d.observe(t, s.level(t) * 5, out);
    assertThat(out.opened())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.historyPoints()).isGreaterThanOrEqualTo(CONFIG.minHistoryPoints());
            });
  }

  @Test
  void errorRateStepIsFlaggedLaggingWithinTwoIntervals() {
    SeriesSpec errors =
        new SeriesSpec(
            SignalClass.LAGGING, Direction.UP, SeriesSpec.NoiseModel.BINOMIAL, null, false);
    SeriesDetector d = new SeriesDetector(CONFIG, errors);
    Random random = new Random(5);
    long step = 30_000;
    long t = START;
    for (; t < START + 14 * DAY; t += step) {
      double n = 1800;
      d.observe(t, binomial(random, n, 0.005) / n, n, EpisodeListener.NONE);
    }
    RecordingListener out = new RecordingListener();
    int intervals = 0;
    while (out.alarms().isEmpty() && intervals < 10) {
      double n = 1800;
      d.observe(t, binomial(random, n, 0.2) / n, n, out);
      t += step;
      intervals++;
    }
    assertThat(intervals).isLessThanOrEqualTo(2);
    assertThat(out.alarms().get(0).direction()).isEqualTo(Direction.UP);
    assertThat(d.spec().signalClass()).isEqualTo(SignalClass.LAGGING);
  }

  @Test
  void fewRequestsDoNotMakeAnErrorRatioAlarm() {
    SeriesSpec errors =
        new SeriesSpec(
            SignalClass.LAGGING, Direction.UP, SeriesSpec.NoiseModel.BINOMIAL, null, false);
    SeriesDetector d = new SeriesDetector(CONFIG, errors);
    Random random = new Random(6);
    RecordingListener out = new RecordingListener();
    long t = START;
    for (; t < START + 21 * DAY; t += 30_000) {
      // busy by day (3000 requests per interval), three requests per interval at night
      double hour = Math.floorMod(t, DAY) / (double) HOUR;
      double n = hour >= 1 && hour < 5 ? 3 : 3000;
      d.observe(
          t, binomial(random, n, 0.005) / n, n, t < START + 14 * DAY ? EpisodeListener.NONE : out);
    }
    assertThat(out.alarms()).isEmpty();
    // and one failure out of three at night really happened
    d.observe(t, 1.0 / 3, 3, out);
    assertThat(out.alarms()).isEmpty();
  }

  @Test
  void latencyRampIsFlaggedLeadingBeforeItCrossesTheSloThreshold() {
    double slo = 250;
    SeriesSpec latency =
        new SeriesSpec(
            SignalClass.LEADING, Direction.UP, SeriesSpec.NoiseModel.CONTINUOUS, slo, true);
    SeriesDetector d = new SeriesDetector(CONFIG, latency);
    SyntheticSeries s = new SyntheticSeries(100, 0.1, 1.0, 0.05, 7);
    long t = feed(d, s, START, START + 14 * DAY, MINUTE, EpisodeListener.NONE);
    long rampStart = t;
    long rampLength = 7 * DAY;
    RecordingListener out = new RecordingListener();
    long crossing = -1;
    for (; t < rampStart + rampLength; t += MINUTE) {
      double factor = 1 + 2.0 * (t - rampStart) / rampLength; // 100 ms -> 300 ms
      double noiseless = s.level(t) * factor;
      if (crossing < 0 && noiseless >= slo) {
        crossing = t;
      }
      d.observe(t, s.at(t) * factor, out);
    }
    RecordingListener.Published trend =
        out.opened().stream().filter(e -> e.kind() == AnomalyKind.TREND).findFirst().orElseThrow();
    assertThat(trend.timestampMs()).isLessThan(crossing);
    assertThat(trend.direction()).isEqualTo(Direction.UP);
    assertThat(trend.slopePerHour()).isPositive();
    assertThat(trend.timeToLimitMs()).isPositive();
    assertThat(d.spec().signalClass()).isEqualTo(SignalClass.LEADING);
  }

  @Test
  void aSeriesGoingSilentIsFlaggedAndRecovers() {
    SyntheticSeries s = new SyntheticSeries(300, 0.7, 0.6, 0.05, 8);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    long t = feed(d, s, START, START + 3 * DAY, MINUTE, EpisodeListener.NONE);
    RecordingListener out = new RecordingListener();
    assertThat(d.checkSilence(t + 2 * MINUTE, out)).isFalse();
    long threshold = d.silenceThresholdMs();
    assertThat(threshold).isPositive();
    assertThat(d.checkSilence(t - MINUTE + threshold + 1, out)).isTrue();
    assertThat(out.opened())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AnomalyKind.MISSING_DATA);
              assertThat(e.tier()).isEqualTo(AnomalyTier.ALARM);
            });
    d.observe(t + HOUR, s.at(t + HOUR), out);
    assertThat(out.events)
        .anySatisfy(
            e -> {
              assertThat(e.phase()).isEqualTo(AnomalyPhase.RECOVERED);
              assertThat(e.kind()).isEqualTo(AnomalyKind.MISSING_DATA);
            });
  }

  @Test
  void aRareEventRateGoingQuietIsNotMissingData() {
    SeriesSpec rate =
        new SeriesSpec(
            SignalClass.LAGGING, Direction.NONE, SeriesSpec.NoiseModel.POISSON, null, false);
    SeriesDetector busy = new SeriesDetector(CONFIG, rate);
    SeriesDetector rare = new SeriesDetector(CONFIG, rate);
    Random random = new Random(12);
    long t = START;
    for (; t < START + 3 * DAY; t += 30_000) {
      busy.observe(t, 50 + random.nextGaussian(), 30, EpisodeListener.NONE); // 50 req/s
      if (random.nextDouble() < 0.1) {
        // a rare operation: an interval with one call now and then, none otherwise (no record)
        rare.observe(t, 1 / 30.0, 30, EpisodeListener.NONE);
      }
    }
    RecordingListener out = new RecordingListener();
    long later = t - 30_000 + 10 * MINUTE;
    assertThat(busy.checkSilence(later, out)).isTrue();
    // past its own silence threshold, but a few expected calls missing is not news
    long rareLater = rare.lastTimestampMs() + rare.silenceThresholdMs() + MINUTE;
    assertThat(rare.checkSilence(rareLater, out)).isFalse();
    assertThat(out.opened()).hasSize(1);
  }

  @Test
  void aDailyRecurringSpikeIsLabelledRecurringAndDoesNotAlarm() {
    SyntheticSeries s = new SyntheticSeries(300, 0.7, 0.6, 0.05, 9);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    RecordingListener out = new RecordingListener();
    for (long t = START; t < START + 10 * DAY; t += MINUTE) {
      long minuteOfDay = Math.floorMod(t, DAY) / MINUTE;
      boolean spike = minuteOfDay >= 600 && minuteOfDay < 606; // 10:00-10:05 every day
      d.observe(t, spike ? s.level(t) * 2.5 : s.at(t), out);
    }
    // the spike's episodes (the synthetic weekend step at Monday midnight is another matter)
    var late =
        out.opened().stream()
            .filter(e -> e.timestampMs() >= START + 6 * DAY)
            .filter(e -> Math.abs(Math.floorMod(e.timestampMs(), DAY) / MINUTE - 600) <= 15)
            .toList();
    var first = out.opened().stream().filter(e -> e.timestampMs() < START + 2 * DAY).findFirst();
    assertThat(first).hasValueSatisfying(e -> assertThat(e.recurring()).isFalse());
    assertThat(late).isNotEmpty();
    assertThat(late)
        .allSatisfy(
            e -> {
              assertThat(e.recurring()).isTrue();
              assertThat(e.recurringMagnitude()).isPositive();
              assertThat(e.tier()).isEqualTo(AnomalyTier.INVESTIGATE);
            });
  }

  @Test
  void aResolutionChangeFromOneMinuteToTenSecondsRaisesNoAlarm() {
    SyntheticSeries s = new SyntheticSeries(0.4, 0.5, 0.8, 0.05, 10);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    long t = feed(d, s, START, START + 14 * DAY, MINUTE, EpisodeListener.NONE);
    RecordingListener out = new RecordingListener();
    feed(d, s, t, t + DAY, 10_000, out);
    assertThat(out.alarms()).isEmpty();
  }

  @Test
  void stateRoundTripsThroughTheCodecAndOlderVersionsStillLoad() {
    SyntheticSeries s = new SyntheticSeries(300, 0.7, 0.6, 0.05, 11);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    long t = feed(d, s, START, START + 3 * DAY, MINUTE, EpisodeListener.NONE);
    SeriesDetector[] copy = {new SeriesDetector(CONFIG, TRAFFIC)};
    boolean[] present = new boolean[1];
    SeriesStateCodec.decode(
        SeriesStateCodec.encode(
            new SeriesDetector[] {d}, new boolean[] {true}, SeriesStateCodec.CURRENT_VERSION),
        copy,
        present);
    assertThat(present[0]).isTrue();
    d.observe(t, 999, EpisodeListener.NONE);
    copy[0].observe(t, 999, EpisodeListener.NONE);
    assertThat(copy[0].lastExpected()).isEqualTo(d.lastExpected());
    assertThat(copy[0].lastScore()).isEqualTo(d.lastScore());

    for (int version = 1; version < SeriesStateCodec.CURRENT_VERSION; version++) {
      byte[] older =
          SeriesStateCodec.encode(new SeriesDetector[] {d}, new boolean[] {true}, version);
      SeriesDetector[] old = {new SeriesDetector(CONFIG, TRAFFIC)};
      SeriesStateCodec.decode(older, old, present);
      assertThat(old[0].historyPoints()).isEqualTo(d.historyPoints());
      assertThat(old[0].warm()).isTrue();
      // the observed range (version 3) restarts after an upgrade: no spurious novelty
      RecordingListener out = new RecordingListener();
      feed(old[0], s, t + MINUTE, t + 6 * HOUR, MINUTE, out);
      assertThat(out.opened()).isEmpty();
    }
  }

  @Test
  @Disabled(
      "needs the 98th-percentile CUSUM calibration, which moved incident onsets before the causing"
          + " deploy in the end-to-end scenario; see Q_CUSUM in SeriesDetector and the README")
  void aSustainedShiftIsFoundInASeriesWithRareLargeSpikes() {
    // 1.5% of the points are spikes of 20 sigmas: they set the 99.5th percentile of |z| (the
    // point calibration) but not the 98th (the CUSUM's), so a 3-sigma shift still accumulates
    Random random = new Random(11);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    RecordingListener out = new RecordingListener();
    long t = START;
    for (; t < START + 3 * DAY; t += MINUTE) {
      d.observe(t, spiky(random, 100.0), out);
    }
    assertThat(out.alarms()).isEmpty();
    out.clear();
    long shiftAt = t;
    for (; t < shiftAt + HOUR; t += MINUTE) {
      d.observe(t, spiky(random, 103.0), out);
    }
    assertThat(out.opened())
        .isNotEmpty()
        .first()
        .satisfies(
            e -> {
              assertThat(e.direction()).isEqualTo(Direction.UP);
              assertThat(e.timestampMs() - shiftAt).isLessThanOrEqualTo(15 * MINUTE);
            });
  }

  @Test
  void aValueBeyondEverythingSeenIsFlaggedAndOneInsideIsNot() {
    // uniform noise over [0, 100]: 112 is only about 2 robust sigmas from the level, so the point
    // residual alone would not flag it, but it is 12% of the range beyond anything seen
    assertThat(novelValueAfter(8 * DAY, 104.0)).isEmpty();
    assertThat(novelValueAfter(8 * DAY, 112.0))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.direction()).isEqualTo(Direction.UP);
              assertThat(e.tier()).isEqualTo(AnomalyTier.ALARM);
            });
  }

  @Test
  void noveltyWaitsForAFullWeekOfRange() {
    // after two days the range has not seen a weekly cycle yet: a new extreme is not news
    assertThat(novelValueAfter(2 * DAY, 112.0)).isEmpty();
  }

  private static List<RecordingListener.Published> novelValueAfter(long history, double value) {
    Random random = new Random(5);
    SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
    long t = START;
    for (; t < START + history; t += MINUTE) {
      d.observe(t, 100.0 * random.nextDouble(), EpisodeListener.NONE);
    }
    RecordingListener out = new RecordingListener();
    d.observe(t, value, out);
    return out.opened();
  }

  private static double spiky(Random random, double level) {
    double spike = random.nextDouble() < 0.015 ? (random.nextBoolean() ? 20.0 : -20.0) : 0.0;
    return level + random.nextGaussian() + spike;
  }

  @Test
  void scoreMappingIsMonotoneAndBounded() {
    assertThat(SeriesDetector.scoreOf(0)).isZero();
    assertThat(SeriesDetector.scoreOf(4)).isEqualTo(0.5);
    assertThat(SeriesDetector.scoreOf(8)).isEqualTo(0.75);
    assertThat(SeriesDetector.scoreOf(1000)).isLessThanOrEqualTo(1.0);
  }

  private static double binomial(Random random, double n, double p) {
    // normal approximation is enough for n p >= 5; exact draws otherwise
    if (n * p >= 5 && n * (1 - p) >= 5) {
      double v = n * p + Math.sqrt(n * p * (1 - p)) * random.nextGaussian();
      return Math.max(0, Math.min(n, Math.round(v)));
    }
    int k = 0;
    for (int i = 0; i < (int) n; i++) {
      if (random.nextDouble() < p) {
        k++;
      }
    }
    return k;
  }

  /**
   * A series already ramping up when it first has a day of history cannot say when the ramp began:
   * its first episode says the onset is censored. The same ramp starting hours after the warm-up is
   * seen as it happens.
   */
  @Test
  void aDeviationUnderWayWhenTheSeriesWarmsUpHasACensoredOnset() {
    for (long stepAt : new long[] {18 * HOUR, 30 * HOUR}) {
      SyntheticSeries s = new SyntheticSeries(300, 0.2, 1.0, 0.05, 7);
      SeriesDetector d = new SeriesDetector(CONFIG, TRAFFIC);
      RecordingListener out = new RecordingListener();
      for (long t = START; t < START + 40 * HOUR; t += MINUTE) {
        double ramp = Math.max(0, t - START - stepAt) / (double) (12 * HOUR);
        d.observe(t, s.at(t) * (1 + 3 * Math.min(1, ramp)), out);
      }
      List<RecordingListener.Published> opened =
          out.events.stream().filter(e -> e.phase() == AnomalyPhase.OPEN).toList();
      assertThat(opened).as("step at %d h", stepAt / HOUR).isNotEmpty();
      RecordingListener.Published first = opened.get(0);
      if (stepAt < CONFIG.minHistoryMs()) {
        assertThat(first.onsetMs()).isLessThan(START + CONFIG.minHistoryMs() + 5 * MINUTE);
        assertThat(first.onsetCensored()).isTrue();
      } else {
        assertThat(first.onsetMs()).isGreaterThanOrEqualTo(START + stepAt);
        assertThat(first.onsetCensored()).isFalse();
      }
    }
  }
}
