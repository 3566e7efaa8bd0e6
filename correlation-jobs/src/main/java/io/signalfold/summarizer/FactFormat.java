package io.signalfold.summarizer;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one way facts are shown as text. The facts handed to an LLM and the deterministic narrative
 * use the same formats, so every number or time a grounded sentence may contain is literally in the
 * facts.
 */
final class FactFormat {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private FactFormat() {}

  /** {@code 00:31:10 UTC}. */
  static String time(long epochMs) {
    return TIME.format(Instant.ofEpochMilli(epochMs)) + " UTC";
  }

  /** {@code 2026-03-16}. */
  static String date(long epochMs) {
    return DATE.format(Instant.ofEpochMilli(epochMs));
  }

  /** A fraction as a percentage with at most one decimal: 0.155 -> {@code 15.5%}. */
  static String percent(double fraction) {
    return plain(BigDecimal.valueOf(fraction * 100).setScale(1, RoundingMode.HALF_UP)) + "%";
  }

  /** A number with at most {@code decimals} decimals, no exponent, no trailing zeros. */
  static String number(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    return plain(BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP));
  }

  /** Whole counts: {@code 1842}. */
  static String count(double v) {
    return number(v, 0);
  }

  /** Confidence in [0,1] with two decimals: {@code 0.86}. */
  static String confidence(double v) {
    return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  /** Durations: {@code 46 min}, {@code 2 h 10 min}, {@code 40 s}. */
  static String duration(long ms) {
    long s = Math.max(0, ms) / 1000;
    if (s < 60) {
      return s + " s";
    }
    long min = Math.round(s / 60.0);
    if (min < 120) {
      return min + " min";
    }
    return (min / 60) + " h " + (min % 60) + " min";
  }

  /** A measured value: rates and utilizations as percentages, other values with 3 decimals. */
  static String value(String signal, double v) {
    if (signal != null
        && (signal.contains("rate") || signal.contains("utilization") || signal.contains("budget"))
        && Math.abs(v) <= 1.0) {
      return percent(v);
    }
    return number(v, Math.abs(v) >= 100 ? 0 : 3);
  }

  private static String plain(BigDecimal d) {
    String s = d.stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }
}
