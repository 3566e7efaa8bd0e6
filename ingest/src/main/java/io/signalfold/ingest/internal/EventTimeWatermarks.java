package io.signalfold.ingest.internal;

import java.time.Duration;
import javax.annotation.Nullable;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness watermarks with idleness, like {@code
 * WatermarkStrategy.forBoundedOutOfOrderness(..).withIdleness(..)}, with one difference: a subtask
 * that has not seen any record yet has its own idle time-out ({@code firstRecordIdleness}). Bounded
 * replays set it long, because a subtask still waiting for its first Kafka fetch must not go idle
 * while a partition-less subtask has already finished (watermark +inf): the downstream watermark
 * would jump to +inf before the data arrives and make every record late. Unbounded jobs keep it
 * short, or a subtask without a partition would hold event time back after every start. Idleness is
 * measured on the input-activity clock Flink hands the generator.
 */
public final class EventTimeWatermarks {

  private EventTimeWatermarks() {}

  public static <T> WatermarkStrategy<T> strategy(
      Duration maxOutOfOrderness,
      @Nullable Duration idleness,
      @Nullable Duration firstRecordIdleness,
      SerializableTimestampAssigner<T> assigner) {
    long delay = maxOutOfOrderness.toMillis();
    // null: never idle
    long idle = idleness == null ? Long.MAX_VALUE : idleness.toMillis();
    long initialIdle =
        firstRecordIdleness == null ? Long.MAX_VALUE : firstRecordIdleness.toMillis();
    WatermarkStrategy<T> base =
        ctx -> new Generator<>(ctx.getInputActivityClock(), delay, idle, initialIdle);
    return base.withTimestampAssigner(assigner);
  }

  /** The generator; package-private for tests. */
  static final class Generator<T> implements WatermarkGenerator<T> {
    private final RelativeClock clock;
    private final long delay;
    private final long idleMs;
    private final long initialIdleMs;
    private long maxTimestamp = Long.MIN_VALUE;
    private boolean seen;
    private boolean idle;
    private long lastActivity;

    Generator(RelativeClock clock, long delay, long idleMs, long initialIdleMs) {
      this.clock = clock;
      this.delay = delay;
      this.idleMs = idleMs;
      this.initialIdleMs = initialIdleMs;
      this.lastActivity = clock.relativeTimeMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
      seen = true;
      lastActivity = clock.relativeTimeMillis();
      if (eventTimestamp > maxTimestamp) {
        maxTimestamp = eventTimestamp;
      }
      if (idle) {
        idle = false;
        output.markActive();
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      long quiet = clock.relativeTimeMillis() - lastActivity;
      if (quiet > (seen ? idleMs : initialIdleMs)) {
        if (!idle) {
          idle = true;
          output.markIdle();
        }
        return;
      }
      if (seen) {
        output.emitWatermark(new Watermark(maxTimestamp - delay - 1));
      }
    }
  }
}
