package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Common factors (instance, container, zone, cell). Signals are compared per metric family (see
 * {@link MetricFamilies}). A family points at a facet value when the signals on that value are
 * clearly worse off than the others in the family, so errors that callers in healthy zones inherit
 * from a failing zone (smaller, but anomalous too) do not hide the zone. A facet value becomes a
 * hypothesis when most families point at it and the same services also run on other values. The
 * instance drafts are left on the board so that resource exhaustion on that one instance defers to
 * them.
 */
final class FactorHypotheses implements HypothesisGenerator {

  private static final String[] FACTORS = {
    InventoryIndex.INSTANCE, InventoryIndex.CONTAINER, InventoryIndex.ZONE, InventoryIndex.CELL
  };

  /** Metrics judged together for a common factor: those anomalous within this of each other. */
  private static final long FACTOR_PHASE_MS = 15 * 60_000L;

  private static final long FACTOR_PHASE_LEADING_MS = 60 * 60_000L;

  /** Factor on a hypothesis that another one explains (an instance inside a failing zone). */
  private static final double EXPLAINED = 0.5;

  /**
   * A place (zone, cell, container) whose metrics mostly sit on one instance needs at least this
   * many on other instances; with fewer, the place is that one host.
   */
  private static final int MIN_METRICS_BEYOND_ONE_HOST = 2;

  /** The families pointing at one value that went anomalous together, and when the first did. */
  private record Phase(long start, List<List<SignalState>> pointing) {}

  /** How distinguishing a facet value is, and why. */
  private record Exclusivity(double factor, String reason) {}

  /** The hypothesis a facet stands for. */
  private record FacetKind(
      RootCauseKind kind, EntityKind entityKind, Weight weight, MitigationClass mitigation) {

    static FacetKind of(String facet) {
      return switch (facet) {
        case InventoryIndex.INSTANCE ->
            new FacetKind(
                RootCauseKind.INSTANCE,
                EntityKind.INSTANCE,
                Weight.INSTANCE,
                MitigationClass.REPLACE_INSTANCE);
        case InventoryIndex.CONTAINER ->
            new FacetKind(
                RootCauseKind.CONTAINER,
                EntityKind.CONTAINER,
                Weight.CONTAINER,
                MitigationClass.REPLACE_INSTANCE);
        case InventoryIndex.ZONE ->
            new FacetKind(
                RootCauseKind.ZONE, EntityKind.ZONE, Weight.ZONE, MitigationClass.SHIFT_TRAFFIC);
        default ->
            new FacetKind(
                RootCauseKind.CELL, EntityKind.CELL, Weight.CELL, MitigationClass.SHIFT_TRAFFIC);
      };
    }
  }

  @Override
  public void generate(RankingContext in, RankingBoard out) {
    Map<String, List<SignalState>> families = MetricFamilies.of(in.analysis);
    Map<String, HypothesisDraft> instanceDrafts = new TreeMap<>();
    Map<String, HypothesisDraft> placeDrafts = new TreeMap<>();
    for (String facet : FACTORS) {
      boolean perService = facet.equals(InventoryIndex.INSTANCE);
      for (List<List<SignalState>> scoped : byScope(families, facet, perService).values()) {
        for (Map.Entry<String, List<List<SignalState>>> e : pointingAt(scoped, facet).entrySet()) {
          HypothesisDraft d =
              judge(in, out, instanceDrafts, facet, e.getKey(), e.getValue(), scoped);
          if (d != null && !perService) {
            placeDrafts.put(e.getKey(), d);
          }
        }
      }
    }
    explainInstances(in.analysis, out, instanceDrafts, placeDrafts);
    out.instanceFactors = instanceDrafts;
  }

  /**
   * The families the facet can split, by scope: an instance is a factor within its service; the
   * other facets span services.
   */
  private static Map<String, List<List<SignalState>>> byScope(
      Map<String, List<SignalState>> families, String facet, boolean perService) {
    Map<String, List<List<SignalState>>> byScope = new TreeMap<>();
    for (List<SignalState> family : families.values()) {
      if (MetricFamilies.hasFacet(family, facet) && MetricFamilies.splitsTheFamily(family, facet)) {
        String scope = perService ? String.valueOf(family.get(0).service) : "";
        byScope.computeIfAbsent(scope, k -> new ArrayList<>()).add(family);
      }
    }
    return byScope;
  }

  /** The families of one scope by the facet value each points at (those that point at one). */
  private static Map<String, List<List<SignalState>>> pointingAt(
      List<List<SignalState>> scoped, String facet) {
    Map<String, List<List<SignalState>>> pointingAt = new TreeMap<>();
    for (List<SignalState> family : scoped) {
      String worst = MetricFamilies.worstOff(family, facet);
      if (worst != null) {
        pointingAt.computeIfAbsent(worst, k -> new ArrayList<>()).add(family);
      }
    }
    return pointingAt;
  }

