package io.signalfold.correlation.internal;

import javax.annotation.Nullable;

/** A single value of correlation state (TreeMap-backed or Flink ValueState). */
public interface StateCell<V> {

  @Nullable
  V get();

  void set(V value);

  void clear();
}
