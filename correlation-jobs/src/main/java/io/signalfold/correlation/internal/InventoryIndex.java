package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Which signal types each service emits and which instances, zones, cells, containers and versions
 * it runs with, as last seen. Answers "no logs for service X" (a data gap) and "does this service
 * run in other zones too" (a common factor is only blamed when it is not universal).
 */
public final class InventoryIndex {

  /** Facets. */
  public static final String INSTANCE = "instance";

  public static final String ZONE = "zone";
  public static final String CELL = "cell";
  public static final String CONTAINER = "container";
  public static final String VERSION = "version";

  private final CorrelationConfig config;
  private final KeyedStore<Long> store;

  public InventoryIndex(CorrelationConfig config, CorrelationState state) {
    this.config = config;
    this.store = state.inventory();
  }

  public void observe(InventoryFact f) {
    if (f.getService() == null || f.getService().isEmpty()) {
      return;
    }
    String svc = f.getService();
    long t = f.getTimestampMs();
    put("t|" + svc + "|" + f.getType(), t);
    put("s|" + svc, t);
    facet(svc, INSTANCE, f.getInstance(), t);
    facet(svc, ZONE, f.getZone(), t);
    facet(svc, CELL, f.getCell(), t);
    facet(svc, CONTAINER, f.getContainer(), t);
    facet(svc, VERSION, f.getVersion(), t);
    if (f.getInstance() != null && f.getVersion() != null) {
      put("v|" + svc + "|" + f.getInstance() + "|" + f.getVersion(), t);
    }
  }

  private void facet(String svc, String facet, @Nullable String value, long t) {
    if (value != null && !value.isEmpty()) {
      put("f|" + svc + "|" + facet + "|" + value, t);
    }
  }

  private void put(String key, long t) {
    Long prev = store.get(key);
    if (prev == null || prev < t) {
      store.put(key, t);
    }
  }

  /** Anything at all was seen from this service. */
  public boolean knows(String service) {
    return store.get("s|" + service) != null;
  }

  /** Whether any service was seen at all (no inventory input wired -> no claims about gaps). */
  public boolean isEmpty() {
    return store.isEmpty();
  }

  /** Signal type seen for the service within the retention before {@code now}. */
  public boolean has(String service, int type, long now) {
    Long t = store.get("t|" + service + "|" + type);
    return t != null && t >= now - config.inventoryRetentionMs();
  }

  /** Facet values seen for the service within the retention before {@code now}. */
  public Set<String> values(String service, String facet, long now) {
    Set<String> out = new TreeSet<>();
    String prefix = "f|" + service + "|" + facet + "|";
    for (String k : store.sortedKeys()) {
      if (k.startsWith(prefix)) {
        Long t = store.get(k);
        if (t != null && t >= now - config.inventoryRetentionMs()) {
          out.add(k.substring(prefix.length()));
        }
      }
    }
    return out;
  }

  /**
   * The version each instance of the service ran at {@code t}, for instances seen within the
   * retention before {@code now}: of the versions an instance was seen with at or after {@code t},
   * the one it was last seen with earliest (it ran that one at {@code t} and switched later); an
   * instance not seen since {@code t} ran the version it was last seen with.
   */
  public Map<String, String> versionsAt(String service, long t, long now) {
    Map<String, String> version = new TreeMap<>();
    Map<String, Long> chosenAt = new TreeMap<>();
    String prefix = "v|" + service + "|";
    for (String k : store.sortedKeys()) {
      if (!k.startsWith(prefix)) {
        continue;
      }
      Long seen = store.get(k);
      int bar = k.lastIndexOf('|');
      if (seen == null || seen < now - config.inventoryRetentionMs() || bar <= prefix.length()) {
        continue;
      }
      String instance = k.substring(prefix.length(), bar);
      String v = k.substring(bar + 1);
      Long prev = chosenAt.get(instance);
      boolean better =
          prev == null
              || (seen >= t && (prev < t || seen < prev))
              || (seen < t && prev < t && seen > prev);
      if (better) {
        chosenAt.put(instance, seen);
        version.put(instance, v);
      }
    }
    return version;
  }

  public void cleanup(long now) {
    long horizon = now - config.inventoryRetentionMs();
    for (String k : store.sortedKeys()) {
      Long t = store.get(k);
      if (t == null || t < horizon) {
        store.remove(k);
      }
    }
  }
}
