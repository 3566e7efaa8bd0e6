package io.signalfold.ingest.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * A small bounded map of weighted counts in parallel arrays (a Flink POJO, no boxing per update).
 * Beyond {@code max} distinct keys, further keys are summed under {@link #OTHER}, so totals stay
 * right while the key set stays bounded.
 */
public final class WeightedCounts {

  public static final String OTHER = "(other)";

  public String[] keys = new String[0];
  public double[] values = new double[0];
  public int size;

  public WeightedCounts() {}

  public void add(String key, double weight, int max) {
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        values[i] += weight;
        return;
      }
    }
    if (size >= max) {
      key = OTHER;
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(OTHER)) {
          values[i] += weight;
          return;
        }
      }
    }
    if (size == keys.length) {
      int n = Math.max(4, size * 2);
      keys = java.util.Arrays.copyOf(keys, n);
      values = java.util.Arrays.copyOf(values, n);
    }
    keys[size] = key;
    values[size] = weight;
    size++;
  }

  public void merge(WeightedCounts other, int max) {
    for (int i = 0; i < other.size; i++) {
      add(other.keys[i], other.values[i], max);
    }
  }

  public Map<String, Double> toMap() {
    Map<String, Double> m = new HashMap<>(Math.max(4, size * 2));
    for (int i = 0; i < size; i++) {
      m.put(keys[i], values[i]);
    }
    return m;
  }
}
