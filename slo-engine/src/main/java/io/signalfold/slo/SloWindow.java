package io.signalfold.slo;

import io.signalfold.slo.internal.DurationText;
import java.io.Serializable;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time window an SLO is measured over: rolling (the last 30 days at any instant) or
 * calendar-aligned (this month so far, in a time zone, from an anchor such as the first of a
 * month).
 *
 * <p>Windows are right-closed: at time {@code t} a rolling window covers events stamped in {@code
 * (t - length, t]}; a calendar window covers {@code (periodStart, t]} where {@code periodStart} is
 * the last period boundary strictly before {@code t}. An interval's counts are stamped with the
 * interval's end, so at exactly midnight the day that just ended is still complete.
 */
public final class SloWindow implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Pattern CALENDAR = Pattern.compile("^(\\d+)([dwMQY])$");

  /** Calendar period units (OpenSLO duration units d, w, M, Q, Y). */
  public enum CalendarUnit {
    DAY(Duration.ofDays(1), Duration.ofDays(1)),
    WEEK(Duration.ofDays(7), Duration.ofDays(7)),
    MONTH(Duration.ofDays(30), Duration.ofDays(31)),
    QUARTER(Duration.ofDays(90), Duration.ofDays(92)),
    YEAR(Duration.ofDays(365), Duration.ofDays(366));

    private final Duration nominal;
    private final Duration longest;

    CalendarUnit(Duration nominal, Duration longest) {
      this.nominal = nominal;
      this.longest = longest;
    }
  }

  private final Duration length;
  private final int count;
  private final CalendarUnit unit;
  private final LocalDateTime anchor;
  private final ZoneId zone;

  private SloWindow(
      Duration length, int count, CalendarUnit unit, LocalDateTime anchor, ZoneId zone) {
    this.length = length;
    this.count = count;
    this.unit = unit;
    this.anchor = anchor;
    this.zone = zone;
  }

  /** A rolling window of a fixed length, e.g. 30 days. */
  public static SloWindow rolling(Duration length) {
    Objects.requireNonNull(length, "length");
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("window length must be positive, got " + length);
    }
    return new SloWindow(length, 0, null, null, null);
  }

  /**
   * A calendar-aligned window: periods of {@code count} units starting at {@code anchor} (local
   * time in {@code zone}) and every period after (and before) it.
   */
  public static SloWindow calendar(
      int count, CalendarUnit unit, LocalDateTime anchor, ZoneId zone) {
    if (count <= 0) {
      throw new IllegalArgumentException("calendar window count must be positive, got " + count);
    }
    return new SloWindow(
        null,
        count,
        Objects.requireNonNull(unit, "unit"),
        Objects.requireNonNull(anchor, "anchor"),
        Objects.requireNonNull(zone, "zone"));
  }

  /**
   * Parses the scenario form: {@code 30d}, {@code 28d}, {@code 7d} are rolling windows; {@code 1M},
   * {@code 1Q}, {@code 1Y} are calendar periods in UTC starting at the Unix epoch's calendar
   * boundaries (first of the month, ...).
   */
  public static SloWindow parse(String text) {
    String t = text.trim();
    Matcher m = CALENDAR.matcher(t);
    if (m.matches() && "MQY".contains(m.group(2))) {
      return calendar(
          Integer.parseInt(m.group(1)),
          calendarUnit(m.group(2)),
          LocalDateTime.of(1970, 1, 1, 0, 0),
          ZoneOffset.UTC);
    }
    return rolling(DurationText.parse(t));
  }

  /** The calendar unit for an OpenSLO duration suffix (d, w, M, Q, Y). */
  public static CalendarUnit calendarUnit(String suffix) {
    switch (suffix) {
      case "d":
        return CalendarUnit.DAY;
      case "w":
        return CalendarUnit.WEEK;
      case "M":
        return CalendarUnit.MONTH;
      case "Q":
        return CalendarUnit.QUARTER;
      case "Y":
        return CalendarUnit.YEAR;
      default:
        throw new IllegalArgumentException(
            "unknown calendar unit '" + suffix + "': expected d, w, M, Q or Y");
    }
  }

  public boolean isCalendarAligned() {
    return unit != null;
  }

  /**
   * The length burn-rate thresholds are scaled by: the rolling length, or for calendar windows a
   * nominal period (30 days a month, 90 a quarter, 365 a year).
   */
  public Duration nominalLength() {
    return unit == null ? length : unit.nominal.multipliedBy(count);
  }

  /** The longest the window can be; bucket rings are sized for it. */
  public Duration maxLength() {
    return unit == null ? length : unit.longest.multipliedBy(count);
  }

  /** Exclusive start of the window that ends (inclusively) at {@code endMs}. */
  public long startMs(long endMs) {
    if (unit == null) {
      return endMs - length.toMillis();
    }
    ZonedDateTime origin = anchor.atZone(zone);
    long originMs = origin.toInstant().toEpochMilli();
    long k = Math.floorDiv(endMs - originMs, unit.nominal.toMillis() * count);
    while (boundaryMs(origin, k + 1) < endMs) {
      k++;
    }
    while (boundaryMs(origin, k) >= endMs) {
      k--;
    }
    return boundaryMs(origin, k);
  }

  private long boundaryMs(ZonedDateTime origin, long k) {
    long n = k * count;
    ZonedDateTime b;
    switch (unit) {
      case DAY:
        b = origin.plusDays(n);
        break;
      case WEEK:
        b = origin.plusWeeks(n);
        break;
      case MONTH:
        b = origin.plusMonths(n);
        break;
      case QUARTER:
        b = origin.plusMonths(3 * n);
        break;
      default:
        b = origin.plusYears(n);
        break;
    }
    return b.toInstant().toEpochMilli();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SloWindow)) {
      return false;
    }
    SloWindow w = (SloWindow) o;
    return Objects.equals(length, w.length)
        && count == w.count
        && unit == w.unit
        && Objects.equals(anchor, w.anchor)
        && Objects.equals(zone, w.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(length, count, unit, anchor, zone);
  }

  /** {@code 30d}, or {@code 1M calendar from 2026-01-01T00:00 UTC}. */
  @Override
  public String toString() {
    if (unit == null) {
      return DurationText.format(length);
    }
    String suffix =
        unit == CalendarUnit.DAY
            ? "d"
            : unit == CalendarUnit.WEEK
                ? "w"
                : unit.name().substring(0, 1).toUpperCase(Locale.ROOT);
    return count + suffix + " calendar from " + anchor + " " + zone;
  }
}
