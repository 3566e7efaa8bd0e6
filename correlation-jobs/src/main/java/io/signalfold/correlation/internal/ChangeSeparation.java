package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * Whether a change rolled out after an older candidate began, and before a new onset, separates the
 * new signals from it: failures in waves, each after its own deploy, are separate incidents, and
 * the second must not be judged against the first one's onset.
 *
 * <p>After the older one went quiet, the change must be on a service that fails on its own in the
 * new group (not one that only inherits, such as a decoy deploy of a caller) and that did not
 * already fail on its own in the older candidate (scaling a scaled-down service back up is that
 * incident's mitigation, not a new one). While the older one is still active, its signals from
 * before the change count: the change's service must appear in the new group, must not have failed
 * in the older one, and must not call anything the older one had made anomalous, so a caller
 * inheriting the older incident's errors never splits it, unless the change's service shows the
 * change's own signature within the join window after it ({@link #showsOwnSignature}): what a
 * caller inherits from its callees does not start with its own change and does not pick the host
 * the change touched. Merges (not rollouts), rollbacks and planned activity never separate, and a
 * rollout counts from its first sighting ({@link Rollouts}): instances reaching a version whose
 * rollout began before the older candidate do not separate.
 */
public final class ChangeSeparation {

  private ChangeSeparation() {}

  /**
   * The changes as {@link #separates} judges them: one rollout seen several times (announced, then
   * each instance reporting the new version) is one change from its first sighting. Compute it once
   * per set of changes, not per call.
   */
  public static List<ChangeEvent> rollouts(List<ChangeEvent> changes) {
    List<ChangeEvent> out = new ArrayList<>();
    for (Rollouts.Rollout r : Rollouts.merge(changes)) {
      out.add(r.change());
    }
    return out;
  }

  /**
   * @param rollouts the known changes merged by {@link #rollouts}
   * @param olderMembers the older candidate's signals, asked for at most once and only when a
   *     change falls in the window (they come from keyed state)
   * @param known every signal the engine holds, asked for at most once and only when a change's
   *     service calls what already failed (a signature may have joined another group already)
   */
  public static boolean separates(
      CorrelationConfig config,
      Topology topology,
      List<ChangeEvent> rollouts,
      CandidateState older,
      Supplier<List<SignalState>> olderMembers,
      Supplier<List<SignalState>> known,
      List<SignalState> signals,
      long onset) {
    List<SignalState> all = null;
    CandidateAnalysis fresh = null;
    CandidateAnalysis before = null;
    CandidateAnalysis together = null;
    List<SignalState> om = null;
    // An instance that reaches a version after the older candidate began continues that version's
    // rollout (merged from its first sighting), it is not a new change.
    for (ChangeEvent ch : rollouts) {
      ChangeKind k = ch.getKind();
      long t = ch.getTimestampMs();
      if (k == ChangeKind.MERGE
          || k == ChangeKind.ROLLBACK
          || k == ChangeKind.PLANNED_ACTIVITY
          || t <= older.onsetMs
          || t > onset) {
        continue;
      }
      String target = ch.getService() != null ? ch.getService() : ch.getResourceName();
      if (fresh == null) {
        fresh = new CandidateAnalysis(config, signals, topology, onset);
      }
      if (t > older.lastActivityMs
          ? !failsOnItsOwn(fresh, target)
          : fresh.node(target, false) == null) {
        continue;
      }
      if (om == null) {
        om = olderMembers.get();
      }
      if (t > older.lastActivityMs) {
        if (before == null) {
          before = new CandidateAnalysis(config, om, topology, older.onsetMs);
        }
        if (!failsOnItsOwn(before, target)) {
          return true;
        }
        continue;
      }
      // The older incident is still active. What it showed before the change counts (signals
      // that joined it since may be the change's own doing, such as a caller's errors calling the
      // newly deployed service): the change's service must not have failed in it, and must not
      // call anything it had made anomalous (then it would inherit those failures, a service
      // deployed by chance meanwhile).
      CandidateAnalysis until =
          new CandidateAnalysis(config, startedBefore(om, t), topology, older.onsetMs);
      if (failsOnItsOwn(until, target)) {
        continue;
      }
      if (together == null) {
        List<SignalState> union = new ArrayList<>(om);
        union.addAll(signals);
        together = new CandidateAnalysis(config, union, topology, older.onsetMs);
      }
      if (!callsWhatFailedBefore(together, target, until, t)) {
        return true;
      }
      if (all == null) {
        all = new ArrayList<>(signals);
        all.addAll(known.get());
      }
      if (target != null && showsOwnSignature(ch, target, all, older.id, config.joinWindowMs())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code target} shows, within {@code windowMs} after change {@code ch} was rolled out,
   * what the change itself would show and an inherited failure would not: a log template never seen
   * before on the service itself (the ranker counts the same as direct evidence for the change),
   * or, for a session on one host, failures of that host's own requests while no other instance of
   * the service fails in that window (a callee's failure reaches every caller instance alike).
   * Signals already in the older candidate {@code olderId} do not count: then it is that change's
   * incident itself, such as a deploy's failures joined to a blip just before it.
   */
  static boolean showsOwnSignature(
      ChangeEvent ch, String target, List<SignalState> signals, String olderId, long windowMs) {
    long from = ch.getTimestampMs();
    long until =
        (ch.getRolloutEndMs() == null ? from : Math.max(from, ch.getRolloutEndMs())) + windowMs;
    String host = ch.getKind() == ChangeKind.MANUAL_SESSION ? ch.getInstance() : null;
    int hostFails = 0; // SignalCategory bits
    int othersFail = 0;
    for (SignalState s : signals) {
      if (!target.equals(s.service)
          || s.peer != null
          || s.onsetMs < from
          || s.onsetMs > until
          || olderId.equals(s.candidateId)) {
        continue;
      }
      SignalCategory cat = SignalCategory.of(s.category);
      if (cat == SignalCategory.LOG && "NEW_LOG_TEMPLATE".equals(s.anomalyKind)) {
        return true;
      }
      if (host != null
          && s.instance != null
          && (cat == SignalCategory.ERRORS || cat == SignalCategory.LATENCY)) {
        if (host.equals(s.instance)) {
          hostFails |= 1 << cat.ordinal();
        } else {
          othersFail |= 1 << cat.ordinal();
        }
      }
    }
    return (hostFails & ~othersFail) != 0;
  }

  private static List<SignalState> startedBefore(List<SignalState> members, long t) {
    List<SignalState> earlier = new ArrayList<>();
    for (SignalState m : members) {
      if (m.onsetMs < t) {
        earlier.add(m);
      }
    }
    return earlier;
  }

  /**
   * Whether {@code entity} calls, in {@code a}, a node that was already anomalous in {@code older}
   * before the change at {@code changeMs} (what fails only after it may be the change's own doing).
   */
  private static boolean callsWhatFailedBefore(
      CandidateAnalysis a, @Nullable String entity, CandidateAnalysis older, long changeMs) {
    CandidateAnalysis.Node n = a.node(entity, false);
    if (n == null) {
      return true;
    }
    for (String callee : n.anomalousCallees) {
      CandidateAnalysis.Node before = older.nodes.get(callee);
      if (before != null && before.onsetMs < changeMs) {
        return true;
      }
    }
    return false;
  }

  private static boolean failsOnItsOwn(CandidateAnalysis a, @Nullable String entity) {
    CandidateAnalysis.Node n = a.node(entity, false);
    return n != null && n.role != CandidateAnalysis.INHERITOR;
  }
}
