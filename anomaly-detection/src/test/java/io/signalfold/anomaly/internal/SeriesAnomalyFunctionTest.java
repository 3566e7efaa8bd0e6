package io.signalfold.anomaly.internal;

import static io.signalfold.anomaly.internal.Fixtures.DAY;
import static io.signalfold.anomaly.internal.Fixtures.HOUR;
import static io.signalfold.anomaly.internal.Fixtures.INTERVAL;
import static io.signalfold.anomaly.internal.Fixtures.START;
import static io.signalfold.anomaly.internal.Fixtures.anomalies;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SignalClass;
import io.signalfold.schema.SignalSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // harness close() may throw InterruptedException; fine in tests
class SeriesAnomalyFunctionTest {

  private static final AnomalyConfig CONFIG = AnomalyConfig.defaults().withStateTtlMs(2 * DAY);

  private static KeyedOneInputStreamOperatorTestHarness<String, RedPoint, Anomaly> redHarness(
      RedAnomalyFunction fn) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, RedPoint, Anomaly> h =
        unopenedRedHarness(fn, false);
    h.open();
    return h;
  }

  /** The harness before open(), so a test can pick the state backend or restore a snapshot. */
  private static KeyedOneInputStreamOperatorTestHarness<String, RedPoint, Anomaly>
      unopenedRedHarness(RedAnomalyFunction fn, boolean rocksDb) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(fn), RedPoint::getSeriesId, Types.STRING);
    if (rocksDb) {
      // every state access goes through the serializers (the heap backend keeps the objects)
      h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
    }
    return h;
  }

  /** Two days of normal traffic, watermark following; returns the next interval end. */
  private static long history(
      KeyedOneInputStreamOperatorTestHarness<String, RedPoint, Anomaly> h, long from, long to)
      throws Exception {
    long t = from;
    for (; t < to; t += INTERVAL) {
      double n = Fixtures.requests(t);
      double errors = Math.floorMod(t / INTERVAL, 40L) == 0 ? 2 : Math.rint(n * 0.005);
      h.processElement(new StreamRecord<>(Fixtures.red("botforge", t, n, errors, 30), t));
      h.processWatermark(t - 5_000);
    }
    return t;
  }

  @Test
  void errorRateStepBecomesAnAlarmWithEvidenceAndAStableEpisode() throws Exception {
    try (var h = redHarness(new RedAnomalyFunction(CONFIG))) {
      long t = history(h, START, START + 2 * DAY + 10 * HOUR);
      h.getOutput().clear();
      for (int i = 0; i < 6; i++, t += INTERVAL) {
        double n = Fixtures.requests(t);
        h.processElement(new StreamRecord<>(Fixtures.red("botforge", t, n, n * 0.3, 30), t));
      }
      List<Anomaly> errors =
          anomalies(h).stream()
              .filter(a -> a.getSignal().equals("http.server.error_rate"))
              .toList();
      assertThat(errors).isNotEmpty();
      Anomaly open = errors.get(0);
      assertThat(open.getPhase()).isEqualTo(AnomalyPhase.OPEN);
      assertThat(open.getTier()).isEqualTo(AnomalyTier.ALARM);
      assertThat(open.getTimestampMs()).isLessThanOrEqualTo(START + 2 * DAY + 10 * HOUR + INTERVAL);
      assertThat(open.getSignalClass()).isEqualTo(SignalClass.LAGGING);
      assertThat(open.getSource()).isEqualTo(SignalSource.TRACE);
      assertThat(open.getEvidence().getTraceIds()).contains("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(open.getEvidence().getSampleMessage()).contains("deserialize");
      assertThat(open.getRecent()).isNotEmpty();
      assertThat(open.getHistoryPoints()).isGreaterThan(1000);
      assertThat(open.getHistoryMs()).isGreaterThanOrEqualTo(2 * DAY);
      assertThat(open.getAttributes()).containsEntry("operation", "GET /forge/{id}");
      assertThat(open.getAttributes().keySet()).noneMatch(k -> k.startsWith("signal."));
      assertThat(errors).allSatisfy(a -> assertThat(a.getId()).isEqualTo(open.getId()));
      // OPEN once, not a record per point
      assertThat(errors.stream().filter(a -> a.getPhase() == AnomalyPhase.OPEN)).hasSize(1);
    }
  }

  /**
   * Eight days of a working-hours pattern (busy 08:00-18:00, quiet otherwise), then a day whose
   * working hours stay quiet (inside the range of every earlier day), a point every 5 minutes; the
   * pattern records it produced. The detector's non-seasonal forecaster follows a square wave, so
   * this is the change only the comparison with the earlier day shows.
   */
  private static List<Anomaly> patternRecordsOfAMissedWorkingDay(
      AnomalyConfig config, boolean restoreMidway) throws Exception {
    return patternRecordsOfAMissedWorkingDay(config, restoreMidway, false);
  }

  private static List<Anomaly> patternRecordsOfAMissedWorkingDay(
      AnomalyConfig config, boolean restoreMidway, boolean rocksDb) throws Exception {
    long step = 300_000L;
    java.util.Random rnd = new java.util.Random(23);
    List<Anomaly> patterns = new ArrayList<>();
    var h = unopenedRedHarness(new RedAnomalyFunction(config), rocksDb);
    h.open();
    try {
      for (long t = START; t < START + 9 * DAY; t += step) {
        if (restoreMidway && t == START + 7 * DAY + 12 * HOUR) {
          // a restart from a checkpoint: the week of cycle memory must come back with it
          OperatorSubtaskState snapshot = h.snapshot(1L, t);
          h.close();
          h = unopenedRedHarness(new RedAnomalyFunction(config), rocksDb);
          h.initializeState(snapshot);
          h.open();
        }
        long minuteOfDay = Math.floorMod(t, DAY) / 60_000L;
        boolean working = minuteOfDay >= 8 * 60 && minuteOfDay < 18 * 60 && t < START + 8 * DAY;
        double n = Math.rint((working ? 800 : 200) + rnd.nextGaussian() * 20);
        h.processElement(new StreamRecord<>(Fixtures.red("botforge", t, n, 0, 30), t));
        h.processWatermark(t - 5_000);
        for (Anomaly a : anomalies(h)) {
          if (a.getKind() == AnomalyKind.DRIFT) {
            assertThat(a.getTimestampMs())
                .as("no pattern record before the missed working day")
                .isGreaterThanOrEqualTo(START + 8 * DAY);
            patterns.add(a);
          }
        }
        h.getOutput().clear();
      }
      // cleanup clears the pattern state with the rest (the harness counts entries on the heap)
      h.processWatermark(START + 9 * DAY + config.stateTtlMs() + HOUR);
      if (!rocksDb) {
        assertThat(h.numKeyedStateEntries()).isZero();
      }
    } finally {
      h.close();
    }
    return patterns;
  }

  @Test
  void aDayUnlikeYesterdayAndLastWeekIsAPatternRecordToInvestigateNeverAnAlarm() throws Exception {
    List<Anomaly> patterns = patternRecordsOfAMissedWorkingDay(CONFIG, false);
    assertThat(patterns)
        .isNotEmpty()
        .allSatisfy(
            a -> {
              assertThat(a.getTier()).isEqualTo(AnomalyTier.INVESTIGATE);
              assertThat(a.getSignal()).isEqualTo("http.server.request_rate");
              assertThat(a.getDetector()).startsWith("signalfold.pattern/");
              assertThat(a.getTimestampMs()).isGreaterThanOrEqualTo(START + 8 * DAY);
            })
        .anySatisfy(
            a -> {
              assertThat(a.getAttributes()).containsEntry("pattern", "cycle");
              assertThat(a.getScore()).isEqualTo(0.9);
              assertThat(a.getHistoryMs()).isGreaterThanOrEqualTo(8 * DAY);
            });
    // ids are stable: a replay gives the same records, and so does a restore from a checkpoint
    assertThat(patternRecordsOfAMissedWorkingDay(CONFIG, false)).isEqualTo(patterns);
    assertThat(patternRecordsOfAMissedWorkingDay(CONFIG, true)).isEqualTo(patterns);
    assertThat(patternRecordsOfAMissedWorkingDay(CONFIG, true, true)).isEqualTo(patterns);
    assertThat(patternRecordsOfAMissedWorkingDay(CONFIG.withPatternRecords(false), false))
        .isEmpty();
  }

  @Test
  void silenceIsMissingDataAndStateFallsToZeroAfterTheTtl() throws Exception {
    try (var h = redHarness(new RedAnomalyFunction(CONFIG))) {
      long t = history(h, START, START + 2 * DAY);
      assertThat(h.numKeyedStateEntries()).isPositive();
      assertThat(h.numEventTimeTimers()).isEqualTo(1);
      h.getOutput().clear();
      h.processWatermark(t + 10 * 60_000);
      List<Anomaly> missing =
          anomalies(h).stream().filter(a -> a.getKind() == AnomalyKind.MISSING_DATA).toList();
      assertThat(missing).isNotEmpty();
      assertThat(missing)
          .anySatisfy(
              a -> {
                assertThat(a.getSignal()).isEqualTo("http.server.request_rate");
                assertThat(a.getTier()).isEqualTo(AnomalyTier.ALARM);
                assertThat(a.getPhase()).isEqualTo(AnomalyPhase.OPEN);
              });
      h.processWatermark(t + CONFIG.stateTtlMs() + HOUR);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aSeriesThatComesBackAndGoesSilentAgainIsFlaggedAgain() throws Exception {
    try (var h = redHarness(new RedAnomalyFunction(CONFIG))) {
      long t = history(h, START, START + 2 * DAY);
      h.processWatermark(t + 10 * 60_000);
      long back = history(h, t + HOUR, t + 3 * HOUR);
      h.getOutput().clear();
      h.processWatermark(back + 10 * 60_000);
      assertThat(anomalies(h))
          .anySatisfy(
              a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.MISSING_DATA);
                assertThat(a.getPhase()).isEqualTo(AnomalyPhase.OPEN);
                assertThat(a.getOnsetMs()).isGreaterThan(back - INTERVAL);
              });
      assertThat(h.numEventTimeTimers()).isEqualTo(1);
    }
  }

  @Test
  void snapshotOfThePreviousStateVersionRestoresWithoutLosingHistory() throws Exception {
    OperatorSubtaskState snapshot;
    long t;
    RedAnomalyFunction old = new RedAnomalyFunction(CONFIG);
    old.writeVersion = 1;
    try (var h = redHarness(old)) {
      t = history(h, START, START + 2 * DAY);
      snapshot = h.snapshot(1L, t);
    }
    try (var restored = unopenedRedHarness(new RedAnomalyFunction(CONFIG), false)) {
      restored.initializeState(snapshot);
      restored.open();
      double n = Fixtures.requests(t);
      restored.processElement(new StreamRecord<>(Fixtures.red("botforge", t, n, n * 0.4, 30), t));
      List<Anomaly> out = anomalies(restored);
      assertThat(out)
          .anySatisfy(
              a -> {
                assertThat(a.getSignal()).isEqualTo("http.server.error_rate");
                assertThat(a.getTier()).isEqualTo(AnomalyTier.ALARM);
                assertThat(a.getHistoryPoints()).isGreaterThan(5000);
              });
      // the restored operator keeps its timer and cleans up as before
      restored.processWatermark(t + CONFIG.stateTtlMs() + HOUR);
      assertThat(restored.numKeyedStateEntries()).isZero();
    }
  }

  @Test
  void aNewErrorTemplateAfterADeployIsFlaggedWithItsTemplate() throws Exception {
    AnomalyConfig config = CONFIG.withNewTemplateWarmupMs(HOUR);
    var cap =
        new KeyedOneInputStreamOperatorTestHarness<String, LogSignal, LogSignal>(
            new KeyedProcessOperator<>(new LogCapFunction(100, config.stateTtlMs(), HOUR)),
            l -> l.getResource().getService(),
            Types.STRING);
    var logs =
        new KeyedOneInputStreamOperatorTestHarness<String, LogSignal, Anomaly>(
            new KeyedProcessOperator<>(new LogAnomalyFunction(config)),
            LogSignal::getSeriesId,
            Types.STRING);
    try (cap;
        logs) {
      cap.open();
      logs.open();
      // at start-up every template is new to the miner: not news
      LogSignal early = Fixtures.template("botforge", START, 3, true);
      cap.processElement(new StreamRecord<>(early, START));
      LogSignal later = Fixtures.template("botforge", START + 2 * HOUR, 40, true);
      cap.processElement(new StreamRecord<>(later, START + 2 * HOUR));
      for (Object o : cap.getOutput()) {
        if (o instanceof StreamRecord<?> r && r.getValue() instanceof LogSignal l) {
          logs.processElement(new StreamRecord<>(l, l.getIntervalEndMs()));
        }
      }
      assertThat(anomalies(logs))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.getKind()).isEqualTo(AnomalyKind.NEW_LOG_TEMPLATE);
                assertThat(a.getTier()).isEqualTo(AnomalyTier.ALARM);
                assertThat(a.getSource()).isEqualTo(SignalSource.LOG);
                assertThat(a.getTimestampMs()).isEqualTo(START + 2 * HOUR);
                assertThat(a.getEvidence().getLogTemplate())
                    .contains("database connection timeout");
                assertThat(a.getEvidence().getSampleMessage()).contains("3000 ms");
              });
    }
  }

  @Test
  void seriesBeyondTheServiceCapAreCountedNotModelledAndTheCapForgets() throws Exception {
    var cap =
        new KeyedOneInputStreamOperatorTestHarness<String, RedPoint, RedPoint>(
            new KeyedProcessOperator<>(
                new SeriesCapFunction<>(RedPoint::getSeriesId, RedPoint::getIntervalEndMs, 2, DAY)),
            RedPoint::getService,
            Types.STRING);
    try (cap) {
      cap.open();
      for (int s = 0; s < 3; s++) {
        RedPoint p =
            RedPoint.newBuilder(Fixtures.red("botforge", START, 100, 0, 20))
                .setSeriesId("series-" + s)
                .build();
        cap.processElement(new StreamRecord<>(p, START));
      }
      assertThat(cap.extractOutputValues())
          .extracting(RedPoint::getSeriesId)
          .containsExactly("series-0", "series-1");
      cap.processWatermark(START + 2 * DAY);
      assertThat(cap.numKeyedStateEntries()).isZero();
      RedPoint p =
          RedPoint.newBuilder(Fixtures.red("botforge", START + 3 * DAY, 100, 0, 20))
              .setSeriesId("series-2")
              .build();
      cap.processElement(new StreamRecord<>(p, START + 3 * DAY));
      assertThat(cap.extractOutputValues())
          .extracting(RedPoint::getSeriesId)
          .containsExactly("series-0", "series-1", "series-2");
    }
  }
}
