package io.signalfold.ingest.internal;

import java.time.Duration;
import java.util.Arrays;
import javax.annotation.Nullable;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness watermarks with idleness, like {@code
 * WatermarkStrategy.forBoundedOutOfOrderness(..).withIdleness(..)}, with three differences:
 *
 * <ul>
 *   <li>Items that say where they came from ({@link KafkaSourced}) advance event time per Kafka
 *       partition, each at most to its record's Kafka timestamp, and the watermark is the minimum
 *       over the subtask's active partitions ({@link PartitionClock}): one sender's clock cannot
 *       close everyone's windows, and a record that is on time in its own partition is on time
 *       downstream, whatever the interleaving of partitions.
 *   <li>A partition quiet for longer than the idleness no longer holds the minimum back; when all
 *       are, the subtask goes idle.
 *   <li>A subtask that has not seen any record yet has its own idle time-out ({@code
 *       firstRecordIdleness}). Bounded replays set it long, because a subtask still waiting for its
 *       first Kafka fetch must not go idle while a partition-less subtask has already finished
 *       (watermark +inf): the downstream watermark would jump to +inf before the data arrives and
 *       make every record late. Unbounded jobs keep it short, or a subtask without a partition
 *       would hold event time back after every start.
 * </ul>
 *
 * Idleness is measured on the input-activity clock Flink hands the generator.
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
    private final PartitionClock progress = new PartitionClock();
    private long[] lastActive = new long[0];
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
      int i =
          event instanceof KafkaSourced k
              ? progress.observe(k.sourcePartition(), eventTimestamp, k.kafkaTimestampMs())
              : progress.observe(0, eventTimestamp, -1L);
      if (i >= lastActive.length) {
        lastActive = Arrays.copyOf(lastActive, i + 1);
      }
      lastActive[i] = lastActivity;
      if (idle) {
        idle = false;
        output.markActive();
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      long now = clock.relativeTimeMillis();
      if (now - lastActivity > (seen ? idleMs : initialIdleMs)) {
        if (!idle) {
          idle = true;
          output.markIdle();
        }
        return;
      }
      if (!seen) {
        return;
      }
      long min = Long.MAX_VALUE;
      for (int i = 0; i < progress.size(); i++) {
        if (now - lastActive[i] <= idleMs) {
          min = Math.min(min, progress.progressAt(i));
        }
      }
      // The most recently active partition is never quiet here, so min is set.
      output.emitWatermark(new Watermark(min - delay - 1));
    }
  }
}
