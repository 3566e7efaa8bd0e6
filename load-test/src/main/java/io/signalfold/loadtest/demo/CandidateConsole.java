package io.signalfold.loadtest.demo;

import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.SummarySentence;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Prints incident candidates as an on-call engineer wants to read them on a terminal: one block
 * when a candidate opens (top hypotheses, summary, report path), one line when its leading
 * hypothesis changes, one line when it resolves. Times are event time relative to the scenario's
 * T0.
 */
final class CandidateConsole {

  private final PrintStream out;
  private final long t0Ms;
  @Nullable private final Path reportsDir;
  private final Map<String, String> lastTop = new HashMap<>();

  CandidateConsole(PrintStream out, long t0Ms, @Nullable Path reportsDir) {
    this.out = out;
    this.t0Ms = t0Ms;
    this.reportsDir = reportsDir;
  }

  synchronized void accept(IncidentCandidate c) {
    String top = c.getHypotheses().isEmpty() ? "-" : line(c.getHypotheses().get(0));
    String previous = lastTop.put(c.getId(), top);
    if (c.getStatus() == CandidateStatus.RESOLVED) {
      out.printf(
          "[%s] RESOLVED %s after %s: %s%n",
          rel(c.getResolvedAtMs() == null ? c.getUpdatedAtMs() : c.getResolvedAtMs()),
          c.getId(),
          duration(
              (c.getResolvedAtMs() == null ? c.getUpdatedAtMs() : c.getResolvedAtMs())
                  - c.getOnsetMs()),
          c.getTitle());
      return;
    }
    if (previous == null) {
      out.printf(
          "[%s] OPEN %s (%s, onset %s): %s%n",
          rel(c.getOpenedAtMs()), c.getId(), c.getSeverity(), rel(c.getOnsetMs()), c.getTitle());
      int shown = 0;
      for (Hypothesis h : c.getHypotheses()) {
        if (shown++ == 3) {
          break;
        }
        out.printf("    #%d %s%n", h.getRank(), line(h));
      }
      if (c.getSummary() != null && !c.getSummary().getSentences().isEmpty()) {
        SummarySentence first = c.getSummary().getSentences().get(0);
        out.printf("    summary: %s %s%n", first.getText(), first.getCitations());
      }
      if (reportsDir != null) {
        out.printf("    report: %s%n", reportsDir.resolve("reports").resolve(c.getId() + ".html"));
      }
    } else if (!previous.equals(top)) {
      out.printf(
          "[%s] UPDATED %s v%d: now #1 %s%n",
          rel(c.getUpdatedAtMs()), c.getId(), c.getVersion(), top);
    }
  }

  static String line(Hypothesis h) {
    String entity =
        h.getEntity().getService() != null
                && !h.getEntity().getService().equals(h.getEntity().getName())
            ? h.getEntity().getService() + " " + h.getEntity().getName()
            : h.getEntity().getName();
    return String.format(
        "%s %s confidence %.2f (%s%s) -> %s",
        h.getKind(),
        entity,
        h.getConfidence(),
        h.getBasis() == null
            ? ""
            : h.getBasis().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
        h.getPlanned() ? ", planned" : "",
        h.getMitigation());
  }

  String rel(long ms) {
    long d = ms - t0Ms;
    return (d < 0 ? "T0-" : "T0+") + duration(Math.abs(d));
  }

  static String duration(long ms) {
    long s = ms / 1000;
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
