package io.signalfold.correlation;

import io.signalfold.correlation.internal.CorrelationState;
import io.signalfold.correlation.internal.InMemoryCorrelationState;
import io.signalfold.correlation.internal.InventoryFact;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SloBurnAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Drives a {@link CorrelationEngine} the way the Flink operator does: records in arrival order, a
 * bounded-out-of-orderness watermark, event-time timers fired in order when the watermark passes
 * them, and at the end of input a watermark of Long.MAX_VALUE.
 */
final class EngineDriver implements CorrelationEngine.Context {

  final CorrelationEngine engine;
  final CorrelationState state;
  final List<IncidentCandidate> candidates = new ArrayList<>();
  final List<Anomaly> topologyAnomalies = new ArrayList<>();
  final List<DeadLetter> deadLetters = new ArrayList<>();
  private final TreeSet<Long> timers = new TreeSet<>();
  private final long outOfOrdernessMs;
  private long watermark = Long.MIN_VALUE;
  private long maxSeen = Long.MIN_VALUE;

  /** Plays {@code t} and returns its one candidate (latest version); fails if there are others. */
  static IncidentCandidate single(Telemetry t, CorrelationConfig config) {
    EngineDriver d = new EngineDriver(config).feed(t.sorted()).finish();
    List<IncidentCandidate> all = CandidateAssert.latest(d.candidates);
    org.assertj.core.api.Assertions.assertThat(all)
        .as(
            "one candidate expected, got:\n%s",
            all.stream().map(CandidateAssert::describe).toList())
        .hasSize(1);
    return all.get(0);
  }

  EngineDriver(CorrelationConfig config) {
    this(config, new InMemoryCorrelationState(), 5_000);
  }

  EngineDriver(CorrelationConfig config, CorrelationState state, long outOfOrdernessMs) {
    this.state = state;
    this.engine = new CorrelationEngine(config, state);
    this.outOfOrdernessMs = outOfOrdernessMs;
  }

  /** Feeds records in the given order, advancing the watermark after each. */
  EngineDriver feed(List<Telemetry.Timed> records) {
    for (Telemetry.Timed r : records) {
      deliver(r.value());
      maxSeen = Math.max(maxSeen, r.timeMs());
      advanceWatermark(maxSeen - outOfOrdernessMs);
    }
    return this;
  }

  /** Like {@link #feed} but the watermark only moves every {@code every} records (coarse steps). */
  EngineDriver feedCoarse(List<Telemetry.Timed> records, int every) {
    int n = 0;
    for (Telemetry.Timed r : records) {
      deliver(r.value());
      maxSeen = Math.max(maxSeen, r.timeMs());
      if (++n % every == 0) {
        advanceWatermark(maxSeen - outOfOrdernessMs);
      }
    }
    return this;
  }

  /** Delivers one record without moving the watermark. */
  EngineDriver deliver(Object v) {
    if (v instanceof Anomaly a) {
      engine.onAnomaly(a, this);
    } else if (v instanceof SloBurnAlert a) {
      engine.onSloAlert(a, this);
    } else if (v instanceof ChangeEvent c) {
      engine.onChange(c, this);
    } else if (v instanceof CallEdge e) {
      engine.onCallEdge(e, this);
    } else if (v instanceof RedPoint r) {
      engine.onRedPoint(r, this);
    } else if (v instanceof MetricPoint m) {
      engine.onMetricPoint(m, this);
    } else if (v instanceof ExternalAlert a) {
      engine.onExternalAlert(a, this);
    } else if (v instanceof HypothesisFeedback f) {
      engine.onFeedback(f, this);
    } else if (v instanceof InventoryFact f) {
      engine.onInventory(f, this);
    } else {
      throw new IllegalArgumentException("not an input: " + v);
    }
    return this;
  }

  /** Moves the watermark forward and fires due timers in time order, like Flink. */
  EngineDriver advanceWatermark(long wm) {
    if (wm <= watermark) {
      return this;
    }
    watermark = wm;
    while (!timers.isEmpty() && timers.first() <= wm) {
      long t = timers.pollFirst();
      engine.advanceTo(wm == Long.MAX_VALUE ? Long.MAX_VALUE : t, this);
    }
    return this;
  }

  /** End of input. */
  EngineDriver finish() {
    return advanceWatermark(Long.MAX_VALUE);
  }

  int pendingTimers() {
    return timers.size();
  }

  @Override
  public long currentWatermark() {
    return watermark;
  }

  @Override
  public void scheduleAt(long eventTimeMs) {
    timers.add(eventTimeMs);
  }

  @Override
  public void candidate(IncidentCandidate candidate) {
    candidates.add(candidate);
  }

  @Override
  public void topologyAnomaly(Anomaly anomaly) {
    topologyAnomalies.add(anomaly);
  }

  @Override
  public void deadLetter(DeadLetter deadLetter) {
    deadLetters.add(deadLetter);
  }
}
