package io.signalfold.slo;

import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.slo.internal.DurationText;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One multiwindow burn-rate condition (Google SRE workbook, "Alerting on SLOs", method 6): the
 * alert fires when the error ratio over BOTH the long and the short window exceeds {@code burnRate}
 * times the error budget (1 - objective). The long window makes it significant, the short one makes
 * it stop quickly once the burn stops.
 *
 * @param name stable rule name, used in alert ids and Prometheus alert names ({@code page-1h-5m})
 * @param severity page or ticket
 * @param longWindow e.g. 1h
 * @param shortWindow e.g. 5m (the workbook uses 1/12 of the long window)
 * @param burnRate threshold; 1.0 spends exactly the budget over the SLO window
 * @param forDuration how long the condition must hold before firing (Prometheus {@code for},
 *     OpenSLO {@code alertAfter}); zero fires at the first evaluation that meets it
 */
public record BurnRateRule(
    String name,
    SloAlertSeverity severity,
    Duration longWindow,
    Duration shortWindow,
    double burnRate,
    Duration forDuration)
    implements Serializable {

  public BurnRateRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(longWindow, "longWindow");
    Objects.requireNonNull(shortWindow, "shortWindow");
    Objects.requireNonNull(forDuration, "forDuration");
    if (longWindow.isNegative() || longWindow.isZero()) {
      throw new IllegalArgumentException("longWindow must be positive, got " + longWindow);
    }
    if (shortWindow.isNegative() || shortWindow.isZero() || shortWindow.compareTo(longWindow) > 0) {
      throw new IllegalArgumentException(
          "shortWindow must be positive and at most longWindow, got " + shortWindow);
    }
    if (!(burnRate > 0) || Double.isInfinite(burnRate)) {
      throw new IllegalArgumentException("burnRate must be positive, got " + burnRate);
    }
    if (forDuration.isNegative()) {
      throw new IllegalArgumentException("forDuration must not be negative");
    }
  }

  /** A rule named {@code <severity>-<long>-<short>}, firing without delay. */
  public static BurnRateRule of(
      SloAlertSeverity severity, Duration longWindow, Duration shortWindow, double burnRate) {
    return new BurnRateRule(
        defaultName(severity, longWindow, shortWindow),
        severity,
        longWindow,
        shortWindow,
        burnRate,
        Duration.ZERO);
  }

  /** {@code page-1h-5m}. */
  public static String defaultName(
      SloAlertSeverity severity, Duration longWindow, Duration shortWindow) {
    return severity.name().toLowerCase(Locale.ROOT)
        + "-"
        + DurationText.format(longWindow)
        + "-"
        + DurationText.format(shortWindow);
  }

  /** The same rule with other windows and threshold (after scaling to an SLO window). */
  public BurnRateRule scaled(Duration longW, Duration shortW, double rate) {
    String n =
        name.equals(defaultName(severity, longWindow, shortWindow))
            ? defaultName(severity, longW, shortW)
            : name;
    return new BurnRateRule(n, severity, longW, shortW, rate, forDuration);
  }
}
