package io.signalfold.slo;

import io.signalfold.schema.SloAlertSeverity;
import java.io.Serializable;
import java.util.Objects;

/**
 * Fires when at least {@code consumedFraction} of the error budget of the SLO window is spent (0.5
 * = half of it); resolves when old bad events leave the window and the consumption falls below
 * {@code consumedFraction * resolveRatio} of the policy.
 */
public record BudgetAlertRule(double consumedFraction, SloAlertSeverity severity)
    implements Serializable {

  public BudgetAlertRule {
    Objects.requireNonNull(severity, "severity");
    if (!(consumedFraction > 0) || Double.isInfinite(consumedFraction)) {
      throw new IllegalArgumentException(
          "consumedFraction must be positive (0.5 = half the budget), got " + consumedFraction);
    }
  }

  /** {@code budget-50pct}. */
  public String name() {
    return "budget-" + Math.round(consumedFraction * 100) + "pct";
  }
}
