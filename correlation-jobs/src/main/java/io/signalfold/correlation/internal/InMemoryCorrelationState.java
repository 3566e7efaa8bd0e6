package io.signalfold.correlation.internal;

import io.signalfold.schema.ChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import javax.annotation.Nullable;

/** Correlation state in TreeMaps: for unit tests, CLI harnesses and benchmarks. */
public final class InMemoryCorrelationState implements CorrelationState {

  private final MapStore<SignalState> signals = new MapStore<>();
  private final MapStore<CandidateState> candidates = new MapStore<>();
  private final MapStore<CorrelationInput> pending = new MapStore<>();
  private final MapStore<Long> deadlines = new MapStore<>();
  private final MapStore<ChangeEvent> changes = new MapStore<>();
  private final MapStore<EdgeState> edges = new MapStore<>();
  private final MapStore<RedSeriesState> redSeries = new MapStore<>();
  private final MapStore<byte[]> sketches = new MapStore<>();
  private final MapStore<double[]> redSlots = new MapStore<>();
  private final MapStore<double[]> business = new MapStore<>();
  private final MapStore<Long> inventory = new MapStore<>();
  private final Cell<EngineMeta> meta = new Cell<>();

  @Override
  public KeyedStore<SignalState> signals() {
    return signals;
  }

  @Override
  public KeyedStore<CandidateState> candidates() {
    return candidates;
  }

  @Override
  public KeyedStore<Long> deadlines() {
    return deadlines;
  }

  @Override
  public KeyedStore<CorrelationInput> pending() {
    return pending;
  }

  @Override
  public KeyedStore<ChangeEvent> changes() {
    return changes;
  }

  @Override
  public KeyedStore<EdgeState> edges() {
    return edges;
  }

  @Override
  public KeyedStore<RedSeriesState> redSeries() {
    return redSeries;
  }

  @Override
  public KeyedStore<double[]> redSlots() {
    return redSlots;
  }

  @Override
  public KeyedStore<byte[]> sketches() {
    return sketches;
  }

  @Override
  public KeyedStore<double[]> business() {
    return business;
  }

  @Override
  public KeyedStore<Long> inventory() {
    return inventory;
  }

  @Override
  public StateCell<EngineMeta> meta() {
    return meta;
  }

  /** Total entries over every store (the cell counts as one when set). */
  public int entryCount() {
    return signals.map.size()
        + candidates.map.size()
        + pending.map.size()
        + deadlines.map.size()
        + changes.map.size()
        + edges.map.size()
        + redSeries.map.size()
        + sketches.map.size()
        + redSlots.map.size()
        + business.map.size()
        + inventory.map.size()
        + (meta.value == null ? 0 : 1);
  }

  private static final class MapStore<V> implements KeyedStore<V> {
    private final TreeMap<String, V> map = new TreeMap<>();

    @Nullable
    @Override
    public V get(String key) {
      return map.get(key);
    }

    @Override
    public void put(String key, V value) {
      map.put(key, value);
    }

    @Override
    public void remove(String key) {
      map.remove(key);
    }

    @Override
    public List<String> sortedKeys() {
      return new ArrayList<>(map.keySet());
    }

    @Override
    public boolean isEmpty() {
      return map.isEmpty();
    }

    @Override
    public void clear() {
      map.clear();
    }
  }

  private static final class Cell<V> implements StateCell<V> {
    @Nullable private V value;

    @Nullable
    @Override
    public V get() {
      return value;
    }

    @Override
    public void set(V v) {
      value = v;
    }

    @Override
    public void clear() {
      value = null;
    }
  }
}
