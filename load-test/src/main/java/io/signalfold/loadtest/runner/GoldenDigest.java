package io.signalfold.loadtest.runner;

import io.signalfold.loadtest.runner.CandidateScorer.CandidateHistory;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RuledOut;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * The golden digest of a run: per scenario, every candidate's last version as the ranking left it
 * (onset, open time, status, hypotheses with their confidences, what was ruled out). Everything in
 * it is event time and name-based ids, so the same tree gives the same bytes; a refactoring of
 * grouping or ranking must leave it byte-identical, and a change of behaviour shows in its diff.
 */
public final class GoldenDigest {

  private static final int HYPOTHESES = 5;

  private GoldenDigest() {}

  /** Appends one scenario's candidates. */
  public static void write(Writer out, String scenario, List<CandidateHistory> histories)
      throws IOException {
    out.write("scenario " + scenario + ": " + histories.size() + " candidate(s)\n");
    for (CandidateHistory h : histories) {
      IncidentCandidate c = h.latest();
      out.write(
          String.format(
              Locale.ROOT,
              "  %s v%d %s onset=%d opened=%d resolved=%s signals=%d\n",
              c.getId(),
              c.getVersion(),
              c.getStatus(),
              c.getOnsetMs(),
              h.firstOpenedAtMs(),
              h.resolved(),
              c.getRawSignalCount()));
      List<Hypothesis> hs = c.getHypotheses();
      for (int i = 0; i < Math.min(HYPOTHESES, hs.size()); i++) {
        Hypothesis x = hs.get(i);
        out.write(
            String.format(
                Locale.ROOT,
                "    #%d %s %s%s%s %.4f %s\n",
                x.getRank(),
                x.getKind(),
                x.getEntity().getName(),
                x.getEntity().getService() == null ? "" : " (" + x.getEntity().getService() + ")",
                x.getVersion() == null ? "" : " @" + x.getVersion(),
                x.getConfidence(),
                x.getBasis()));
      }
      for (RuledOut r : c.getRuledOut()) {
        out.write("    ruled out " + r.getKind() + ": " + r.getWhat() + "\n");
      }
    }
  }
}
