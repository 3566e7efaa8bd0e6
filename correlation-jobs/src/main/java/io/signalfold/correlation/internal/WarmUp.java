package io.signalfold.correlation.internal;

import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import java.util.List;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * Recognizes a CPU or GC spike on an instance that had just started (a deploy, rollback or scale of
 * its service, a restart of the instance, or a series with almost no history) as JIT and cache
 * warm-up rather than a fault.
 */
public final class WarmUp {

  private WarmUp() {}

  /** Could this signal be warm-up (ignoring how long it lasted)? Returns why, or null. */
  @Nullable
  public static String startedRecently(
      SignalState s, List<ChangeEvent> changes, List<SignalState> others, long warmupMs) {
    SignalCategory cat = SignalCategory.of(s.category);
    if (cat != SignalCategory.CPU && cat != SignalCategory.GC) {
      return null;
    }
    if (s.historyMs > 0 && s.historyMs < warmupMs) {
      return "its series has only "
          + HypothesisRanker.duration(s.historyMs)
          + " of history (a new instance)";
    }
    for (ChangeEvent c : changes) {
      ChangeKind k = c.getKind();
      if ((k == ChangeKind.DEPLOY || k == ChangeKind.ROLLBACK || k == ChangeKind.SCALE)
          && s.service != null
          && s.service.equals(c.getService())
          && c.getTimestampMs() <= s.onsetMs
          && s.onsetMs - c.getTimestampMs() <= warmupMs) {
        return "instance started by "
            + k.name().toLowerCase(Locale.ROOT)
            + " "
            + c.getId()
            + " "
            + HypothesisRanker.duration(s.onsetMs - c.getTimestampMs())
            + " before";
      }
    }
    for (SignalState r : others) {
      if (r.category == SignalCategory.RESTARTS.ordinal()
          && r.instance != null
          && r.instance.equals(s.instance)
          && r.onsetMs <= s.onsetMs
          && s.onsetMs - r.onsetMs <= warmupMs) {
        return "instance restarted "
            + HypothesisRanker.duration(s.onsetMs - r.onsetMs)
            + " before ("
            + r.id
            + ")";
      }
    }
    return null;
  }

  /** Warm-up: started recently and did not outlast the warm-up window (as of now). */
  @Nullable
  public static String explain(
      SignalState s, List<ChangeEvent> changes, List<SignalState> others, long warmupMs, long now) {
    boolean shortLived =
        (!s.active && s.recoveredMs - s.onsetMs <= warmupMs)
            || (s.active && now - s.onsetMs <= warmupMs);
    if (!shortLived) {
      return null;
    }
    String why = startedRecently(s, changes, others, warmupMs);
    return why == null ? null : why + ": warm-up (JIT, caches), not a fault";
  }
}
