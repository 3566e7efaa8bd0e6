package io.signalfold.correlation.internal;

import io.signalfold.correlation.RankingWeights;
import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import javax.annotation.Nullable;

/**
 * Where a change acted relative to the failure: the weight of its place in the call graph (zero
 * when it is nowhere near the failing services), why, and the node it acted on if that is
 * anomalous.
 */
final class ChangeLocation {

  final double weight;
  final String reason;
  @Nullable final Node node;

  private ChangeLocation(double weight, String reason, @Nullable Node node) {
    this.weight = weight;
    this.reason = reason;
    this.node = node;
  }

  static ChangeLocation of(RankingContext in, ChangeEvent c) {
    return switch (c.getKind()) {
      case MANUAL_SESSION -> ofSession(in.analysis, in.weights, c);
      case PERMISSION -> ofPermission(in.analysis, c);
      default -> ofService(in.analysis, in.weights, c);
    };
  }

  /**
   * A session acted on one host: located there when most metrics of its service are worst there.
   */
  private static ChangeLocation ofSession(CandidateAnalysis a, RankingWeights w, ChangeEvent c) {
    String svc = c.getService();
    String host = c.getInstance();
    if (host != null) {
      int[] share = MetricFamilies.worstOffShare(a, host);
      if (share[0] > 0) {
        return new ChangeLocation(
            w.get(Weight.LOCATION_ROOT) * Math.max(0.5, (double) share[0] / share[1]),
            share[0] + " of " + share[1] + " metrics of its service are worst on host " + host,
            svc == null ? null : a.nodes.get(svc));
      }
    }
    Node n = svc == null ? null : a.nodes.get(svc);
    if (n != null) {
      return new ChangeLocation(
          0.4 * a.locationWeight(n),
          "session on " + svc + " but not on one of its anomalous hosts",
          n);
    }
    return new ChangeLocation(0, "host " + host + " and its service show no anomaly", null);
  }

  /** A permission acts on the resource it guards, seen failing through its callers. */
  private static ChangeLocation ofPermission(CandidateAnalysis a, ChangeEvent c) {
    String svc = c.getService();
    String res = c.getResourceName();
    Node r = res == null ? null : a.nodes.get(res);
    if (r != null) {
      return new ChangeLocation(
          a.locationWeight(r), res + " is failing for its callers (" + r.roleReason + ")", r);
    }
    Node n = svc == null ? null : a.nodes.get(svc);
    if (n != null) {
      return new ChangeLocation(a.locationWeight(n), n.roleReason, n);
    }
    return new ChangeLocation(
        0, (res == null ? svc : res) + " shows no anomaly and no failing call reaches it", null);
  }

  private static ChangeLocation ofService(CandidateAnalysis a, RankingWeights w, ChangeEvent c) {
    String svc = c.getService();
    if (svc == null) {
      return c.getKind() == ChangeKind.CONFIG || c.getKind() == ChangeKind.FEATURE_FLAG
          ? new ChangeLocation(
              w.get(Weight.LOCATION_NEIGHBOUR), "change not scoped to a service", null)
          : new ChangeLocation(0, "change names no service", null);
    }
    Node n = a.nodes.get(svc);
    if (n != null) {
      return new ChangeLocation(a.locationWeight(n), svc + ": " + n.roleReason, n);
    }
    if (a.isNeighbourOfFailure(svc)) {
      return new ChangeLocation(
          w.get(Weight.LOCATION_NEIGHBOUR),
          svc + " is called by failing services but shows no anomaly itself",
          null);
    }
    return new ChangeLocation(
        0,
        svc + " shows no anomaly and is not connected to the failing services as of onset",
        null);
  }

  /** Whether a change concerns an entity of the candidate (for ruled-out bookkeeping). */
  static boolean touches(CandidateAnalysis a, ChangeEvent c) {
    if (c.getService() != null && a.nodes.containsKey(c.getService())) {
      return true;
    }
    if (c.getResourceName() != null && a.nodes.containsKey(c.getResourceName())) {
      return true;
    }
    if (c.getInstance() != null) {
      for (SignalState s : a.members) {
        if (c.getInstance().equals(s.instance)) {
          return true;
        }
      }
    }
    return false;
  }
}
