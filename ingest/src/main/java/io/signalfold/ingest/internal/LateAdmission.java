package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import java.io.Serializable;

/**
 * Whether an item's interval window is already closed by its own partition's event time ({@link
 * PartitionClock}), by the same rule Flink's tumbling windows apply to the watermark. The decoders
 * judge this record by record, so the same input dead-letters the same items on every replay,
 * whatever the timing of periodic watermarks and the interleaving of partitions.
 */
public final class LateAdmission implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long intervalMs;
  private final long delayMs;
  private final long latenessMs;

  public LateAdmission(IngestConfig config) {
    this(
        config.interval().toMillis(),
        config.maxOutOfOrderness().toMillis(),
        config.allowedLateness().toMillis());
  }

  LateAdmission(long intervalMs, long delayMs, long latenessMs) {
    this.intervalMs = intervalMs;
    this.delayMs = delayMs;
    this.latenessMs = latenessMs;
  }

  /**
   * True when the window holding {@code eventMs} is closed once the watermark reaches what {@code
   * partitionProgressMs} allows ({@link Long#MIN_VALUE}: the partition's first item, never late).
   */
  public boolean closed(long eventMs, long partitionProgressMs) {
    if (partitionProgressMs == Long.MIN_VALUE) {
      return false;
    }
    long windowMax = eventMs - Math.floorMod(eventMs, intervalMs) + intervalMs - 1;
    return windowMax + latenessMs <= partitionProgressMs - delayMs - 1;
  }

  /** Why an item was judged late (appended to what the item is). */
  public String detail(long eventMs, int partition, long partitionProgressMs) {
    return " at "
        + eventMs
        + " ms arrived after its "
        + intervalMs
        + " ms interval closed: partition "
        + partition
        + " had reached "
        + partitionProgressMs
        + " ms (watermark delay "
        + delayMs
        + " ms, allowed lateness "
        + latenessMs
        + " ms)";
  }
}
