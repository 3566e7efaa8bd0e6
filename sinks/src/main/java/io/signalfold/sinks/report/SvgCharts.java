package io.signalfold.sinks.report;

import io.signalfold.schema.SeriesSample;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the HTML report: a series against its band with change markers, a timeline,
 * and an error-budget bar. Plain SVG 1.1 elements, no scripts, no external resources; every text is
 * escaped.
 */
final class SvgCharts {

  static final int WIDTH = 640;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 20;
  private static final int BOTTOM = 30;
  private static final DateTimeFormatter HHMM =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  /** A vertical marker on a time axis. */
  record Marker(long timestampMs, String label, String cssClass) {}

  private SvgCharts() {}

  /** The series (value line), its band (shaded) and expected line, with markers. */
  static String series(
      String title, List<SeriesSample> samples, List<Marker> markers, boolean percent) {
    int height = 200;
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    double y0 = Double.MAX_VALUE;
    double y1 = -Double.MAX_VALUE;
    for (SeriesSample s : samples) {
      t0 = Math.min(t0, s.getTimestampMs());
      t1 = Math.max(t1, s.getTimestampMs());
      y0 = Math.min(y0, Math.min(s.getLower(), s.getValue()));
      y1 = Math.max(y1, Math.max(s.getUpper(), s.getValue()));
    }
    if (t1 <= t0) {
      t1 = t0 + 1;
    }
    double pad = (y1 - y0) * 0.08;
    if (pad == 0) {
      pad = Math.abs(y1) * 0.1 + 1e-9;
    }
    y0 -= pad;
    y1 += pad;
    Scale sx = new Scale(t0, t1, LEFT, WIDTH - RIGHT);
    Scale sy = new Scale(y0, y1, height - BOTTOM, TOP);
    StringBuilder svg = open(height, title);
    axes(svg, height, sx, sy, t0, t1, y0, y1, percent);
    // Band: upper edge left to right, lower edge back.
    svg.append("<polygon class=\"band\" points=\"");
    for (SeriesSample s : samples) {
      point(svg, sx.at(s.getTimestampMs()), sy.at(s.getUpper()));
    }
    for (int i = samples.size() - 1; i >= 0; i--) {
      point(svg, sx.at(samples.get(i).getTimestampMs()), sy.at(samples.get(i).getLower()));
    }
    svg.append("\"/>\n");
    svg.append("<polyline class=\"expected\" points=\"");
    for (SeriesSample s : samples) {
      point(svg, sx.at(s.getTimestampMs()), sy.at(s.getExpected()));
    }
    svg.append("\"/>\n<polyline class=\"value\" points=\"");
    for (SeriesSample s : samples) {
      point(svg, sx.at(s.getTimestampMs()), sy.at(s.getValue()));
    }
    svg.append("\"/>\n");
    for (SeriesSample s : samples) {
      if (s.getValue() > s.getUpper() || s.getValue() < s.getLower()) {
        svg.append("<circle class=\"outside\" cx=\"")
            .append(fmt(sx.at(s.getTimestampMs())))
            .append("\" cy=\"")
            .append(fmt(sy.at(s.getValue())))
            .append("\" r=\"3\"><title>")
            .append(
                Html.escape(
                    HHMM.format(Instant.ofEpochMilli(s.getTimestampMs()))
                        + " "
                        + number(s.getValue(), percent)))
            .append("</title></circle>\n");
      }
    }
    markers(svg, markers, sx, t0, t1, height);
    return svg.append("</svg>\n").toString();
  }

  /** A time axis with markers (changes, onset, opened, resolved) and timeline entries. */
  static String timeline(String title, long t0, long t1, List<Marker> markers) {
    int height = 120;
    if (t1 <= t0) {
      t1 = t0 + 60_000;
    }
    long pad = (t1 - t0) / 20;
    t0 -= pad;
    t1 += pad;
    Scale sx = new Scale(t0, t1, LEFT, WIDTH - RIGHT);
    StringBuilder svg = open(height, title);
    int axisY = height - BOTTOM;
    svg.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(axisY)
        .append("\" x2=\"")
        .append(WIDTH - RIGHT)
        .append("\" y2=\"")
        .append(axisY)
        .append("\"/>\n");
    timeLabels(svg, sx, t0, t1, axisY);
    markers(svg, markers, sx, t0, t1, height);
    return svg.append("</svg>\n").toString();
  }