  /**
   * The draft for facet value {@code value} when enough of the families of its scope point at it;
   * null when they do not.
   */
  @Nullable
  private static HypothesisDraft judge(
      RankingContext in,
      RankingBoard out,
      Map<String, HypothesisDraft> instanceDrafts,
      String facet,
      String value,
      List<List<SignalState>> pointingAtValue,
      List<List<SignalState>> scoped) {
    CandidateAnalysis a = in.analysis;
    long phaseMs = a.leadingFirst ? FACTOR_PHASE_LEADING_MS : FACTOR_PHASE_MS;
    Phase phase = mainPhase(pointingAtValue, phaseMs);
    int total = 0;
    for (List<SignalState> f : scoped) {
      if (Math.abs(familyOnset(f) - phase.start()) <= phaseMs) {
        total++;
      }
    }
    if (phase.pointing().size() < 2) {
      return null; // one metric alone is not a pattern
    }
    if ((double) phase.pointing().size() / total < 0.75) {
      return null;
    }
    HypothesisDraft d = draft(in, out, instanceDrafts, facet, value, phase.pointing(), total);
    if (d != null) {
      long lag = Math.max(0, phase.start() - a.onsetMs);
      double floor = in.weights.get(Weight.ONSET_ORDER_FLOOR);
      d.term(
          "onset order",
          floor + (1 - floor) * Math.exp(-lag / 120_000.0),
          "its metrics went anomalous "
              + HypothesisRanker.duration(lag)
              + " after the first signal");
    }
    return d;
  }

  /**
   * Judged among the metrics that went anomalous around the same time: a sidecar's leak and, hours
   * later, the app's errors from its OOM are two phases, each with its factor. The phase with the
   * most metrics pointing at this value (earliest on a tie), so a couple of early blips do not
   * stand in for the main pattern.
   */
  private static Phase mainPhase(List<List<SignalState>> families, long phaseMs) {
    long start = Long.MAX_VALUE;
    List<List<SignalState>> pointing = List.of();
    for (List<SignalState> anchor : families) {
      long from = familyOnset(anchor);
      List<List<SignalState>> inPhase = new ArrayList<>();
      for (List<SignalState> f : families) {
        long onset = familyOnset(f);
        if (onset >= from && onset <= from + phaseMs) {
          inPhase.add(f);
        }
      }
      if (inPhase.size() > pointing.size() || (inPhase.size() == pointing.size() && from < start)) {
        pointing = inPhase;
        start = from;
      }
    }
    return new Phase(start, pointing);
  }

  @Nullable
  private static HypothesisDraft draft(
      RankingContext in,
      RankingBoard out,
      Map<String, HypothesisDraft> instanceDrafts,
      String facet,
      String top,
      List<List<SignalState>> pointing,
      int total) {
    boolean perService = facet.equals(InventoryIndex.INSTANCE);
    List<SignalState> on = new ArrayList<>();
    Set<String> services = new TreeSet<>();
    for (List<SignalState> family : pointing) {
      for (SignalState s : family) {
        if (top.equals(s.facetValue(facet))) {
          on.add(s);
          if (s.service != null) {
            services.add(s.service);
          }
        }
      }
    }
    if (!perService && services.size() < in.config.minFactorServices()) {
      return null;
    }
    Exclusivity exclusivity = exclusivity(population(in, services, facet, perService), top);
    if (exclusivity == null) {
      return null; // everything runs there: not a distinguishing factor
    }
    FacetKind fk = FacetKind.of(facet);
    String svcText = String.join(", ", services);
    String service = perService && services.size() == 1 ? services.iterator().next() : null;
    HypothesisDraft d =
        new HypothesisDraft(
            fk.kind(),
            fk.entityKind(),
            top,
            service,
            in.weights.get(fk.weight()),
            "Common factor: "
                + pointing.size()
                + " of "
                + total
                + " metrics seen per "
                + facet
                + " are worst on "
                + facet
                + " "
                + top
                + (services.isEmpty() ? "" : " (" + svcText + ")")
                + ".");
    d.mitigation = fk.mitigation();
    d.term(
        "concentration",
        (double) pointing.size() / total,
        pointing.size() + " of " + total + " metrics are worst there");
    d.term("exclusivity", exclusivity.factor(), exclusivity.reason());
    placeFactor(in, d, perService, service, services);
    if (!perService) {
      oneHost(d, top, pointing, facet);
    }
    for (SignalState s : on) {
      d.addEvidence(in.evidence.signal(s));
    }
    out.put(d);
    if (perService) {
      instanceDrafts.put(top, d);
    }
    return d;
  }

