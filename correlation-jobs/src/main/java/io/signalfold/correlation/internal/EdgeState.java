package io.signalfold.correlation.internal;

/**
 * One caller -> callee edge of the topology with the intervals in which it was present, so the
 * graph can be queried "as of" a past time. Public mutable fields: keyed state (Flink POJO).
 */
public final class EdgeState {

  public String caller;
  public String callee;

  /** DependencyKind ordinal of the callee. */
  public int calleeKind;

  public String calleeSystem;

  /** Presence intervals [start0, end0, start1, end1, ...], oldest first, bounded. */
  public long[] presence = new long[0];

  public double lastCalls;
  public double lastErrors;
  public long lastIntervalEndMs;
  public String[] sampleTraceIds = new String[0];

  public EdgeState() {}

  public long lastSeenMs() {
    return presence.length == 0 ? Long.MIN_VALUE : presence[presence.length - 1];
  }

  public long firstSeenMs() {
    return presence.length == 0 ? Long.MIN_VALUE : presence[0];
  }

  /** Present at t: inside an interval, or less than expiry after its end. */
  public boolean presentAt(long t, long expiryMs) {
    for (int i = 0; i + 1 < presence.length; i += 2) {
      if (presence[i] <= t && t <= presence[i + 1] + expiryMs) {
        return true;
      }
    }
    return false;
  }
}
