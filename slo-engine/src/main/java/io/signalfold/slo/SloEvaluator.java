package io.signalfold.slo;

import io.signalfold.schema.AlertState;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloState;
import io.signalfold.schema.SloStatus;
import io.signalfold.slo.internal.CompiledSlo;
import io.signalfold.slo.internal.EvaluatorState;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The evaluation core of one SLO (one group of it): error budget, bucketed windows, multiwindow
 * burn-rate rules with hysteresis, budget-consumed alerts. Plain Java: the Flink stage, the {@code
 * slo-eval} command, the Prometheus conformance test and the JMH benchmark all run this class.
 *
 * <p>Design note. Burn rates follow the Google SRE workbook ("Alerting on SLOs", multiwindow,
 * multi-burn-rate alerts): {@code burn = (bad/total over a window) / (1 - objective)}, and a rule
 * fires when both its long and short window exceed its threshold. Windows are sums of fixed-width
 * time buckets held in rings (a fine ring at e.g. 1 minute spanning the longest alert window, a
 * coarse ring at e.g. 1 hour spanning the SLO window), so a 30-day SLO costs a bounded, fixed
 * amount of memory. Evaluation mirrors a Prometheus rule evaluation at the same instant: a window
 * of length w evaluated at t covers events stamped in (t - w, t] (a closed range selector over
 * counters sampled at the bucket ends takes exactly the increase between the samples at t - w and
 * t); the alert state machine is Prometheus's (pending for {@code for}, firing, {@code
 * keep_firing_for}); the value hysteresis is what a rule {@code expr or (hold_expr and on()
 * ALERTS{alertstate="firing"})} computes. The conformance test runs both on the same series.
 *
 * <p>Usage: {@link #record} each interval's counts (stamped with the interval's end, in any order
 * within the allowed lateness), {@link #evaluate} at instants in event time order (the stage does
 * so at each fine bucket end that received data and at the status cadence; {@code slo-eval} after
 * each CSV row). Outputs go to an {@link Output}: SloStatus at the configured cadence and on every
 * change, SloBurnAlert on transitions only. Not thread-safe.
 */
public final class SloEvaluator {

  /** Receives what an evaluation produces. */
  public interface Output {
    void status(SloStatus status);

    void alert(SloBurnAlert alert);
  }

  /** What {@link #record} did with an interval's counts. */
  public enum Recorded {
    ACCEPTED,
    /** Older than the last evaluation minus the allowed lateness: counted, not added. */
    LATE,
    /** Negative or not finite: not added (the stage counts these in a metric). */
    INVALID
  }

  private static final char GROUP_SEPARATOR = '\u001f';

  private final CompiledSlo c;
  private EvaluatorState s;
  private final double[] winBad;
  private final double[] winTotal;
  private double sumBad;
  private double sumTotal;

  private SloEvaluator(CompiledSlo compiled, EvaluatorState state) {
    this.c = compiled;
    this.s = state;
    this.winBad = new double[compiled.windowBuckets.length];
    this.winTotal = new double[compiled.windowBuckets.length];
  }

  /** An evaluator for an ungrouped SLO, buckets aligned to the Unix epoch. */
  public static SloEvaluator create(SloDefinition slo, SloConfig config) {
    return create(slo, Map.of(), config, 0L);
  }

  /**
   * An evaluator for one group of an SLO.
   *
   * @param groupLabels the group's values ({@code zone -> az-1}), empty when ungrouped
   * @param originMs bucket boundaries fall on {@code originMs + k * resolution}; 0 for the epoch
   */
  public static SloEvaluator create(
      SloDefinition slo, Map<String, String> groupLabels, SloConfig config, long originMs) {
    CompiledSlo compiled = CompiledSlo.compile(slo, config, originMs);
    return new SloEvaluator(compiled, compiled.newState(groupKey(groupLabels)));
  }

  /** Binds a compiled SLO to existing state (the Flink operator's keyed state). */
  public static SloEvaluator of(CompiledSlo compiled, EvaluatorState state) {
    return new SloEvaluator(compiled, Objects.requireNonNull(state, "state"));
  }

