package io.signalfold.ingest.internal;

import java.util.Arrays;

/**
 * Event-time progress of one subtask, kept per Kafka source partition. Two rules make it safe
 * against senders' clocks and deterministic on replay:
 *
 * <ul>
 *   <li>A record moves its partition's progress at most to its Kafka record timestamp: an event
 *       cannot have happened after it was written, so one sender stamping its data an hour ahead
 *       holds its own records back instead of closing everyone's windows.
 *   <li>Progress depends only on the partition's own records, in the partition's order, which is
 *       the same on every replay. The subtask's watermark is the minimum over its partitions (as
 *       Flink's per-split watermarks are), so a record that is not late against its own partition
 *       is never late downstream.
 * </ul>
 *
 * Partitions per subtask are few, so the state is two small parallel arrays. Not thread-safe.
 */
public final class PartitionClock {

  private int[] partitions = new int[0];
  private long[] progress = new long[0];

  /**
   * How far {@code eventMs} moves time: the event time, capped by the Kafka record timestamp when
   * the record has one.
   */
  public static long advance(long eventMs, long kafkaTimestampMs) {
    return kafkaTimestampMs > 0 ? Math.min(eventMs, kafkaTimestampMs) : eventMs;
  }

  /** Records an accepted item of {@code partition}; returns the partition's index. */
  public int observe(int partition, long eventMs, long kafkaTimestampMs) {
    int i = indexOf(partition);
    long t = advance(eventMs, kafkaTimestampMs);
    if (i < 0) {
      add(partition, t);
      return partitions.length - 1;
    }
    if (t > progress[i]) {
      progress[i] = t;
    }
    return i;
  }

  /** The partition's progress, or {@link Long#MIN_VALUE} before its first item. */
  public long progress(int partition) {
    int i = indexOf(partition);
    return i < 0 ? Long.MIN_VALUE : progress[i];
  }

  /** Partitions seen so far. */
  public int size() {
    return partitions.length;
  }

  /** The partition at {@code index} (0..size-1). */
  public int partitionAt(int index) {
    return partitions[index];
  }

  /** The progress of the partition at {@code index}. */
  public long progressAt(int index) {
    return progress[index];
  }

  /** Restores a partition's progress (from a checkpoint): keeps the larger of old and new. */
  public void restore(int partition, long progressMs) {
    int i = indexOf(partition);
    if (i < 0) {
      add(partition, progressMs);
    } else {
      progress[i] = Math.max(progress[i], progressMs);
    }
  }

  private int indexOf(int partition) {
    for (int i = 0; i < partitions.length; i++) {
      if (partitions[i] == partition) {
        return i;
      }
    }
    return -1;
  }

  private void add(int partition, long t) {
    int n = partitions.length;
    partitions = Arrays.copyOf(partitions, n + 1);
    progress = Arrays.copyOf(progress, n + 1);
    partitions[n] = partition;
    progress[n] = t;
  }
}