  /**
   * Whether the place's pattern is one host's: when one instance carries more of the metrics
   * pointing at it than all others together, and fewer than {@link #MIN_METRICS_BEYOND_ONE_HOST}
   * come from other instances, the place adds nothing to that host (a bad host in az-2 makes az-2
   * look worst), and the host's own hypothesis is not discounted as part of it.
   */
  private static void oneHost(
      HypothesisDraft d, String place, List<List<SignalState>> pointing, String facet) {
    List<Set<String>> hostsPerMetric = new ArrayList<>();
    Map<String, Integer> byHost = new TreeMap<>();
    for (List<SignalState> family : pointing) {
      Set<String> hosts = hostsOn(family, place, facet);
      hostsPerMetric.add(hosts);
      for (String host : hosts) {
        byHost.merge(host, 1, Integer::sum);
      }
    }
    String worst = null;
    for (Map.Entry<String, Integer> e : byHost.entrySet()) {
      if (worst == null || e.getValue() > byHost.get(worst)) {
        worst = e.getKey();
      }
    }
    if (worst == null) {
      return;
    }
    int beyond = 0;
    for (Set<String> hosts : hostsPerMetric) {
      boolean elsewhere = hosts.size() > 1 || (hosts.size() == 1 && !hosts.contains(worst));
      beyond += elsewhere ? 1 : 0;
    }
    if (beyond < MIN_METRICS_BEYOND_ONE_HOST && byHost.get(worst) > beyond) {
      d.term(
          "explained",
          EXPLAINED,
          "one host carries it: "
              + byHost.get(worst)
              + " of "
              + pointing.size()
              + " metrics are on "
              + worst
              + ", "
              + beyond
              + " on any other instance there");
    }
  }

  /** The instances of a family's signals on this place. */
  private static Set<String> hostsOn(List<SignalState> family, String place, String facet) {
    Set<String> hosts = new TreeSet<>();
    for (SignalState s : family) {
      if (s.instance != null && place.equals(s.facetValue(facet))) {
        hosts.add(s.instance);
      }
    }
    return hosts;
  }

  /** Where an instance sits in the call graph, or how many services a wider place spans. */
  private static void placeFactor(
      RankingContext in,
      HypothesisDraft d,
      boolean perService,
      @Nullable String service,
      Set<String> services) {
    if (perService) {
      Node n = service == null ? null : in.analysis.nodes.get(service);
      if (n != null) {
        d.term("location", in.analysis.locationWeight(n), n.roleReason);
      }
    } else {
      double spread =
          Math.min(
              in.weights.get(Weight.FACTOR_SPREAD_CAP),
              1 + in.weights.get(Weight.FACTOR_SPREAD_BONUS) * (services.size() - 1));
      d.term("spread", spread, services.size() + " services share it");
    }
  }

  /** The values of the facet the services run on (per service: their anomalous instances too). */
  private static Set<String> population(
      RankingContext in, Set<String> services, String facet, boolean perService) {
    Set<String> population = new TreeSet<>();
    for (String svc : services) {
      population.addAll(in.inventory.values(svc, facet, in.now));
    }
    if (perService) {
      for (SignalState s : in.analysis.members) {
        if (s.instance != null && services.contains(s.service)) {
          population.add(s.instance);
        }
      }
    }
    return population;
  }

  /** Not universal: the same services also run with other values of this facet. */
  @Nullable
  private static Exclusivity exclusivity(Set<String> population, String top) {
    if (population.size() > 1 || (population.size() == 1 && !population.contains(top))) {
      Set<String> others = new TreeSet<>(population);
      others.remove(top);
      return new Exclusivity(
          1.0,
          "the same services also run on "
              + String.join(", ", others)
              + ", which look healthy or less affected");
    } else if (population.isEmpty()) {
      return new Exclusivity(0.6, "unknown whether the services run elsewhere (no inventory)");
    }
    return null;
  }

  /**
   * An instance that fails as part of a failing zone or cell is one of its symptoms; one that a
   * change touched directly (a session on that host) is where that change acted.
   */
  private static void explainInstances(
      CandidateAnalysis a,
      RankingBoard out,
      Map<String, HypothesisDraft> instanceDrafts,
      Map<String, HypothesisDraft> placeDrafts) {
    for (HypothesisDraft inst : instanceDrafts.values()) {
      HypothesisDraft change = null;
      for (HypothesisDraft d : out.drafts.values()) {
        if (d.changeId != null && inst.entityName.equals(d.entityName)) {
          change = d;
          break;
        }
      }
      if (change != null) {
        inst.term(
            "explained", EXPLAINED, "the " + change.changeId + " change acted on this instance");
        continue;
      }
      for (String place : placesOf(a, inst.entityName)) {
        HypothesisDraft wider = placeDrafts.get(place);
        if (wider != null && wider.score > inst.score) {
          inst.term(
              "explained",
              EXPLAINED,
              "part of the wider pattern on "
                  + wider.entityKind.name().toLowerCase(Locale.ROOT)
                  + " "
                  + place);
          break;
        }
      }
    }
  }

  private static Set<String> placesOf(CandidateAnalysis a, String instance) {
    Set<String> places = new TreeSet<>();
    for (SignalState s : a.members) {
      if (instance.equals(s.instance)) {
        if (s.zone != null) {
          places.add(s.zone);
        }
        if (s.cell != null) {
          places.add(s.cell);
        }
      }
    }
    return places;
  }

  private static long familyOnset(List<SignalState> family) {
    long onset = Long.MAX_VALUE;
    for (SignalState s : family) {
      onset = Math.min(onset, s.onsetMs);
    }
    return onset;
  }
}
