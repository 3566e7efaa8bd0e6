package io.signalfold.correlation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.Inputs;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.IncidentCandidate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The correlation operator under Flink's keyed operator harness: state and timers fall back to zero
 * once everything has expired, a snapshot/restore in the middle of an incident changes nothing, and
 * keyed state on RocksDB (serialized on every write) gives exactly what the in-memory engine gives.
 */
class CorrelationFunctionHarnessTest {

  private static final long OOO = 5_000;
  private static final long DAY = 86_400_000L;

  private static KeyedOneInputStreamOperatorTestHarness<String, CorrelationInput, IncidentCandidate>
      harness(CorrelationConfig config, StateBackend backend) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, CorrelationInput, IncidentCandidate> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new CorrelationFunction(config)),
            CorrelationInput::getDomain,
            Types.STRING);
    if (backend != null) {
      h.setStateBackend(backend);
    }
    return h;
  }

  /** Feeds records [from, to) and returns the max event time seen. */
  private static long feed(
      KeyedOneInputStreamOperatorTestHarness<String, CorrelationInput, IncidentCandidate> h,
      List<Inputs.Timed> records,
      int from,
      int to,
      long maxSeen)
      throws Exception {
    for (int i = from; i < to; i++) {
      Inputs.Timed r = records.get(i);
      h.processElement(Inputs.toInput(r.value()), r.timeMs());
      maxSeen = Math.max(maxSeen, r.timeMs());
      h.processWatermark(maxSeen - OOO);
    }
    return maxSeen;
  }

  private static List<IncidentCandidate> candidates(
      KeyedOneInputStreamOperatorTestHarness<String, CorrelationInput, IncidentCandidate> h) {
    List<IncidentCandidate> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r && r.getValue() instanceof IncidentCandidate c) {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void stateAndTimersFallBackToZeroOnceEverythingExpired() throws Exception {
    CorrelationConfig config = Inputs.config();
    List<Inputs.Timed> records = Inputs.deployCascade();
    try (var h = harness(config, null)) {
      h.open();
      long last = feed(h, records, 0, records.size(), Long.MIN_VALUE);
      assertThat(h.numKeyedStateEntries()).isGreaterThan(0);
      List<IncidentCandidate> out = candidates(h);
      assertThat(out).isNotEmpty();
      assertThat(out.get(out.size() - 1).getStatus()).isEqualTo(CandidateStatus.RESOLVED);

      // Thirty days of silence later (retentions: edges 7d, business 8d, resolved candidates 24h).
      h.processWatermark(last + 30 * DAY);
      assertThat(h.numKeyedStateEntries()).as("keyed state entries").isZero();
      assertThat(h.numEventTimeTimers()).as("event-time timers").isZero();
    }
  }

  @Test
  void snapshotAndRestoreMidIncidentGivesTheSameCandidatesOnHeapAndRocksDb() throws Exception {
    CorrelationConfig config = Inputs.config();
    List<Inputs.Timed> records = Inputs.deployCascade();
    List<IncidentCandidate> reference = Inputs.runInMemory(config, records, OOO);
    assertThat(reference).hasSizeGreaterThan(2);

    for (boolean rocks : new boolean[] {false, true}) {
      List<IncidentCandidate> uninterrupted;
      try (var h = harness(config, rocks ? new EmbeddedRocksDBStateBackend() : null)) {
        h.open();
        feed(h, records, 0, records.size(), Long.MIN_VALUE);
        h.processWatermark(Long.MAX_VALUE);
        uninterrupted = candidates(h);
      }
      assertThat(uninterrupted)
          .as("operator on %s vs in-memory engine", rocks ? "RocksDB" : "heap")
          .isEqualTo(reference);

      // Cut in the middle of the incident (after the candidate opened).
      int cut = Inputs.indexAfter(records, Inputs.minutes(40));
      List<IncidentCandidate> restored = new ArrayList<>();
      OperatorSubtaskState snapshot;
      long maxSeen;
      try (var h = harness(config, rocks ? new EmbeddedRocksDBStateBackend() : null)) {
        h.open();
        maxSeen = feed(h, records, 0, cut, Long.MIN_VALUE);
        restored.addAll(candidates(h));
        snapshot = h.snapshot(1L, maxSeen);
      }
      assertThat(restored).isNotEmpty();
      try (var h = harness(config, rocks ? new EmbeddedRocksDBStateBackend() : null)) {
        h.initializeState(snapshot);
        h.open();
        feed(h, records, cut, records.size(), maxSeen);
        h.processWatermark(Long.MAX_VALUE);
        restored.addAll(candidates(h));
      }
      assertThat(restored)
          .as("snapshot/restore on %s", rocks ? "RocksDB" : "heap")
          .isEqualTo(uninterrupted);
    }
  }

  @Test
  void restoringAgainAndAgainChangesNothing() throws Exception {
    CorrelationConfig config = Inputs.config();
    List<Inputs.Timed> records = Inputs.deployCascade();
    List<IncidentCandidate> reference = Inputs.runInMemory(config, records, OOO);

    // Every few records: a snapshot, a new operator instance and a restore, so whatever the
    // operator keeps outside its keyed state and timers (caches, counters that steer decisions) is
    // lost many times over, at every phase of the incident. (A restore after every single record
    // passes too; it takes a hundred seconds.)
    int stride = 16;
    List<IncidentCandidate> restored = new ArrayList<>();
    OperatorSubtaskState snapshot = null;
    long maxSeen = Long.MIN_VALUE;
    for (int i = 0; i <= records.size(); i += stride) {
      try (var h = harness(config, null)) {
        if (snapshot != null) {
          h.initializeState(snapshot);
        }
        h.open();
        if (i < records.size()) {
          maxSeen = feed(h, records, i, Math.min(i + stride, records.size()), maxSeen);
        }
        if (i + stride > records.size()) {
          h.processWatermark(Long.MAX_VALUE);
        }
        restored.addAll(candidates(h));
        snapshot = h.snapshot(i + 1, maxSeen);
      }
    }
    assertThat(reference).hasSizeGreaterThan(2);
    assertThat(restored).isEqualTo(reference);
  }
}
