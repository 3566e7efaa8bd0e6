package io.signalfold.slo;

import io.signalfold.schema.SloAlertSeverity;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The alerting policy of an SLO: multiwindow burn-rate rules, budget-consumed alerts, and the
 * hysteresis that keeps them from flapping.
 *
 * <p>Defaults ({@link #sreWorkbook()}) are the Google SRE workbook's for a 30-day SLO: page when
 * 14.4x over 1h and 5m, page when 6x over 6h and 30m, ticket when 1x over 3d and 6h. They are
 * budget fractions: 14.4x for 1h spends 2% of a 30-day budget, 6x for 6h spends 5%, 1x for 3d
 * spends 10%.
 *
 * <p>Scaling to other SLO windows ({@link WindowScaling}): by default ({@code THRESHOLDS}) the
 * windows stay and the thresholds keep the same budget fractions, {@code threshold = fraction *
 * sloWindow / longWindow}, i.e. {@code burnRate * sloWindow / referenceWindow} (28 days: 13.44x,
 * 5.6x, 0.93x, as Sloth does). Rules whose long window is longer than the SLO window are dropped.
 * {@code WINDOWS} scales the windows instead and keeps the thresholds (Pyrra's approach); {@code
 * NONE} takes the rules literally (OpenSLO AlertConditions).
 *
 * <p>Hysteresis, two parts, both as Prometheus can express them (see the module README):
 *
 * <ul>
 *   <li>{@code resolveRatio}: once firing, a rule stays firing while both windows stay above {@code
 *       resolveRatio * threshold} (default 0.9), so a burn rate wobbling around the threshold fires
 *       once instead of on every crossing;
 *   <li>{@code keepFiringFor}: after the condition clears, the alert stays firing this long and
 *       continues if it comes back meanwhile (Prometheus {@code keep_firing_for}; default 0).
 * </ul>
 *
 * @param rules burn-rate rules, each one alert
 * @param referenceWindow the SLO window the rules are written for (30 days), used for scaling
 * @param scaling how the rules adapt to other SLO windows
 * @param resolveRatio in (0, 1]: 1 disables the value hysteresis
 * @param keepFiringFor zero disables the time hysteresis
 * @param budgetAlerts budget-consumed alerts
 */
public record BurnRatePolicy(
    List<BurnRateRule> rules,
    Duration referenceWindow,
    WindowScaling scaling,
    double resolveRatio,
    Duration keepFiringFor,
    List<BudgetAlertRule> budgetAlerts)
    implements Serializable {

  /** How rules written for {@code referenceWindow} adapt to an SLO's window. */
  public enum WindowScaling {
    /** Keep windows, scale thresholds so each rule spends the same budget fraction. */
    THRESHOLDS,
    /** Scale windows by sloWindow / referenceWindow, keep thresholds. */
    WINDOWS,
    /** Use the rules as written. */
    NONE
  }

  public BurnRatePolicy {
    rules = List.copyOf(rules);
    budgetAlerts = List.copyOf(budgetAlerts);
    Objects.requireNonNull(referenceWindow, "referenceWindow");
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(keepFiringFor, "keepFiringFor");
    if (!(resolveRatio > 0 && resolveRatio <= 1)) {
      throw new IllegalArgumentException("resolveRatio must be in (0, 1], got " + resolveRatio);
    }
    if (keepFiringFor.isNegative()) {
      throw new IllegalArgumentException("keepFiringFor must not be negative");
    }
    long names = rules.stream().map(BurnRateRule::name).distinct().count();
    if (names != rules.size()) {
      throw new IllegalArgumentException("burn-rate rule names must be unique: " + rules);
    }
  }

  /** The SRE workbook defaults for a 30-day window, scaled by thresholds, with hysteresis 0.9. */
  public static BurnRatePolicy sreWorkbook() {
    return new BurnRatePolicy(
        List.of(
            BurnRateRule.of(
                SloAlertSeverity.PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
            BurnRateRule.of(SloAlertSeverity.PAGE, Duration.ofHours(6), Duration.ofMinutes(30), 6),
            BurnRateRule.of(SloAlertSeverity.TICKET, Duration.ofDays(3), Duration.ofHours(6), 1)),
        Duration.ofDays(30),
        WindowScaling.THRESHOLDS,
        0.9,
        Duration.ZERO,
        List.of(
            new BudgetAlertRule(0.5, SloAlertSeverity.TICKET),
            new BudgetAlertRule(1.0, SloAlertSeverity.TICKET)));
  }

  public BurnRatePolicy withRules(List<BurnRateRule> newRules, WindowScaling newScaling) {
    return new BurnRatePolicy(
        newRules, referenceWindow, newScaling, resolveRatio, keepFiringFor, budgetAlerts);
  }

  public BurnRatePolicy withResolveRatio(double ratio) {
    return new BurnRatePolicy(rules, referenceWindow, scaling, ratio, keepFiringFor, budgetAlerts);
  }

  public BurnRatePolicy withKeepFiringFor(Duration keep) {
    return new BurnRatePolicy(rules, referenceWindow, scaling, resolveRatio, keep, budgetAlerts);
  }

  public BurnRatePolicy withBudgetAlerts(List<BudgetAlertRule> alerts) {
    return new BurnRatePolicy(rules, referenceWindow, scaling, resolveRatio, keepFiringFor, alerts);
  }

  /** The rules as they apply to an SLO window (see the class note on scaling). */
  public List<BurnRateRule> rulesFor(SloWindow window) {
    Duration w = window.nominalLength();
    double factor = (double) w.toMillis() / referenceWindow.toMillis();
    List<BurnRateRule> out = new ArrayList<>(rules.size());
    for (BurnRateRule r : rules) {
      switch (scaling) {
        case THRESHOLDS:
          if (r.longWindow().compareTo(w) <= 0) {
            out.add(
                r.scaled(
                    r.longWindow(),
                    r.shortWindow(),
                    factor == 1.0 ? r.burnRate() : r.burnRate() * factor));
          }
          break;
        case WINDOWS:
          out.add(
              r.scaled(
                  scaleToSeconds(r.longWindow(), factor),
                  scaleToSeconds(r.shortWindow(), factor),
                  r.burnRate()));
          break;
        default:
          out.add(r);
      }
    }
    return out;
  }

  private static Duration scaleToSeconds(Duration d, double factor) {
    long s = Math.max(1, Math.round(d.toMillis() * factor / 1000.0));
    return Duration.ofSeconds(s);
  }
}
