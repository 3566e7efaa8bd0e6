package io.signalfold.correlation.internal;

import java.util.List;
import javax.annotation.Nullable;

/**
 * A string-keyed map of one kind of correlation state. Implemented over a TreeMap (unit tests,
 * benchmarks) and over Flink MapState (the operator), so the engine runs unchanged in both. Values
 * read are copies as far as the engine is concerned: every change is written back with {@link
 * #put}.
 */
public interface KeyedStore<V> {

  @Nullable
  V get(String key);

  void put(String key, V value);

  void remove(String key);

  /** All keys in ascending order (a snapshot: safe to modify the store while iterating it). */
  List<String> sortedKeys();

  boolean isEmpty();

  /** Removes everything. */
  void clear();
}
