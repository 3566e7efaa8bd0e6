package io.signalfold.slo.internal;

import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.slo.BudgetAlertRule;
import io.signalfold.slo.BurnRatePolicy;
import io.signalfold.slo.BurnRateRule;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * An SLO definition turned into what the evaluator's hot path needs: bucket counts per window,
 * thresholds as error ratios, ring sizes. Immutable and cheap to share between keys.
 *
 * <p>Thresholds are compared as error ratios ({@code bad/total > burnRate * (1 - objective)}), the
 * same double the generated Prometheus rules carry as a literal, so both sides compare the same
 * numbers.
 */
public final class CompiledSlo {

  public final SloDefinition definition;
  public final long originMs;
  public final long fineMs;
  public final long coarseMs;

  /** Base ring sizes (data up to maxAhead past the last evaluation). */
  public final int fineSize;

  public final int coarseSize;

  /** Largest ring sizes (data up to maxLead past the last evaluation). */
  public final int maxFineSize;

  public final int maxCoarseSize;

  /** Buckets a ring must hold at and behind the next evaluation (windows, lateness, margin). */
  public final int fineCore;

  public final int coarseCore;
  public final boolean statusFromFine;

  /** Fine buckets per coarse bucket. */
  public final int finePerCoarse;

  public final long aheadBuckets;
  public final long latenessMs;
  public final long statusIntervalMs;
  public final double budget;
  public final double warningBudgetRemaining;
  public final double budgetAlertMinEvents;
  public final long keepFiringForMs;
  public final long idleAfterMs;

  /** Distinct window lengths in fine buckets, ascending, with their labels ('5m'). */
  public final int[] windowBuckets;

  public final String[] windowLabels;

  public final int ruleCount;
  public final String[] ruleNames;
  public final SloAlertSeverity[] ruleSeverity;
  public final int[] ruleLong;
  public final int[] ruleShort;
  public final long[] ruleLongMs;
  public final long[] ruleShortMs;
  public final double[] ruleBurnRate;
  public final double[] ruleFireRatio;
  public final double[] ruleHoldRatio;
  public final long[] ruleForMs;

  public final int budgetRuleCount;
  public final String[] budgetNames;
  public final SloAlertSeverity[] budgetSeverity;
  public final double[] budgetFraction;
  public final double budgetResolveRatio;

  private CompiledSlo(SloDefinition def, SloConfig config, long originMs) {
    this.definition = def;
    this.originMs = originMs;
    this.fineMs = config.fineResolution().toMillis();
    this.coarseMs = config.coarseResolution().toMillis();
    this.budget = 1.0 - def.objective();
    this.latenessMs = config.allowedLateness().toMillis();
    this.statusIntervalMs = config.statusInterval().toMillis();
    this.warningBudgetRemaining = config.warningBudgetRemaining();
    this.budgetAlertMinEvents = config.budgetAlertMinEvents();

    BurnRatePolicy policy = config.policyFor(def);
    List<BurnRateRule> rules = policy.rulesFor(def.window());
    this.keepFiringForMs = policy.keepFiringFor().toMillis();
    this.budgetResolveRatio = policy.resolveRatio();

    TreeSet<Integer> windows = new TreeSet<>();
    ruleCount = rules.size();
    ruleNames = new String[ruleCount];
    ruleSeverity = new SloAlertSeverity[ruleCount];
    ruleLong = new int[ruleCount];
    ruleShort = new int[ruleCount];
    ruleLongMs = new long[ruleCount];
    ruleShortMs = new long[ruleCount];
    ruleBurnRate = new double[ruleCount];
    ruleFireRatio = new double[ruleCount];
    ruleHoldRatio = new double[ruleCount];
    ruleForMs = new long[ruleCount];
    for (int i = 0; i < ruleCount; i++) {
      BurnRateRule r = rules.get(i);
      ruleNames[i] = r.name();
      ruleSeverity[i] = r.severity();
      ruleLongMs[i] = r.longWindow().toMillis();
      ruleShortMs[i] = r.shortWindow().toMillis();
      ruleLong[i] = buckets(ruleLongMs[i], "long window of rule " + r.name());
      ruleShort[i] = buckets(ruleShortMs[i], "short window of rule " + r.name());
      ruleBurnRate[i] = r.burnRate();
      ruleFireRatio[i] = fireRatio(r.burnRate(), budget);
      ruleHoldRatio[i] = holdRatio(r.burnRate(), policy.resolveRatio(), budget);
      ruleForMs[i] = r.forDuration().toMillis();
      windows.add(ruleLong[i]);
      windows.add(ruleShort[i]);
    }
    windowBuckets = new int[windows.size()];
    windowLabels = new String[windows.size()];
    int w = 0;
    for (int n : windows) {
      windowBuckets[w] = n;
      windowLabels[w] = DurationText.format(Duration.ofMillis(n * fineMs));
      w++;
    }

    List<BudgetAlertRule> budgets = new ArrayList<>(policy.budgetAlerts());
    budgetRuleCount = budgets.size();
    budgetNames = new String[budgetRuleCount];
    budgetSeverity = new SloAlertSeverity[budgetRuleCount];
    budgetFraction = new double[budgetRuleCount];
    for (int i = 0; i < budgetRuleCount; i++) {
      budgetNames[i] = budgets.get(i).name();
      budgetSeverity[i] = budgets.get(i).severity();
      budgetFraction[i] = budgets.get(i).consumedFraction();
    }

    int longest = windows.isEmpty() ? 0 : windows.last();
    this.aheadBuckets = Math.max(1, ceilDiv(config.maxAhead().toMillis(), fineMs));
    long latenessBuckets = ceilDiv(latenessMs, fineMs);
    int perCoarse = (int) (coarseMs / fineMs);
    this.finePerCoarse = perCoarse;
    long windowMaxMs = def.window().maxLength().toMillis();
    long windowBucketsFine = ceilDiv(windowMaxMs, fineMs);
    // The fine ring holds every alert window plus the data that may run ahead of the evaluation
    // and the allowed lateness. When the SLO window itself fits in that much, the status is summed
    // from fine buckets exactly and there is no coarse ring.
    long core = Math.max(longest, perCoarse);
    if (windowBucketsFine <= core + latenessBuckets) {
      statusFromFine = true;
      core = Math.max(core, windowBucketsFine);
    } else {
      statusFromFine = false;
    }
    long leadBuckets = Math.max(aheadBuckets, ceilDiv(config.maxLead().toMillis(), fineMs));
    long fineCoreL = core + latenessBuckets + 2;
    long size = fineCoreL + aheadBuckets;
    if (fineCoreL + leadBuckets > 10_000_000) {
      throw new IllegalArgumentException(
          "fine resolution "
              + config.fineResolution()
              + " is too fine for windows of "
              + DurationText.format(Duration.ofMillis(core * fineMs))
              + " and a max lead of "
              + config.maxLead());
    }
    this.fineCore = (int) fineCoreL;
    this.fineSize = (int) size;
    this.maxFineSize = (int) (fineCoreL + leadBuckets);
    long maxLeadMs = Math.max(config.maxAhead().toMillis(), config.maxLead().toMillis());
    if (statusFromFine) {
      this.coarseCore = 0;
      this.coarseSize = 0;
      this.maxCoarseSize = 0;
    } else {
      this.coarseCore = (int) (ceilDiv(windowMaxMs, coarseMs) + ceilDiv(latenessMs, coarseMs) + 3);
      this.coarseSize = (int) (coarseCore + ceilDiv(config.maxAhead().toMillis(), coarseMs));
      this.maxCoarseSize = (int) (coarseCore + ceilDiv(maxLeadMs, coarseMs));
    }
    this.idleAfterMs = Math.max(windowMaxMs, longest * fineMs) + latenessMs;
  }

