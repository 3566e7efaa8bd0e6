package io.signalfold.correlation.internal;

import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rollout is often seen several times: announced on the change-events topic and derived from
 * telemetry once per instance that starts reporting the new {@code service.version}. Ranked one by
 * one they would fill the top of the list with the same cause and split its confidence. This merges
 * the sightings of a deploy or rollback of one service to one version that lie close in time into
 * one change: the announcement when there is one (else the earliest sighting), spanning the first
 * to the last sighting.
 */
final class Rollouts {

  /** Sightings further apart than this are separate rollouts (e.g. a re-deploy after a revert). */
  static final long SAME_ROLLOUT_GAP_MS = 30 * 60_000L;

  /** A merged rollout: the change that stands for it and the other sightings folded into it. */
  record Rollout(ChangeEvent change, List<ChangeEvent> alsoSeen) {}

  private Rollouts() {}

  /** The changes with each rollout's sightings merged; other changes unchanged, in time order. */
  static List<Rollout> merge(List<ChangeEvent> changes) {
    List<ChangeEvent> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparingLong(ChangeEvent::getTimestampMs));
    // runs in time order; a change that is no rollout is a run of its own
    List<List<ChangeEvent>> runs = new ArrayList<>();
    Map<String, List<ChangeEvent>> lastRunOf = new HashMap<>();
    for (ChangeEvent c : sorted) {
      String key = key(c);
      List<ChangeEvent> last = key == null ? null : lastRunOf.get(key);
      if (last != null && c.getTimestampMs() - latest(last) <= SAME_ROLLOUT_GAP_MS) {
        last.add(c);
        continue;
      }
      List<ChangeEvent> run = new ArrayList<>();
      run.add(c);
      runs.add(run);
      if (key != null) {
        lastRunOf.put(key, run);
      }
    }
    List<Rollout> out = new ArrayList<>(runs.size());
    for (List<ChangeEvent> run : runs) {
      out.add(fold(run));
    }
    return out;
  }

  private static Rollout fold(List<ChangeEvent> run) {
    if (run.size() == 1) {
      return new Rollout(run.get(0), List.of());
    }
    ChangeEvent rep = run.get(0);
    for (ChangeEvent c : run) {
      if (!c.getDerived()) {
        rep = c;
        break;
      }
    }
    long start = run.get(0).getTimestampMs(); // the run is in time order
    long end = latest(run);
    List<ChangeEvent> others = new ArrayList<>(run.size() - 1);
    for (ChangeEvent c : run) {
      if (c != rep) {
        others.add(c);
      }
    }
    boolean oneInstance = true;
    for (ChangeEvent c : others) {
      oneInstance &= Objects.equals(c.getInstance(), rep.getInstance());
    }
    long repEnd = rep.getRolloutEndMs() == null ? rep.getTimestampMs() : rep.getRolloutEndMs();
    if (start >= rep.getTimestampMs() && end <= repEnd && oneInstance) {
      return new Rollout(rep, List.copyOf(others));
    }
    // The actual rollout: from the first sighting (telemetry may show it before the announcement)
    // to the last instance seen on the new version.
    ChangeEvent merged =
        ChangeEvent.newBuilder(rep)
            .setTimestampMs(Math.min(start, rep.getTimestampMs()))
            .setRolloutEndMs(Math.max(end, repEnd))
            .setInstance(oneInstance ? rep.getInstance() : null) // a service-wide rollout
            .build();
    return new Rollout(merged, List.copyOf(others));
  }

  private static long latest(List<ChangeEvent> run) {
    long t = Long.MIN_VALUE;
    for (ChangeEvent c : run) {
      t = Math.max(t, c.getRolloutEndMs() == null ? c.getTimestampMs() : c.getRolloutEndMs());
    }
    return t;
  }

  private static String key(ChangeEvent c) {
    if ((c.getKind() != ChangeKind.DEPLOY && c.getKind() != ChangeKind.ROLLBACK)
        || c.getService() == null
        || c.getVersion() == null) {
      return null;
    }
    return c.getKind() + "|" + c.getService() + "|" + c.getVersion();
  }
}