  /** A horizontal bar: the fraction of the error budget left. */
  static String budgetBar(String title, double remaining) {
    int height = 44;
    double f = Math.max(0, Math.min(1, remaining));
    int full = WIDTH - LEFT - RIGHT;
    String cls = remaining > 0.5 ? "ok" : remaining > 0.2 ? "warn" : "bad";
    StringBuilder svg = open(height, title);
    svg.append("<rect class=\"budget-bg\" x=\"")
        .append(LEFT)
        .append("\" y=\"14\" width=\"")
        .append(full)
        .append("\" height=\"16\"/>\n");
    svg.append("<rect class=\"budget ")
        .append(cls)
        .append("\" x=\"")
        .append(LEFT)
        .append("\" y=\"14\" width=\"")
        .append(fmt(full * f))
        .append("\" height=\"16\"/>\n");
    svg.append("<text class=\"label\" x=\"")
        .append(LEFT + 6)
        .append("\" y=\"27\">")
        .append(
            Html.escape(
                String.format(Locale.ROOT, "%.0f%% of the error budget left", remaining * 100)))
        .append("</text>\n");
    return svg.append("</svg>\n").toString();
  }

  private static StringBuilder open(int height, String title) {
    StringBuilder svg = new StringBuilder(4096);
    svg.append("<svg class=\"chart\" role=\"img\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\">\n<title>")
        .append(Html.escape(title))
        .append("</title>\n");
    return svg;
  }

  private static void axes(
      StringBuilder svg,
      int height,
      Scale sx,
      Scale sy,
      long t0,
      long t1,
      double y0,
      double y1,
      boolean percent) {
    int axisY = height - BOTTOM;
    svg.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(TOP)
        .append("\" x2=\"")
        .append(LEFT)
        .append("\" y2=\"")
        .append(axisY)
        .append("\"/>\n");
    svg.append("<line class=\"axis\" x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(axisY)
        .append("\" x2=\"")
        .append(WIDTH - RIGHT)
        .append("\" y2=\"")
        .append(axisY)
        .append("\"/>\n");
    for (double v : new double[] {y0, (y0 + y1) / 2, y1}) {
      svg.append("<text class=\"tick\" x=\"")
          .append(LEFT - 4)
          .append("\" y=\"")
          .append(fmt(sy.at(v) + 4))
          .append("\" text-anchor=\"end\">")
          .append(Html.escape(number(v, percent)))
          .append("</text>\n");
    }
    timeLabels(svg, sx, t0, t1, axisY);
  }

  private static void timeLabels(StringBuilder svg, Scale sx, long t0, long t1, int axisY) {
    for (long t : new long[] {t0, t0 + (t1 - t0) / 2, t1}) {
      svg.append("<text class=\"tick\" x=\"")
          .append(fmt(sx.at(t)))
          .append("\" y=\"")
          .append(axisY + 16)
          .append("\" text-anchor=\"middle\">")
          .append(HHMM.format(Instant.ofEpochMilli(t)))
          .append("</text>\n");
    }
  }

  private static void markers(
      StringBuilder svg, List<Marker> markers, Scale sx, long t0, long t1, int height) {
    int i = 0;
    for (Marker m : markers) {
      if (m.timestampMs() < t0 || m.timestampMs() > t1) {
        continue;
      }
      double x = sx.at(m.timestampMs());
      int labelY = TOP + 10 + (i++ % 4) * 12;
      svg.append("<g class=\"marker ")
          .append(m.cssClass())
          .append("\"><title>")
          .append(Html.escape(HHMM.format(Instant.ofEpochMilli(m.timestampMs())) + " " + m.label()))
          .append("</title>");
      svg.append("<line x1=\"")
          .append(fmt(x))
          .append("\" y1=\"")
          .append(TOP)
          .append("\" x2=\"")
          .append(fmt(x))
          .append("\" y2=\"")
          .append(height - BOTTOM)
          .append("\"/>");
      svg.append("<text x=\"")
          .append(fmt(x + 3))
          .append("\" y=\"")
          .append(labelY)
          .append("\">")
          .append(Html.escape(abbreviate(m.label(), 28)))
          .append("</text></g>\n");
    }
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "\u2026";
  }

  static String number(double v, boolean percent) {
    if (percent) {
      return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static void point(StringBuilder svg, double x, double y) {
    svg.append(fmt(x)).append(',').append(fmt(y)).append(' ');
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Linear map from a data range to a pixel range. */
  private record Scale(double d0, double d1, double p0, double p1) {
    double at(double v) {
      return p0 + (v - d0) / (d1 - d0) * (p1 - p0);
    }
  }
}
