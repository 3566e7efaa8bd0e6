package io.signalfold.loadtest.worlds;

import io.signalfold.loadtest.runner.CandidateScorer.IncidentResult;
import io.signalfold.loadtest.runner.CandidateScorer.ScenarioScore;
import io.signalfold.loadtest.runner.ExpectedIncident;
import io.signalfold.loadtest.runner.ScenarioReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benchmark's counts: over all worlds and per fault kind. An incident counts for the kind that
 * injected it; a world's false candidates and days count for every kind in the world, and for
 * {@code quiet} when it has none. Open times are event time from the fault's start to the
 * candidate; the p95 is over sudden faults (a scenario {@code open_within} of 5 minutes or less),
 * since a leak or a ramp opens late by design.
 */
public final class BenchTally {

  static final String QUIET = "quiet";
  private static final long SUDDEN_MAX_OPEN_WITHIN_MS = 5 * 60_000L;

  private static final class Counts {
    int worlds;
    int incidents;
    int top1;
    int top3;
    int missed;
    int falseCandidates;
    double days;
    final List<Double> openSeconds = new ArrayList<>();
  }

  private final Counts all = new Counts();
  private final Map<String, Counts> byKind = new TreeMap<>();

  /** Adds one played world. */
  public void add(World world, ScenarioScore score) {
    int falses = score.falseCandidates().size();
    double days = world.days();
    all.worlds++;
    all.falseCandidates += falses;
    all.days += days;
    List<String> kinds = new ArrayList<>();
    for (FaultKind k : world.incidentKinds()) {
      if (!kinds.contains(k.label())) {
        kinds.add(k.label());
      }
    }
    if (kinds.isEmpty()) {
      kinds.add(QUIET);
    }
    for (String k : kinds) {
      Counts c = byKind.computeIfAbsent(k, x -> new Counts());
      c.worlds++;
      c.falseCandidates += falses;
      c.days += days;
    }
    // The scorer orders incidents by fault start; the world lists kinds in file order.
    List<ExpectedIncident> inFileOrder = ScenarioReport.expectations(world.scenario());
    for (IncidentResult r : score.incidents()) {
      FaultKind kind = world.incidentKinds().get(inFileOrder.indexOf(r.expected()));
      count(all, r);
      count(byKind.get(kind.label()), r);
    }
  }

  private static void count(Counts c, IncidentResult r) {
    c.incidents++;
    c.top1 += r.rank() == 1 ? 1 : 0;
    c.top3 += r.rank() >= 1 && r.rank() <= 3 ? 1 : 0;
    c.missed += r.detected() ? 0 : 1;
    if (r.detected() && r.expected().openWithinMs() <= SUDDEN_MAX_OPEN_WITHIN_MS) {
      c.openSeconds.add(r.openDelayMs() / 1000.0);
    }
  }

  public int worlds() {
    return all.worlds;
  }

  /** One line per kind, then the summary line (always last). */
  public void print(PrintStream out) {
    for (Map.Entry<String, Counts> e : byKind.entrySet()) {
      out.println("kind=" + e.getKey() + " " + fields(e.getValue()));
    }
    out.println("bench=" + all.worlds + " " + fields(all));
  }

  private static String fields(Counts c) {
    return String.format(
        Locale.ROOT,
        "incidents=%d top1=%.3f top3=%.3f missed=%d false_candidates=%d false_per_day=%.3f"
            + " p95_open_s=%.0f",
        c.incidents,
        c.incidents == 0 ? Double.NaN : (double) c.top1 / c.incidents,
        c.incidents == 0 ? Double.NaN : (double) c.top3 / c.incidents,
        c.missed,
        c.falseCandidates,
        c.days == 0 ? Double.NaN : c.falseCandidates / c.days,
        p95(c.openSeconds));
  }

  private static double p95(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int rank = (int) Math.ceil(0.95 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
