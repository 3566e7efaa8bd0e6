package io.signalfold.correlation.internal;

import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.HypergeometricDistribution;

/**
 * The comparison that tells a bad version from one that merely runs: the instances of one service
 * at the incident's onset, split by whether they ran the suspected version and whether their
 * requests failed or slowed down (errors or latency of their own; a freshly started instance's CPU
 * is warm-up, not failure). "The new version is running" is no evidence; "the instances running it
 * fail and the others do not" is, with the one-sided Fisher exact test saying how unlikely that
 * split is by chance.
 *
 * @param failingOn failing instances that ran the version
 * @param healthyOn healthy instances that ran the version
 * @param failingOther failing instances that ran another version
 * @param healthyOther healthy instances that ran another version
 */
record VersionSplit(
    Set<String> failingOn,
    Set<String> healthyOn,
    Set<String> failingOther,
    Set<String> healthyOther) {

  /**
   * Splits the instances of {@code n}: {@code running} maps each instance seen around the onset to
   * the version it ran then (the inventory); the version an anomalous signal reports wins.
   */
  static VersionSplit of(Node n, String version, Map<String, String> running) {
    Map<String, String> failing = new TreeMap<>();
    for (SignalState s : n.own) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (s.instance != null
          && s.peer == null
          && (cat == SignalCategory.ERRORS || cat == SignalCategory.LATENCY)) {
        String v = s.version != null ? s.version : running.get(s.instance);
        if (v != null) {
          failing.putIfAbsent(s.instance, v);
        }
      }
    }
    Set<String> failingOn = new TreeSet<>();
    Set<String> failingOther = new TreeSet<>();
    for (Map.Entry<String, String> f : failing.entrySet()) {
      (version.equals(f.getValue()) ? failingOn : failingOther).add(f.getKey());
    }
    Set<String> healthyOn = new TreeSet<>();
    Set<String> healthyOther = new TreeSet<>();
    for (Map.Entry<String, String> r : running.entrySet()) {
      if (!failing.containsKey(r.getKey())) {
        (version.equals(r.getValue()) ? healthyOn : healthyOther).add(r.getKey());
      }
    }
    return new VersionSplit(failingOn, healthyOn, failingOther, healthyOther);
  }

  /** Some instance ran another version at onset: the versions can be compared. */
  boolean comparable() {
    return !failingOther.isEmpty() || !healthyOther.isEmpty();
  }

  /** Failures on the version's instances only, while instances on other versions are healthy. */
  boolean concentrated() {
    return !failingOn.isEmpty() && failingOther.isEmpty() && !healthyOther.isEmpty();
  }

  /**
   * One-sided Fisher exact test: the probability that at least this many of the failing instances
   * fall on the version's instances if failures struck instances regardless of version.
   */
  double fisherP() {
    int on = failingOn.size() + healthyOn.size();
    int failing = failingOn.size() + failingOther.size();
    int total = on + failingOther.size() + healthyOther.size();
    if (on == 0 || failing == 0 || total == 0) {
      return 1.0;
    }
    return new HypergeometricDistribution(null, total, failing, on)
        .upperCumulativeProbability(failingOn.size());
  }

  /** The comparison in numbers, e.g. "2 of 2 instances on 2.4.1 fail, 0 of 3 on other versions". */
  String describe(String version) {
    return String.format(
        Locale.ROOT,
        "%d of %d instances on %s fail, %d of %d on other versions (Fisher p=%.3g)",
        failingOn.size(),
        failingOn.size() + healthyOn.size(),
        version,
        failingOther.size(),
        failingOther.size() + healthyOther.size(),
        fisherP());
  }
}