  /** Compiles {@code def} with buckets aligned to the Unix epoch. */
  public static CompiledSlo compile(SloDefinition def, SloConfig config) {
    return new CompiledSlo(def, config, 0L);
  }

  /** Compiles {@code def} with bucket boundaries at {@code originMs + k * resolution}. */
  public static CompiledSlo compile(SloDefinition def, SloConfig config, long originMs) {
    return new CompiledSlo(def, config, originMs);
  }

  /**
   * The error-ratio threshold of a burn rate: {@code burnRate * budget}. Shared with the Prometheus
   * rule generator so both compare against the identical double.
   */
  public static double fireRatio(double burnRate, double budget) {
    return burnRate * budget;
  }

  /** The hold (hysteresis) threshold: {@code burnRate * resolveRatio * budget}. */
  public static double holdRatio(double burnRate, double resolveRatio, double budget) {
    return burnRate * resolveRatio * budget;
  }

  private int buckets(long ms, String what) {
    if (ms % fineMs != 0) {
      throw new IllegalArgumentException(
          what
              + " ("
              + DurationText.format(Duration.ofMillis(ms))
              + ") is not a multiple of the fine resolution "
              + DurationText.format(Duration.ofMillis(fineMs)));
    }
    return (int) (ms / fineMs);
  }

  /** Fine bucket of an event stamped {@code t}: bucket k covers (origin+(k-1)r, origin+kr]. */
  public long fineIndex(long t) {
    return ceilDiv(t - originMs, fineMs);
  }

  /** End of the fine bucket holding {@code t}: the instant that bucket is evaluated at. */
  public long bucketEndMs(long t) {
    return originMs + fineIndex(t) * fineMs;
  }

  /** Coarse bucket of an event stamped {@code t}, same convention. */
  public long coarseIndex(long t) {
    return ceilDiv(t - originMs, coarseMs);
  }

  /** A fresh, empty state sized for this SLO. */
  public EvaluatorState newState(String groupKey) {
    return new EvaluatorState(groupKey, fineSize, coarseSize, ruleCount + budgetRuleCount);
  }

  /** Whether a restored state fits this compiled SLO (ring sizes within bounds, same rules). */
  public boolean fits(EvaluatorState s) {
    return s.fineBad.length >= fineSize
        && s.fineBad.length <= maxFineSize
        && s.coarseBad.length >= coarseSize
        && s.coarseBad.length <= maxCoarseSize
        && s.ruleState.length == ruleCount + budgetRuleCount;
  }

  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
