package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionClockTest {

  @Test
  void aRecordMovesItsPartitionNoFurtherThanItsKafkaTimestamp() {
    PartitionClock c = new PartitionClock();
    c.observe(3, 1_000, 2_000);
    assertThat(c.progress(3)).isEqualTo(1_000);
    c.observe(3, 3_600_000, 2_500);
    assertThat(c.progress(3)).as("an hour ahead counts as its Kafka time").isEqualTo(2_500);
    c.observe(3, 9_000, -1);
    assertThat(c.progress(3)).as("no Kafka timestamp: event time").isEqualTo(9_000);
    c.observe(3, 5_000, 10_000);
    assertThat(c.progress(3)).as("never backwards").isEqualTo(9_000);
  }

  @Test
  void partitionsAreIndependentAndRestoreKeepsTheLarger() {
    PartitionClock c = new PartitionClock();
    assertThat(c.progress(0)).isEqualTo(Long.MIN_VALUE);
    assertThat(c.observe(0, 100, 0)).isEqualTo(0);
    assertThat(c.observe(7, 50, 0)).isEqualTo(1);
    assertThat(c.progress(0)).isEqualTo(100);
    assertThat(c.progress(7)).isEqualTo(50);
    c.restore(7, 40);
    c.restore(9, 70);
    assertThat(c.progress(7)).isEqualTo(50);
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.partitionAt(2)).isEqualTo(9);
    assertThat(c.progressAt(2)).isEqualTo(70);
  }
}
