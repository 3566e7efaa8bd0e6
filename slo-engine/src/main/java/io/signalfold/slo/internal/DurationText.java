package io.signalfold.slo.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as SLO files write them: {@code 5m}, {@code 1h}, {@code 30d}, {@code 1w} (the
 * Prometheus / OpenSLO shorthand), or ISO-8601 ({@code PT5M}). Calendar units (M, Q, Y) are not
 * fixed lengths and are handled by the window parser, not here.
 */
public final class DurationText {

  private static final Pattern SHORT = Pattern.compile("^(\\d+)(ms|s|m|h|d|w)$");

  private DurationText() {}

  /**
   * Parses a fixed-length duration.
   *
   * @throws IllegalArgumentException naming the accepted forms when the text is not one of them
   */
  public static Duration parse(String text) {
    String t = text.trim();
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration out of range: '" + text + "'", e);
      }
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        case "d":
          return Duration.ofDays(n);
        default:
          return Duration.ofDays(7 * n);
      }
    }
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // fall through to the common message
      }
    }
    throw new IllegalArgumentException(
        "cannot parse duration '" + text + "': expected e.g. 30s, 5m, 1h, 28d, 1w or PT5M");
  }

  /**
   * The shortest exact shorthand: 300000 ms -> {@code 5m}, 3 days -> {@code 3d}. Weeks are written
   * as days ({@code 7d}, {@code 28d}), as SLO files usually do.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % Duration.ofDays(1).toMillis() == 0) {
      return ms / Duration.ofDays(1).toMillis() + "d";
    }
    if (ms % Duration.ofHours(1).toMillis() == 0) {
      return ms / Duration.ofHours(1).toMillis() + "h";
    }
    if (ms % Duration.ofMinutes(1).toMillis() == 0) {
      return ms / Duration.ofMinutes(1).toMillis() + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
