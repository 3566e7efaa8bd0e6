package io.signalfold.correlation.internal;

import io.signalfold.schema.ChangeEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Correlation state in Flink keyed state (one entry set per correlation domain key). Values are
 * Avro records (AvroSerializer) or POJOs (PojoSerializer, evolvable); none falls back to Kryo.
 * Every entry is removed by the engine's event-time cleanup, which the harness tests prove.
 */
public final class FlinkCorrelationState implements CorrelationState {

  /** State names: stable, they are part of the savepoint format. */
  static final String SIGNALS = "correlation.signals";

  static final String CANDIDATES = "correlation.candidates";
  static final String PENDING = "correlation.pending";
  static final String DEADLINES = "correlation.deadlines";
  static final String CHANGES = "correlation.changes";
  static final String EDGES = "correlation.edges";
  static final String RED = "correlation.red-series";
  static final String SKETCHES = "correlation.sketches";
  static final String RED_SLOTS = "correlation.red-slots";
  static final String BUSINESS = "correlation.business";
  static final String INVENTORY = "correlation.inventory";
  static final String META = "correlation.meta";

  private final Store<SignalState> signals;
  private final Store<CandidateState> candidates;
  private final Store<CorrelationInput> pending;
  private final Store<Long> deadlines;
  private final Store<ChangeEvent> changes;
  private final Store<EdgeState> edges;
  private final Store<RedSeriesState> redSeries;
  private final Store<byte[]> sketches;
  private final Store<double[]> redSlots;
  private final Store<double[]> business;
  private final Store<Long> inventory;
  private final Cell<EngineMeta> meta;

  public FlinkCorrelationState(RuntimeContext ctx) {
    signals = store(ctx, SIGNALS, TypeInformation.of(SignalState.class));
    candidates = store(ctx, CANDIDATES, TypeInformation.of(CandidateState.class));
    pending = store(ctx, PENDING, TypeInformation.of(CorrelationInput.class));
    deadlines = store(ctx, DEADLINES, Types.LONG);
    changes = store(ctx, CHANGES, new AvroTypeInfo<>(ChangeEvent.class));
    edges = store(ctx, EDGES, TypeInformation.of(EdgeState.class));
    redSeries = store(ctx, RED, TypeInformation.of(RedSeriesState.class));
    sketches = store(ctx, SKETCHES, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    business = store(ctx, BUSINESS, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
    redSlots = store(ctx, RED_SLOTS, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
    inventory = store(ctx, INVENTORY, Types.LONG);
    meta =
        new Cell<>(
            ctx.getState(new ValueStateDescriptor<>(META, TypeInformation.of(EngineMeta.class))));
  }

  private static <V> Store<V> store(RuntimeContext ctx, String name, TypeInformation<V> type) {
    return new Store<>(ctx.getMapState(new MapStateDescriptor<>(name, Types.STRING, type)));
  }

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

  private static final class Store<V> implements KeyedStore<V> {
    private final MapState<String, V> state;

    Store(MapState<String, V> state) {
      this.state = state;
    }

    @Nullable
    @Override
    public V get(String key) {
      try {
        return state.get(key);
      } catch (Exception e) {
        throw new IllegalStateException("cannot read correlation state " + key, e);
      }
    }

    @Override
    public void put(String key, V value) {
      try {
        state.put(key, value);
      } catch (Exception e) {
        throw new IllegalStateException("cannot write correlation state " + key, e);
      }
    }

    @Override
    public void remove(String key) {
      try {
        state.remove(key);
      } catch (Exception e) {
        throw new IllegalStateException("cannot remove correlation state " + key, e);
      }
    }

    @Override
    public List<String> sortedKeys() {
      try {
        List<String> keys = new ArrayList<>();
        for (String k : state.keys()) {
          keys.add(k);
        }
        Collections.sort(keys);
        return keys;
      } catch (Exception e) {
        throw new IllegalStateException("cannot list correlation state", e);
      }
    }

    @Override
    public boolean isEmpty() {
      try {
        return state.isEmpty();
      } catch (Exception e) {
        throw new IllegalStateException("cannot read correlation state", e);
      }
    }

    @Override
    public void clear() {
      state.clear();
    }
  }

  private static final class Cell<V> implements StateCell<V> {
    private final ValueState<V> state;

    Cell(ValueState<V> state) {
      this.state = state;
    }

    @Nullable
    @Override
    public V get() {
      try {
        return state.value();
      } catch (Exception e) {
        throw new IllegalStateException("cannot read correlation meta state", e);
      }
    }

    @Override
    public void set(V value) {
      try {
        state.update(value);
      } catch (Exception e) {
        throw new IllegalStateException("cannot write correlation meta state", e);
      }
    }

    @Override
    public void clear() {
      state.clear();
    }
  }
}
