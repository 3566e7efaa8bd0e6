package io.signalfold.loadtest.generator;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses scenario durations: {@code 30s}, {@code 5m}, {@code 2h}, {@code 14d}, {@code 1w}, {@code
 * 1d2h}, {@code -2d}.
 */
public final class ScenarioDurations {

  private static final Pattern WHOLE = Pattern.compile("-?(\\d+(ms|w|d|h|m|s))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|w|d|h|m|s)");

  private ScenarioDurations() {}

  /** The duration, or an IllegalArgumentException describing the expected form. */
  public static Duration parse(String text) {
    String t = text.trim();
    if (!WHOLE.matcher(t).matches()) {
      throw new IllegalArgumentException(
          "not a duration '" + text + "' (expected e.g. 30s, 5m, 2h, 14d, 1w, 1h30m, -2d)");
    }
    boolean negative = t.startsWith("-");
    Matcher m = PART.matcher(t);
    long ms = 0;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms" -> ms += n;
        case "s" -> ms += n * 1_000L;
        case "m" -> ms += n * 60_000L;
        case "h" -> ms += n * 3_600_000L;
        case "d" -> ms += n * 86_400_000L;
        case "w" -> ms += n * 7 * 86_400_000L;
        default -> throw new IllegalArgumentException("unit " + m.group(2));
      }
    }
    return Duration.ofMillis(negative ? -ms : ms);
  }

  /** The shortest scenario spelling of a duration (e.g. {@code 1h30m}). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (ms < 0) {
      sb.append('-');
      ms = -ms;
    }
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i]) {
        sb.append(ms / units[i]).append(names[i]);
        ms %= units[i];
      }
    }
    return sb.toString();
  }
}
