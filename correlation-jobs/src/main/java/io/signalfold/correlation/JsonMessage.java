package io.signalfold.correlation;

import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One JSON message of the external-alerts or feedback input, with where it came from, so that a
 * message that cannot be used is dead-lettered with its topic, partition and offset. A Flink POJO.
 */
public final class JsonMessage {

  /** The message text; null for a Kafka tombstone. */
  @Nullable public String text;

  /** Kafka coordinates; partition and offset are -1 for a message that did not come from Kafka. */
  @Nullable public String topic;

  public int partition = -1;
  public long offset = -1L;

  public JsonMessage() {}

  /** A message from an in-process source (tests, replays): no Kafka coordinates. */
  public static JsonMessage of(String text) {
    JsonMessage m = new JsonMessage();
    m.text = text;
    return m;
  }

  /** A message read from Kafka. */
  public static JsonMessage of(@Nullable String text, String topic, int partition, long offset) {
    JsonMessage m = new JsonMessage();
    m.text = text;
    m.topic = Objects.requireNonNull(topic, "topic");
    m.partition = partition;
    m.offset = offset;
    return m;
  }
}
