package io.signalfold.ingest.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.List;
import java.util.Map;

/**
 * A direct-mapped cache from (series prefix, point attributes) to what the decoder derives from
 * them: the retained attribute map, the series id and the full identity key. The same series come
 * back at every export, so after the first export a point costs a hash and a few equals calls
 * instead of a map, two string builders and attribute text conversions. A slot holds one entry; a
 * colliding series simply replaces it (correctness never depends on a hit).
 */
final class SeriesCache {

  static final class Entry {
    final String prefix;
    final String[] keys;
    final AnyValue[] values;
    final Map<String, String> retained;
    final String seriesId;
    final String identityKey;

    Entry(
        String prefix,
        List<KeyValue> attributes,
        Map<String, String> retained,
        String seriesId,
        String identityKey) {
      this.prefix = prefix;
      int n = attributes.size();
      this.keys = new String[n];
      this.values = new AnyValue[n];
      for (int i = 0; i < n; i++) {
        keys[i] = attributes.get(i).getKey();
        values[i] = attributes.get(i).getValue();
      }
      this.retained = retained;
      this.seriesId = seriesId;
      this.identityKey = identityKey;
    }

    boolean matches(String prefix, List<KeyValue> attributes) {
      if (!this.prefix.equals(prefix) || keys.length != attributes.size()) {
        return false;
      }
      for (int i = 0; i < keys.length; i++) {
        KeyValue kv = attributes.get(i);
        if (!keys[i].equals(kv.getKey()) || !sameValue(values[i], kv.getValue())) {
          return false;
        }
      }
      return true;
    }
  }

  /** Value equality for the scalar cases without the generated equals' generic machinery. */
  static boolean sameValue(AnyValue a, AnyValue b) {
    if (a.getValueCase() != b.getValueCase()) {
      return false;
    }
    switch (a.getValueCase()) {
      case STRING_VALUE:
        return a.getStringValue().equals(b.getStringValue());
      case INT_VALUE:
        return a.getIntValue() == b.getIntValue();
      case BOOL_VALUE:
        return a.getBoolValue() == b.getBoolValue();
      case DOUBLE_VALUE:
        return Double.compare(a.getDoubleValue(), b.getDoubleValue()) == 0;
      default:
        return a.equals(b);
    }
  }

  private final Entry[] slots;
  private final Entry[] positional;
  private final int mask;

  SeriesCache(int sizePowerOfTwo) {
    this.slots = new Entry[sizePowerOfTwo];
    this.positional = new Entry[sizePowerOfTwo];
    this.mask = sizePowerOfTwo - 1;
  }

  /**
   * Positional guess: exports repeat their points in the same order, so the entry last seen at the
   * same point index of the same metric and resource (the prefix, whose String hash is cached) is
   * almost always right. Verifying it costs one comparison pass and no hashing of attributes.
   */
  Entry guess(String prefix, int pointIndex, List<KeyValue> attributes) {
    Entry e = positional[positionalSlot(prefix, pointIndex)];
    return e != null && e.matches(prefix, attributes) ? e : null;
  }

  void remember(String prefix, int pointIndex, Entry e) {
    positional[positionalSlot(prefix, pointIndex)] = e;
  }

  private int positionalSlot(String prefix, int pointIndex) {
    int h = (prefix.hashCode() * 31 + pointIndex) * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }

  static int hash(String prefix, List<KeyValue> attributes) {
    int h = prefix.hashCode();
    for (int i = 0, n = attributes.size(); i < n; i++) {
      KeyValue kv = attributes.get(i);
      h = 31 * h + kv.getKey().hashCode();
      AnyValue v = kv.getValue();
      switch (v.getValueCase()) {
        case STRING_VALUE:
          h = 31 * h + v.getStringValue().hashCode();
          break;
        case INT_VALUE:
          h = 31 * h + Long.hashCode(v.getIntValue());
          break;
        case BOOL_VALUE:
          h = 31 * h + (v.getBoolValue() ? 1 : 2);
          break;
        case DOUBLE_VALUE:
          h = 31 * h + Double.hashCode(v.getDoubleValue());
          break;
        default:
          h = 31 * h + v.getValueCase().ordinal();
      }
    }
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  Entry get(int hash, String prefix, List<KeyValue> attributes) {
    Entry e = slots[hash & mask];
    return e != null && e.matches(prefix, attributes) ? e : null;
  }

  void put(int hash, Entry e) {
    slots[hash & mask] = e;
  }
}
