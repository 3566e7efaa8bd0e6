package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class EventTimeWatermarksTest {

  /** Records what the generator tells Flink. */
  private static final class Recorded implements WatermarkOutput {
    final List<Long> watermarks = new ArrayList<>();
    final List<String> status = new ArrayList<>();

    @Override
    public void emitWatermark(Watermark watermark) {
      watermarks.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      status.add("idle");
    }

    @Override
    public void markActive() {
      status.add("active");
    }
  }

  private static long ms(ManualClock clock) {
    return clock.relativeTimeMillis();
  }

  @Test
  void aSubtaskThatNeverSawARecordGoesIdleAfterTheFirstRecordIdleness() {
    ManualClock clock = new ManualClock();
    EventTimeWatermarks.Generator<String> g =
        new EventTimeWatermarks.Generator<>(clock, 5_000, 30_000, 300_000);
    Recorded out = new Recorded();
    clock.advanceTime(java.time.Duration.ofSeconds(299));
    g.onPeriodicEmit(out);
    assertThat(out.status).isEmpty();
    assertThat(out.watermarks).as("no record, no watermark").isEmpty();
    clock.advanceTime(java.time.Duration.ofSeconds(2));
    g.onPeriodicEmit(out);
    g.onPeriodicEmit(out);
    assertThat(out.status).containsExactly("idle");
    assertThat(ms(clock)).isGreaterThan(300_000);
  }

  @Test
  void afterRecordsItTrailsTheLargestTimestampAndGoesIdleAfterTheIdleness() {
    ManualClock clock = new ManualClock();
    EventTimeWatermarks.Generator<String> g =
        new EventTimeWatermarks.Generator<>(clock, 5_000, 30_000, 300_000);
    Recorded out = new Recorded();
    g.onEvent("a", 100_000, out);
    g.onEvent("b", 90_000, out);
    g.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(100_000L - 5_000 - 1);

    clock.advanceTime(java.time.Duration.ofSeconds(31));
    g.onPeriodicEmit(out);
    assertThat(out.status).containsExactly("idle");
    assertThat(out.watermarks).hasSize(1);

    g.onEvent("c", 200_000, out);
    g.onPeriodicEmit(out);
    assertThat(out.status).containsExactly("idle", "active");
    assertThat(out.watermarks).containsExactly(94_999L, 194_999L);
  }

  @Test
  void withoutAnIdlenessAStreamNeverGoesIdle() {
    ManualClock clock = new ManualClock();
    EventTimeWatermarks.Generator<String> g =
        new EventTimeWatermarks.Generator<>(clock, 0, Long.MAX_VALUE, Long.MAX_VALUE);
    Recorded out = new Recorded();
    clock.advanceTime(java.time.Duration.ofDays(1));
    g.onPeriodicEmit(out);
    g.onEvent("a", 1_000, out);
    clock.advanceTime(java.time.Duration.ofDays(1));
    g.onPeriodicEmit(out);
    assertThat(out.status).isEmpty();
    assertThat(out.watermarks).containsExactly(999L);
  }

  /** A span-like item with a Kafka position. */
  private record Item(int sourcePartition, long kafkaTimestampMs) implements KafkaSourced {}

  @Test
  void theWatermarkIsTheSlowestActivePartitionAndNoItemLeadsItsKafkaTimestamp() {
    ManualClock clock = new ManualClock();
    EventTimeWatermarks.Generator<Item> g =
        new EventTimeWatermarks.Generator<>(clock, 5_000, 30_000, 300_000);
    Recorded out = new Recorded();
    g.onEvent(new Item(0, 100_000), 100_000, out);
    g.onEvent(new Item(0, 101_000), 101_000 + 3_300_000, out); // clock 55 min ahead
    g.onEvent(new Item(1, 80_000), 80_000, out);
    g.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(80_000L - 5_001);

    clock.advanceTime(java.time.Duration.ofSeconds(20));
    g.onEvent(new Item(0, 130_000), 130_000, out);
    clock.advanceTime(java.time.Duration.ofSeconds(15));
    g.onPeriodicEmit(out);
    assertThat(out.watermarks)
        .as("partition 1 quiet past the idleness no longer holds partition 0 back")
        .containsExactly(74_999L, 124_999L);
    assertThat(out.status).isEmpty();
  }
}
