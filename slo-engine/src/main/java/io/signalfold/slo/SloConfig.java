package io.signalfold.slo;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Engine settings shared by every SLO. Start from {@link #defaults()} and change what you need with
 * the {@code with...} methods. The module README lists each key with its default.
 *
 * @param fineResolution width of the fine time buckets every burn-rate window is summed from
 *     (default 1m). Burn-rate windows must be multiples of it; evaluations happen at bucket ends,
 *     so it is also the evaluation granularity and the bound on burn-rate timing error.
 * @param coarseResolution width of the buckets of the SLO window (default 1h), a multiple of the
 *     fine resolution. The SLO window's far edge falls inside one coarse bucket, which is counted
 *     pro rata: the budget error is at most the non-uniformity of one coarse bucket.
 * @param maxAhead how far data may run ahead of the last evaluation (in event time) in rings of the
 *     base size (default 1h)
 * @param maxLead how far data may run ahead of the last evaluation at most: the rings of a group
 *     grow to hold it (and shrink back once evaluation catches up), so records of one group
 *     arriving over several channels, or in a fast replay between watermarks, are all counted.
 *     Beyond it the engine evaluates the instants in between on its own (data older than that
 *     evaluation minus the allowed lateness is then late). Default 2d; never less than maxAhead
 * @param allowedLateness data older than the last evaluation minus this is not counted but added to
 *     {@code SloStatus.lateEventsIgnored} and the {@code lateEventsIgnored} metric (default 5m)
 * @param statusInterval SloStatus cadence per SLO and group, in event time (default 1m); a status
 *     is also emitted whenever the status or an alert changes
 * @param defaultPolicy the alerting policy of SLOs that do not bring their own
 * @param warningBudgetRemaining status WARNING below this budget fraction left (default 0.25), or
 *     while any burn-rate alert fires; BREACHED when the budget is overspent
 * @param budgetAlertMinEvents budget-consumed alerts need at least this many events in the window
 *     (default 100), so the first few requests of a window cannot "spend" the budget
 * @param serviceRollupOperation RedPoint operation of the service-level rollup series (default
 *     {@code "*"}); SLOs without an operation read only it. Null: sum every operation instead (for
 *     an ingest configured without rollups)
 */
public record SloConfig(
    Duration fineResolution,
    Duration coarseResolution,
    Duration maxAhead,
    Duration maxLead,
    Duration allowedLateness,
    Duration statusInterval,
    BurnRatePolicy defaultPolicy,
    double warningBudgetRemaining,
    double budgetAlertMinEvents,
    String serviceRollupOperation)
    implements Serializable {

  public SloConfig {
    requirePositive(fineResolution, "fineResolution");
    requirePositive(coarseResolution, "coarseResolution");
    requirePositive(statusInterval, "statusInterval");
    Objects.requireNonNull(maxAhead, "maxAhead");
    Objects.requireNonNull(maxLead, "maxLead");
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    if (maxAhead.isNegative() || allowedLateness.isNegative()) {
      throw new IllegalArgumentException("maxAhead and allowedLateness must not be negative");
    }
    if (coarseResolution.toMillis() % fineResolution.toMillis() != 0) {
      throw new IllegalArgumentException(
          "coarseResolution must be a multiple of fineResolution, got "
              + coarseResolution
              + " and "
              + fineResolution);
    }
  }

  private static void requirePositive(Duration d, String field) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, got " + d);
    }
  }

  /** 1m fine buckets, 1h coarse buckets, SRE-workbook policy, status every minute. */
  public static SloConfig defaults() {
    return new SloConfig(
        Duration.ofMinutes(1),
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofDays(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(1),
        BurnRatePolicy.sreWorkbook(),
        0.25,
        100,
        "*");
  }

  public SloConfig withFineResolution(Duration v) {
    return new SloConfig(
        v,
        coarseResolution,
        maxAhead,
        maxLead,
        allowedLateness,
        statusInterval,
        defaultPolicy,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withCoarseResolution(Duration v) {
    return new SloConfig(
        fineResolution,
        v,
        maxAhead,
        maxLead,
        allowedLateness,
        statusInterval,
        defaultPolicy,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withMaxAhead(Duration v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        v,
        maxLead,
        allowedLateness,
        statusInterval,
        defaultPolicy,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withMaxLead(Duration v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        maxAhead,
        v,
        allowedLateness,
        statusInterval,
        defaultPolicy,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withAllowedLateness(Duration v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        maxAhead,
        maxLead,
        v,
        statusInterval,
        defaultPolicy,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withStatusInterval(Duration v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        maxAhead,
        maxLead,
        allowedLateness,
        v,
        defaultPolicy,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withDefaultPolicy(BurnRatePolicy v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        maxAhead,
        maxLead,
        allowedLateness,
        statusInterval,
        v,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withWarningBudgetRemaining(double v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        maxAhead,
        maxLead,
        allowedLateness,
        statusInterval,
        defaultPolicy,
        v,
        budgetAlertMinEvents,
        serviceRollupOperation);
  }

  public SloConfig withBudgetAlertMinEvents(double v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        maxAhead,
        maxLead,
        allowedLateness,
        statusInterval,
        defaultPolicy,
        warningBudgetRemaining,
        v,
        serviceRollupOperation);
  }

  public SloConfig withServiceRollupOperation(String v) {
    return new SloConfig(
        fineResolution,
        coarseResolution,
        maxAhead,
        maxLead,
        allowedLateness,
        statusInterval,
        defaultPolicy,
        warningBudgetRemaining,
        budgetAlertMinEvents,
        v);
  }

  /**
   * Reads {@code slo.*} keys (listed in the module README, all optional) over {@link #defaults()}:
   * {@code slo.fine-resolution}, {@code slo.coarse-resolution}, {@code slo.max-ahead}, {@code
   * slo.max-lead}, {@code slo.allowed-lateness}, {@code slo.status-interval} (durations such as 1m,
   * 30s), {@code slo.warning-budget-remaining}, {@code slo.budget-alert-min-events}, {@code
   * slo.service-rollup-operation} (empty: none), {@code slo.policy.rules} (e.g. {@code
   * page:1h:5m:14.4,page:6h:30m:6,ticket:3d:6h:1}), {@code slo.policy.scaling} (thresholds,
   * windows, none), {@code slo.policy.resolve-ratio}, {@code slo.policy.keep-firing-for}, {@code
   * slo.policy.budget-alerts} (e.g. {@code 0.5:ticket,1.0:ticket}; empty: none). Keys outside
   * {@code slo.} are ignored.
   *
   * @throws IllegalArgumentException naming the key of a bad value or an unknown {@code slo.} key
   */
  public static SloConfig fromProperties(java.util.Map<String, String> props) {
    return io.signalfold.slo.internal.SloConfigKeys.apply(defaults(), props);
  }

  /** The policy that applies to {@code slo}: its own, or the default. */
  public BurnRatePolicy policyFor(SloDefinition slo) {
    return slo.policy() != null ? slo.policy() : defaultPolicy;
  }
}
