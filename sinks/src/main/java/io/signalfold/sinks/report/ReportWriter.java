package io.signalfold.sinks.report;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.SummaryUpdates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes {@code <dir>/reports/<candidate-id>.md} and {@code .html} for each candidate, the latest
 * version winning: a record older than what is on disk (lower version, or the provisional twin of a
 * final summary of the same version) is skipped. Files are replaced atomically, so a reader never
 * sees half a report.
 */
public final class ReportWriter {

  private static final Pattern MARK =
      Pattern.compile("<meta name=\"signalfold-rank\" content=\"(\\d+)\"/>");

  private final Path reports;
  private final IncidentReport renderer;

  private ReportWriter(Path dir, Redactor redactor) {
    this.reports = dir.resolve("reports");
    this.renderer = IncidentReport.create(redactor);
  }

  /** A writer for the base directory {@code dir} (reports go to {@code dir/reports}). */
  public static ReportWriter create(Path dir, Redactor redactor) {
    return new ReportWriter(dir, redactor);
  }

  /** The HTML path of a candidate's report. */
  public Path htmlPath(String candidateId) {
    return reports.resolve(fileName(candidateId) + ".html");
  }

  /** The Markdown path of a candidate's report. */
  public Path markdownPath(String candidateId) {
    return reports.resolve(fileName(candidateId) + ".md");
  }

  /** Writes both files unless a newer report is already there; returns whether it wrote. */
  public boolean write(IncidentCandidate c) {
    long rank = rank(c);
    Path html = htmlPath(c.getId());
    try {
      Files.createDirectories(reports);
      if (Files.exists(html) && existingRank(html) > rank) {
        return false;
      }
      String page =
          renderer
              .html(c)
              .replaceFirst(
                  "<meta charset=\"utf-8\"/>\n",
                  "<meta charset=\"utf-8\"/>\n<meta name=\"signalfold-rank\" content=\""
                      + rank
                      + "\"/>\n");
      replace(markdownPath(c.getId()), renderer.markdown(c));
      replace(html, page);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report of " + c.getId(), e);
    }
  }

  /** Version first; within a version a final summary outranks the provisional one. */
  static long rank(IncidentCandidate c) {
    return c.getVersion() * 2L + (SummaryUpdates.isProvisional(c.getSummary()) ? 0 : 1);
  }

  private static long existingRank(Path html) throws IOException {
    String head = Files.readString(html, StandardCharsets.UTF_8);
    Matcher m = MARK.matcher(head.substring(0, Math.min(head.length(), 4096)));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static void replace(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Candidate ids are data: keep only safe file-name characters. */
  static String fileName(String candidateId) {
    String s = candidateId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (s.isEmpty() || s.startsWith(".")) {
      s = "_" + s;
    }
    return s.length() > 200 ? s.substring(0, 200) : s;
  }
}