  /** Switches this evaluator to another state of the same compiled SLO (no allocation). */
  public void bind(EvaluatorState state) {
    this.s = state;
  }

  /** The state this evaluator updates. */
  public EvaluatorState state() {
    return s;
  }

  /** The SLO being evaluated. */
  public SloDefinition definition() {
    return c.definition;
  }

  /** Canonical text of group labels, the inverse of {@link #groupLabels(String)}. */
  public static String groupKey(Map<String, String> groupLabels) {
    if (groupLabels.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    groupLabels.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              if (b.length() > 0) {
                b.append(GROUP_SEPARATOR);
              }
              b.append(e.getKey()).append('=').append(e.getValue());
            });
    return b.toString();
  }

  /** Parses a {@link #groupKey(Map)}. */
  public static Map<String, String> groupLabels(String groupKey) {
    Map<String, String> m = new LinkedHashMap<>();
    if (groupKey == null || groupKey.isEmpty()) {
      return m;
    }
    int start = 0;
    while (start <= groupKey.length()) {
      int end = groupKey.indexOf(GROUP_SEPARATOR, start);
      if (end < 0) {
        end = groupKey.length();
      }
      String pair = groupKey.substring(start, end);
      int eq = pair.indexOf('=');
      m.put(pair.substring(0, eq), pair.substring(eq + 1));
      start = end + 1;
    }
    return m;
  }

  /**
   * Adds one interval's counts, stamped with the interval's end (event time). Recording never
   * evaluates, except when the data runs more than {@code maxLead} past the last evaluation: the
   * instants in between are then evaluated first, into {@code out} (see {@link SloConfig}).
   */
  public Recorded record(long eventTimeMs, double good, double total, Output out) {
    if (!(good >= 0) || !(total >= 0) || Double.isInfinite(good) || Double.isInfinite(total)) {
      return Recorded.INVALID;
    }
    return add(eventTimeMs, total - good, total, out);
  }

  /**
   * Adds a contribution of bad and total events. Either may be zero and {@code bad} may be
   * negative: the good side of a ratio arriving on its own is {@code (-good, 0)}, its total side
   * {@code (total, total)}; {@code bad = total - good} adds up across them.
   */
  public Recorded recordContribution(long eventTimeMs, double bad, double total, Output out) {
    if (!(total >= 0) || Double.isInfinite(total) || Double.isNaN(bad) || Double.isInfinite(bad)) {
      return Recorded.INVALID;
    }
    return add(eventTimeMs, bad, total, out);
  }

  private Recorded add(long eventTimeMs, double bad, double total, Output out) {
    EvaluatorState st = s;
    if (st.lastEvalMs != EvaluatorState.NONE && eventTimeMs <= st.lastEvalMs - c.latenessMs) {
      st.lateEvents++;
      return Recorded.LATE;
    }
    long k = c.fineIndex(eventTimeMs);
    if (st.evalBucket == EvaluatorState.NONE) {
      st.evalBucket = k - 1;
    }
    makeRoom(k, eventTimeMs, out);
    if (st.fineHead != EvaluatorState.NONE && k <= st.fineHead - st.fineBad.length) {
      st.lateEvents++;
      return Recorded.LATE;
    }
    addFine(k, bad, total);
    if (!c.statusFromFine) {
      addCoarse(c.coarseIndex(eventTimeMs), bad, total);
    }
    if (eventTimeMs > st.lastDataMs) {
      st.lastDataMs = eventTimeMs;
    }
    return Recorded.ACCEPTED;
  }

  /**
   * Makes the rings hold everything from what the next evaluation needs up to bucket {@code k}:
   * they grow while data runs ahead of evaluation (records of one group arriving over several
   * channels, replays between watermarks), up to {@code maxLead}; beyond that, the instants in
   * between are evaluated first (data older than them minus the allowed lateness is then late).
   */
  private void makeRoom(long k, long eventTimeMs, Output out) {
    EvaluatorState st = s;
    long newest = st.fineHead == EvaluatorState.NONE ? k : Math.max(st.fineHead, k);
    long fineNeed = newest - st.evalBucket + c.fineCore;
    if (fineNeed > c.maxFineSize) {
      long target = newest - (c.maxFineSize - c.fineCore);
      for (long b = st.evalBucket + 1; b <= target; b++) {
        evaluateBucket(c.originMs + b * c.fineMs, b, out);
      }
      fineNeed = newest - st.evalBucket + c.fineCore;
    }
    if (fineNeed > st.fineBad.length) {
      int grown = (int) Math.min(c.maxFineSize, Math.max(fineNeed, st.fineBad.length * 3L / 2));
      st.resizeFine(grown);
    }
    if (!c.statusFromFine) {
      long kc = c.coarseIndex(eventTimeMs);
      long newestC = st.coarseHead == EvaluatorState.NONE ? kc : Math.max(st.coarseHead, kc);
      long evalC = c.coarseIndex(c.originMs + st.evalBucket * c.fineMs);
      long coarseNeed = Math.min(c.maxCoarseSize, newestC - evalC + c.coarseCore);
      if (coarseNeed > st.coarseBad.length) {
        int grown =
            (int) Math.min(c.maxCoarseSize, Math.max(coarseNeed, st.coarseBad.length * 3L / 2));
        st.resizeCoarse(grown);
      }
    }
  }

  /** Shrinks rings grown by {@link #makeRoom} once the evaluation has caught up. */
  private void shrinkIfCaughtUp(long e) {
    EvaluatorState st = s;
    if (st.fineBad.length > c.fineSize
        && (st.fineHead == EvaluatorState.NONE || st.fineHead - e + c.fineCore <= c.fineSize)) {
      st.resizeFine(c.fineSize);
    }
    if (st.coarseBad.length > c.coarseSize) {
      long evalC = c.coarseIndex(c.originMs + e * c.fineMs);
      if (st.coarseHead == EvaluatorState.NONE
          || st.coarseHead - evalC + c.coarseCore <= c.coarseSize) {
        st.resizeCoarse(c.coarseSize);
      }
    }
  }

  /**
   * Evaluates at {@code timeMs} (rounded up to the end of its fine bucket). Instants before the
   * last evaluation are ignored: evaluation only moves forward in event time.
   */
  public void evaluate(long timeMs, Output out) {
    if (s.lastEvalMs != EvaluatorState.NONE && timeMs < s.lastEvalMs) {
      return;
    }
    long e = c.fineIndex(timeMs);
    evaluateBucket(timeMs, e, out);
  }

  /** The status at {@code timeMs} without changing any state (for reports and the CLI). */
  public SloStatus statusAt(long timeMs) {
    long e = c.fineIndex(timeMs);
    sumWindows(e);
    sumStatusWindow(e);
    return buildStatus(timeMs, sumBad, sumTotal, stateOf(sumBad, sumTotal));
  }

  /**
   * Heap bytes of this evaluator's state (arrays and fields, object headers included): the memory
   * one SLO group costs. Fixed by the configuration, independent of traffic.
   */
  public long retainedBytes() {
    return s.retainedBytes();
  }

  /** Events dropped because they arrived beyond the allowed lateness. */
  public long lateEventsIgnored() {
    return s.lateEvents;
  }

  /**
   * True when the state holds nothing that matters any more at {@code timeMs}: no data inside any
   * window and no alert pending or firing. The stage then drops the state.
   */
  public boolean isIdle(long timeMs) {
    return !s.anyActive()
        && (s.lastDataMs == EvaluatorState.NONE || timeMs - s.lastDataMs > c.idleAfterMs);
  }

  // ---------------------------------------------------------------------------------------------

  private void evaluateBucket(long t, long e, Output out) {
    EvaluatorState st = s;
    sumWindows(e);
    sumStatusWindow(e);
    double bad = sumBad;
    double total = sumTotal;
    boolean transition = false;

    for (int i = 0; i < c.ruleCount; i++) {
      int li = windowIndex(c.ruleLong[i]);
      int si = windowIndex(c.ruleShort[i]);
      double ratioL = winBad[li] / winTotal[li];
      double ratioS = winBad[si] / winTotal[si];
      // NaN (no events) compares false, as in PromQL.
      boolean fire = ratioL > c.ruleFireRatio[i] && ratioS > c.ruleFireRatio[i];
      boolean hold =
          st.ruleState[i] == EvaluatorState.FIRING
              && ratioL > c.ruleHoldRatio[i]
              && ratioS > c.ruleHoldRatio[i];
      int change = step(i, fire || hold, t, c.ruleForMs[i]);
      if (change != 0) {
        transition = true;
        out.alert(burnAlert(i, t, change > 0, ratioL, ratioS, bad, total));
      }
    }
    double consumed = total > 0 ? bad / (total * c.budget) : 0.0;
    for (int j = 0; j < c.budgetRuleCount; j++) {
      int i = c.ruleCount + j;
      boolean fire = total >= c.budgetAlertMinEvents && consumed >= c.budgetFraction[j];
      boolean hold =
          st.ruleState[i] == EvaluatorState.FIRING
              && consumed >= c.budgetFraction[j] * c.budgetResolveRatio;
      int change = step(i, fire || hold, t, 0L);
      if (change != 0) {
        transition = true;
        out.alert(budgetAlert(j, t, change > 0, bad, total));
      }
    }

    SloState state = stateOf(bad, total);
    byte code = (byte) state.ordinal();
    if (transition
        || code != st.lastStatus
        || st.nextStatusMs == EvaluatorState.NONE
        || t >= st.nextStatusMs) {
      out.status(buildStatus(t, bad, total, state));
      st.lastStatus = code;
      st.nextStatusMs = (Math.floorDiv(t, c.statusIntervalMs) + 1) * c.statusIntervalMs;
    }
    st.evalBucket = e;
    st.lastEvalMs = t;
    shrinkIfCaughtUp(e);
  }

  /**
   * Prometheus's alert state machine for one rule: +1 when it starts firing, -1 when it resolves, 0
   * otherwise.
   */
  private int step(int i, boolean active, long t, long forMs) {
    EvaluatorState st = s;
    if (active) {
      st.keepFiringSinceMs[i] = EvaluatorState.NONE;
      if (st.ruleState[i] == EvaluatorState.INACTIVE) {
        st.ruleState[i] = EvaluatorState.PENDING;
        st.activeSinceMs[i] = t;
      }
      if (st.ruleState[i] == EvaluatorState.PENDING && t - st.activeSinceMs[i] >= forMs) {
        st.ruleState[i] = EvaluatorState.FIRING;
        st.firingSinceMs[i] = t;
        return 1;
      }
      return 0;
    }
    if (st.ruleState[i] == EvaluatorState.FIRING) {
      if (c.keepFiringForMs > 0 && i < c.ruleCount) {
        if (st.keepFiringSinceMs[i] == EvaluatorState.NONE) {
          st.keepFiringSinceMs[i] = t;
        }
        if (t - st.keepFiringSinceMs[i] < c.keepFiringForMs) {
          return 0;
        }
      }
      st.ruleState[i] = EvaluatorState.INACTIVE;
      st.keepFiringSinceMs[i] = EvaluatorState.NONE;
      st.activeSinceMs[i] = EvaluatorState.NONE;
      return -1;
    }
    st.ruleState[i] = EvaluatorState.INACTIVE;
    st.activeSinceMs[i] = EvaluatorState.NONE;
    return 0;
  }

  private int windowIndex(int buckets) {
    int[] w = c.windowBuckets;
    for (int i = 0; i < w.length; i++) {
      if (w[i] == buckets) {
        return i;
      }
    }
    throw new IllegalStateException("window not compiled: " + buckets);
  }

  private SloState stateOf(double bad, double total) {
    double allowed = total * c.budget;
    if (total > 0 && bad > allowed) {
      return SloState.BREACHED;
    }
    double remaining = total > 0 ? 1.0 - bad / allowed : 1.0;
    if (remaining < c.warningBudgetRemaining) {
      return SloState.WARNING;
    }
    for (int i = 0; i < c.ruleCount; i++) {
      if (s.ruleState[i] == EvaluatorState.FIRING) {
        return SloState.WARNING;
      }
    }
    return SloState.OK;
  }

  /** Sums every alert window ending at fine bucket {@code e} into winBad/winTotal. */
  private void sumWindows(long e) {
    int[] w = c.windowBuckets;
    double bad = 0;
    double total = 0;
    long done = e; // buckets (done, e] are summed
    for (int i = 0; i < w.length; i++) {
      long from = e - w[i] + 1;
      sumRange(from, done);
      bad += sumBad;
      total += sumTotal;
      winBad[i] = bad;
      winTotal[i] = total;
      done = from - 1;
    }
  }

  /**
   * Sums fine buckets {@code [lo, hi]} into sumBad/sumTotal. Whole coarse buckets inside the range
   * are taken from the coarse ring, which holds exactly the sums of the same fine buckets (same
   * origin; coarse bucket K spans fine buckets ((K-1)m, Km]), so a 3-day window costs about 72
   * coarse reads plus two partial hours instead of 4320 fine reads.
   */
  private void sumRange(long lo, long hi) {
    int m = c.finePerCoarse;
    if (c.statusFromFine || hi - lo + 1 < 2L * m || s.coarseHead == EvaluatorState.NONE) {
      sumFine(lo, hi);
      return;
    }
    long ka = Math.floorDiv(lo - 1 + m - 1, m) + 1; // first coarse bucket starting at or after lo
    long kb = Math.floorDiv(hi, m); // last coarse bucket ending at or before hi
    if (ka > kb || ka <= s.coarseHead - s.coarseBad.length) {
      sumFine(lo, hi);
      return;
    }
    sumFine(lo, (ka - 1) * m);
    double bad = sumBad;
    double total = sumTotal;
    sumFine(kb * m + 1, hi);
    bad += sumBad;
    total += sumTotal;
    long top = Math.min(kb, s.coarseHead);
    if (ka <= top) {
      int n = s.coarseBad.length;
      int p = (int) Math.floorMod(ka, (long) n);
      double[] cb = s.coarseBad;
      double[] ct = s.coarseTotal;
      for (long k = ka; k <= top; k++) {
        bad += cb[p];
        total += ct[p];
        if (++p == n) {
          p = 0;
        }
      }
    }
    sumBad = bad;
    sumTotal = total;
  }

  /** Sums the SLO window ending at fine bucket {@code e} into sumBad/sumTotal. */
  private void sumStatusWindow(long e) {
    long end = c.originMs + e * c.fineMs;
    long start = c.definition.window().startMs(end);
    if (c.statusFromFine) {
      sumFine(Math.floorDiv(start - c.originMs, c.fineMs) + 1, e);
      return;
    }
    long coarseE = c.coarseIndex(end);
    long coarseStart = c.originMs + (coarseE - 1) * c.coarseMs;
    if (start >= coarseStart) {
      sumFine(Math.floorDiv(start - c.originMs, c.fineMs) + 1, e);
      return;
    }
    sumFine(Math.floorDiv(coarseStart - c.originMs, c.fineMs) + 1, e);
    double bad = sumBad;
    double total = sumTotal;
    long ks = Math.floorDiv(start - c.originMs, c.coarseMs) + 1;
    // The bucket holding the window's far edge counts pro rata (see SloConfig.coarseResolution).
    double fraction = (double) (c.originMs + ks * c.coarseMs - start) / c.coarseMs;
    long lo = Math.max(ks, s.coarseHead - s.coarseBad.length + 1);
    long hi = Math.min(coarseE - 1, s.coarseHead);
    if (s.coarseHead != EvaluatorState.NONE && lo <= hi) {
      int n = s.coarseBad.length;
      int p = (int) Math.floorMod(lo, (long) n);
      double[] cb = s.coarseBad;
      double[] ct = s.coarseTotal;
      for (long k = lo; k <= hi; k++) {
        double f = k == ks ? fraction : 1.0;
        bad += f * cb[p];
        total += f * ct[p];
        if (++p == n) {
          p = 0;
        }
      }
    }
    sumBad = bad;
    sumTotal = total;
  }

  /** Sums fine buckets {@code [from, to]} (clamped to what the ring holds) into sumBad/sumTotal. */
  private void sumFine(long from, long to) {
    double bad = 0;
    double total = 0;
    EvaluatorState st = s;
    if (st.fineHead != EvaluatorState.NONE) {
      long lo = Math.max(from, st.fineHead - st.fineBad.length + 1);
      long hi = Math.min(to, st.fineHead);
      if (lo <= hi) {
        int n = st.fineBad.length;
        int p = (int) Math.floorMod(lo, (long) n);
        float[] fb = st.fineBad;
        float[] ft = st.fineTotal;
        for (long k = lo; k <= hi; k++) {
          bad += fb[p];
          total += ft[p];
          if (++p == n) {
            p = 0;
          }
        }
      }
    }
    sumBad = bad;
    sumTotal = total;
  }

  private void addFine(long k, double bad, double total) {
    EvaluatorState st = s;
    int n = st.fineBad.length;
    if (st.fineHead == EvaluatorState.NONE) {
      st.fineHead = k;
    } else if (k > st.fineHead) {
      if (k - st.fineHead >= n) {
        Arrays.fill(st.fineBad, 0f);
        Arrays.fill(st.fineTotal, 0f);
      } else {
        for (long b = st.fineHead + 1; b <= k; b++) {
          int p = (int) Math.floorMod(b, (long) n);
          st.fineBad[p] = 0f;
          st.fineTotal[p] = 0f;
        }
      }
      st.fineHead = k;
    }
    int p = (int) Math.floorMod(k, (long) n);
    st.fineBad[p] += (float) bad;
    st.fineTotal[p] += (float) total;
  }

  private void addCoarse(long k, double bad, double total) {
    EvaluatorState st = s;
    int n = st.coarseBad.length;
    if (st.coarseHead == EvaluatorState.NONE) {
      st.coarseHead = k;
    } else if (k > st.coarseHead) {
      if (k - st.coarseHead >= n) {
        Arrays.fill(st.coarseBad, 0d);
        Arrays.fill(st.coarseTotal, 0d);
      } else {
        for (long b = st.coarseHead + 1; b <= k; b++) {
          int p = (int) Math.floorMod(b, (long) n);
          st.coarseBad[p] = 0d;
          st.coarseTotal[p] = 0d;
        }
      }
      st.coarseHead = k;
    } else if (k <= st.coarseHead - n) {
      return;
    }
    int p = (int) Math.floorMod(k, (long) n);
    st.coarseBad[p] += bad;
    st.coarseTotal[p] += total;
  }

  // ---------------------------------------------------------------------------------------------
  // Records

  private Map<String, String> labels() {
    Map<String, String> m = new LinkedHashMap<>(c.definition.labels());
    m.putAll(groupLabels(s.groupKey));
    return m;
  }

  private SloStatus buildStatus(long t, double bad, double total, SloState state) {
    Map<String, Double> burns = new LinkedHashMap<>();
    for (int i = 0; i < c.windowBuckets.length; i++) {
      if (winTotal[i] > 0) {
        burns.put(c.windowLabels[i], winBad[i] / winTotal[i] / c.budget);
      }
    }
    double allowed = total * c.budget;
    return SloStatus.newBuilder()
        .setSlo(c.definition.name())
        .setService(c.definition.service())
        .setLabels(labels())
        .setTimestampMs(t)
        .setWindowMs(c.definition.window().nominalLength().toMillis())
        .setCalendarAligned(c.definition.window().isCalendarAligned())
        .setObjective(c.definition.objective())
        .setGoodEvents(total - bad)
        .setTotalEvents(total)
        .setSliAttained(total > 0 ? (total - bad) / total : null)
        .setBudgetRemainingFraction(total > 0 ? 1.0 - bad / allowed : 1.0)
        .setBudgetRemainingEvents(allowed - bad)
        .setStatus(state)
        .setBurnRates(burns)
        .setLateEventsIgnored(s.lateEvents)
        .build();
  }

  private SloBurnAlert burnAlert(
      int i, long t, boolean firing, double ratioL, double ratioS, double bad, double total) {
    double burnL = Double.isNaN(ratioL) ? 0.0 : ratioL / c.budget;
    double burnS = Double.isNaN(ratioS) ? 0.0 : ratioS / c.budget;
    String text =
        String.format(
            Locale.ROOT,
            "%s %s: error budget burning %.2fx over %s and %.2fx over %s (threshold %.2fx)",
            c.definition.name(),
            firing ? "firing" : "resolved",
            burnL,
            windowLabel(c.ruleLong[i]),
            burnS,
            windowLabel(c.ruleShort[i]),
            c.ruleBurnRate[i]);
    return SloBurnAlert.newBuilder()
        .setId(alertId(c.ruleNames[i], s.firingSinceMs[i]))
        .setSlo(c.definition.name())
        .setService(c.definition.service())
        .setLabels(labels())
        .setTimestampMs(t)
        .setFiringSinceMs(s.firingSinceMs[i])
        .setAlertKind(SloAlertKind.BURN_RATE)
        .setSeverity(c.ruleSeverity[i])
        .setState(firing ? AlertState.FIRING : AlertState.RESOLVED)
        .setObjective(c.definition.objective())
        .setLongWindowMs(c.ruleLongMs[i])
        .setShortWindowMs(c.ruleShortMs[i])
        .setBurnRateThreshold(c.ruleBurnRate[i])
        .setBurnLong(burnL)
        .setBurnShort(burnS)
        .setBudgetRemainingFraction(total > 0 ? 1.0 - bad / (total * c.budget) : 1.0)
        .setDescription(text)
        .build();
  }

  private SloBurnAlert budgetAlert(int j, long t, boolean firing, double bad, double total) {
    int i = c.ruleCount + j;
    double remaining = total > 0 ? 1.0 - bad / (total * c.budget) : 1.0;
    String text =
        String.format(
            Locale.ROOT,
            "%s %s: %.1f%% of the error budget spent (alert at %.0f%%)",
            c.definition.name(),
            firing ? "firing" : "resolved",
            (1.0 - remaining) * 100,
            c.budgetFraction[j] * 100);
    return SloBurnAlert.newBuilder()
        .setId(alertId(c.budgetNames[j], s.firingSinceMs[i]))
        .setSlo(c.definition.name())
        .setService(c.definition.service())
        .setLabels(labels())
        .setTimestampMs(t)
        .setFiringSinceMs(s.firingSinceMs[i])
        .setAlertKind(SloAlertKind.BUDGET_CONSUMED)
        .setSeverity(c.budgetSeverity[j])
        .setState(firing ? AlertState.FIRING : AlertState.RESOLVED)
        .setObjective(c.definition.objective())
        .setBudgetRemainingFraction(remaining)
        .setBudgetConsumedThreshold(c.budgetFraction[j])
        .setDescription(text)
        .build();
  }

  private String windowLabel(int buckets) {
    return c.windowLabels[windowIndex(buckets)];
  }

  /** Stable per SLO, group, rule and firing start: {@code slo{zone=az-1}/page-1h-5m@<ms>}. */
  private String alertId(String rule, long firingSince) {
    StringBuilder b = new StringBuilder(c.definition.name());
    if (!s.groupKey.isEmpty()) {
      b.append('{').append(s.groupKey.replace(GROUP_SEPARATOR, ',')).append('}');
    }
    return b.append('/').append(rule).append('@').append(firingSince).toString();
  }
}
