package io.signalfold.correlation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * A candidate's entity-level signals grouped by metric family: one metric of one service as seen on
 * its instances (containers, zones, cells), so that the entities carrying one facet value can be
 * compared with the others. Common-factor hypotheses and the location of a session on one host are
 * judged this way.
 */
final class MetricFamilies {

  /** How much worse the signals on one facet value must be than the rest of their family. */
  private static final double WORST_OFF_MARGIN = 1.2;

  private MetricFamilies() {}

  /**
   * Entity-level signals grouped by metric: service, signal name, direction and series with the
   * instance blanked out, so the instances of one service line up against each other.
   */
  static Map<String, List<SignalState>> of(CandidateAnalysis a) {
    Map<String, List<SignalState>> families = new TreeMap<>();
    for (SignalState s : a.members) {
      if (s.category == SignalCategory.TOPOLOGY.ordinal()
          || (s.instance == null && s.container == null && s.zone == null && s.cell == null)) {
        continue;
      }
      String series = s.seriesId == null ? "" : s.seriesId;
      if (s.instance != null) {
        series = series.replace(s.instance, "*");
      }
      families
          .computeIfAbsent(s.signal + '|' + s.direction + '|' + series, k -> new ArrayList<>())
          .add(s);
    }
    return families;
  }

  /**
   * Of the metric families of the instance's service that are seen per instance: how many are worst
   * on that instance, and how many there are.
   */
  static int[] worstOffShare(CandidateAnalysis a, String instance) {
    String service = null;
    for (SignalState s : a.members) {
      if (instance.equals(s.instance)) {
        service = s.service;
        break;
      }
    }
    int on = 0;
    int total = 0;
    if (service == null) {
      return new int[] {0, 0};
    }
    for (List<SignalState> family : of(a).values()) {
      if (!service.equals(family.get(0).service) || !hasFacet(family, InventoryIndex.INSTANCE)) {
        continue;
      }
      total++;
      if (instance.equals(worstOff(family, InventoryIndex.INSTANCE))) {
        on++;
      }
    }
    return new int[] {on, total};
  }

  /**
   * Whether the facet can tell the family's entities apart at all. The containers of one pod share
   * its requests: request metrics (errors, latency, traffic) are reported on the one container that
   * serves them, so they would always point at it. Only a container's own resources (memory, CPU,
   * restarts) compare containers.
   */
  static boolean splitsTheFamily(List<SignalState> family, String facet) {
    return !facet.equals(InventoryIndex.CONTAINER)
        || SignalCategory.of(family.get(0).category).isResource();
  }

  static boolean hasFacet(List<SignalState> family, String facet) {
    for (SignalState s : family) {
      if (s.facetValue(facet) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The facet value whose signals in the family all deviate clearly more than every other signal of
   * the family; null when no value stands out.
   */
  @Nullable
  static String worstOff(List<SignalState> family, String facet) {
    Set<String> values = new TreeSet<>();
    for (SignalState s : family) {
      String v = s.facetValue(facet);
      if (v != null) {
        values.add(v);
      }
    }
    for (String v : values) {
      double minOn = Double.POSITIVE_INFINITY;
      double maxOff = 0;
      for (SignalState s : family) {
        double dev = Math.abs(s.value - s.expected);
        if (v.equals(s.facetValue(facet))) {
          minOn = Math.min(minOn, dev);
        } else {
          maxOff = Math.max(maxOff, dev);
        }
      }
      if (minOn > WORST_OFF_MARGIN * maxOff) {
        return v;
      }
    }
    return null;
  }
}
