package io.signalfold.loadtest.generator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps every record in memory, in write order (tests, small scenarios). */
public final class MemoryTelemetryWriter implements TelemetryWriter {

  /** One written record. */
  public record Record(String topic, byte[] key, byte[] value, long timestampMs) {}

  private final List<Record> records = new ArrayList<>();

  @Override
  public void write(String topic, byte[] key, byte[] value, long timestampMs) {
    records.add(new Record(topic, key, value, timestampMs));
  }

  /** The records in write order. */
  public List<Record> records() {
    return Collections.unmodifiableList(records);
  }

  /** The records of one topic in write order. */
  public List<Record> records(String topic) {
    List<Record> out = new ArrayList<>();
    for (Record r : records) {
      if (r.topic().equals(topic)) {
        out.add(r);
      }
    }
    return out;
  }
}
