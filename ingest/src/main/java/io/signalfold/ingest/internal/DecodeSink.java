package io.signalfold.ingest.internal;

import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ResourceContext;

/**
 * Where a decoder puts what it found in one message: good items, rejected items (each becomes a
 * dead letter) and resource sightings (for derived deploy events). Decoders are plain Java; the
 * Flink functions and the benchmark provide the sink.
 *
 * @param <T> the decoded item type
 */
public interface DecodeSink<T> {

  /** A decoded item. */
  void emit(T item);

  /**
   * An item (or the whole message) that cannot be used.
   *
   * @param detail names the field or offset
   * @param payload the offending bytes: the one rejected item, or the whole message
   */
  void reject(DeadLetterReason reason, String detail, byte[] payload);

  /** A resource was seen with this service.version at this event time. */
  default void sighting(ResourceContext resource, long timeMs) {}

  /** An item skipped on purpose (e.g. a point flagged "no recorded value"), counted by name. */
  default void skipped(String what) {}
}
