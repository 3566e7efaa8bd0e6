package io.signalfold.ingest.internal;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A read-only {@code List<Long>} over a {@code long[]}: histogram bucket counts go into the Avro
 * record without boxing each count at decode time.
 */
final class LongListView extends AbstractList<Long> implements RandomAccess {
  private final long[] values;

  LongListView(long[] values) {
    this.values = values;
  }

  @Override
  public Long get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }
}
