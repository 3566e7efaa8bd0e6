package io.signalfold.ingest.internal;

import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds {@link DeadLetter} records with the payload cut to the configured size. */
public final class DeadLetters {

  private DeadLetters() {}

  public static DeadLetter create(
      long timestampMs,
      String topic,
      int partition,
      long offset,
      String stage,
      DeadLetterReason reason,
      String detail,
      String encoding,
      byte[] payload,
      int maxPayload) {
    DeadLetter d = new DeadLetter();
    d.setTimestampMs(timestampMs);
    d.setSourceTopic(topic);
    d.setSourcePartition(partition);
    d.setSourceOffset(offset);
    d.setStage(stage);
    d.setReason(reason);
    d.setDetail(detail == null ? "" : detail);
    d.setEncoding(encoding);
    byte[] p = payload == null ? new byte[0] : payload;
    boolean truncated = p.length > maxPayload;
    d.setPayload(ByteBuffer.wrap(truncated ? Arrays.copyOf(p, maxPayload) : p));
    d.setPayloadTruncated(truncated);
    return d;
  }
}
