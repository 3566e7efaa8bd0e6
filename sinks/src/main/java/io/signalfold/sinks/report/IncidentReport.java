package io.signalfold.sinks.report;

import io.signalfold.schema.AffectedEntity;
import io.signalfold.schema.Evidence;
import io.signalfold.schema.EvidenceType;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisBasis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.LinkedChange;
import io.signalfold.schema.OperationImpact;
import io.signalfold.schema.RuledOut;
import io.signalfold.schema.SeriesSample;
import io.signalfold.schema.SummarySentence;
import io.signalfold.schema.TimelineEntry;
import io.signalfold.sinks.RecordRedaction;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.SummaryUpdates;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders one incident candidate as a report a person reads: Markdown, and a self-contained HTML
 * page (inline CSS, inline SVG charts of the anomalous series against their bands with change
 * markers, a timeline, error-budget bars; no scripts, no external resources). All text is redacted
 * first and escaped on output.
 */
public final class IncidentReport {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HHMMSS =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final String SPARKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";

  private final Redactor redactor;

  private IncidentReport(Redactor redactor) {
    this.redactor = redactor;
  }

  public static IncidentReport create(Redactor redactor) {
    return new IncidentReport(redactor);
  }

  // ---- Markdown ------------------------------------------------------------------------------

  /** The report in Markdown. */
  public String markdown(IncidentCandidate candidate) {
    IncidentCandidate c = RecordRedaction.redact(candidate, redactor);
    StringBuilder md = new StringBuilder(8192);
    md.append("# ").append(md(c.getTitle())).append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| Candidate | `")
        .append(c.getId())
        .append("` version ")
        .append(c.getVersion())
        .append(" |\n");
    md.append("| Status | ").append(c.getStatus()).append(" |\n");
    md.append("| Severity | ").append(c.getSeverity()).append(" |\n");
    md.append("| Onset | ").append(time(c.getOnsetMs())).append(" |\n");
    md.append("| Opened | ").append(time(c.getOpenedAtMs())).append(" |\n");
    md.append("| Updated | ").append(time(c.getUpdatedAtMs())).append(" |\n");
    if (c.getResolvedAtMs() != null) {
      md.append("| Resolved | ").append(time(c.getResolvedAtMs())).append(" |\n");
    }
    md.append('\n');

    IncidentSummary s = c.getSummary();
    md.append("## Summary\n\n");
    if (s == null) {
      md.append("_No summary yet._\n\n");
    } else {
      md.append("_").append(summaryNote(s)).append("_\n\n");
      for (SummarySentence x : s.getSentences()) {
        md.append("- ")
            .append(md(x.getText()))
            .append(" [")
            .append(String.join(", ", x.getCitations()))
            .append("]\n");
      }
      md.append('\n');
    }

    md.append("## Impact\n\n");
    if (!c.getImpact().getOperations().isEmpty()) {
      md.append(
          "| Service | Operation | Requests | Errors | Failure rate | Baseline |\n|---|---|---:|---:|---:|---:|\n");
      for (OperationImpact o : c.getImpact().getOperations()) {
        md.append("| ")
            .append(md(o.getService()))
            .append(" | ")
            .append(md(nz(o.getOperation())))
            .append(" | ")
            .append(count(o.getRequests()))
            .append(" | ")
            .append(count(o.getErrors()))
            .append(" | ")
            .append(pct(o.getFailureRate()))
            .append(" | ")
            .append(o.getBaselineFailureRate() == null ? "" : pct(o.getBaselineFailureRate()))
            .append(" |\n");
      }
      md.append('\n');
    }
    for (Map.Entry<String, Long> d : c.getImpact().getDistinctCounts().entrySet()) {
      md.append("- ")
          .append(d.getValue())
          .append(" distinct `")
          .append(d.getKey())
          .append("` among failing requests\n");
    }
    if (c.getImpact().getBusinessMetric() != null && c.getImpact().getBusinessDelta() != null) {
      md.append("- `")
          .append(c.getImpact().getBusinessMetric())
          .append("`: ")
          .append(count(c.getImpact().getBusinessDelta()))
          .append(" against expected")
          .append(
              c.getImpact().getBusinessDeltaFraction() == null
                  ? ""
                  : " (" + pct(c.getImpact().getBusinessDeltaFraction()) + ")")
          .append('\n');
    }
    md.append('\n');

    md.append("## Hypotheses\n\n");
    for (Hypothesis h : c.getHypotheses()) {
      md.append("### ")
          .append(h.getRank())
          .append(". ")
          .append(h.getKind())
          .append(": ")
          .append(md(h.getEntity().getName()))
          .append(
              h.getEntity().getService() == null ? "" : " (" + md(h.getEntity().getService()) + ")")
          .append("\n\n");
      md.append("- Confidence ")
          .append(String.format(Locale.ROOT, "%.2f", h.getConfidence()))
          .append(", ")
          .append(basisText(h))
          .append('\n');
      md.append("- Suggested mitigation: ").append(h.getMitigation()).append('\n');
      md.append("- ").append(md(h.getDescription())).append('\n');
      for (Evidence e : h.getEvidence()) {
        md.append("- Evidence `")
            .append(e.getId())
            .append("` (")
            .append(e.getType())
            .append(nz(e.getEntity()).isEmpty() ? "" : ", " + md(e.getEntity()))
            .append("): ")
            .append(md(e.getDescription()));
        if (e.getValue() != null) {
          md.append("; value ").append(SvgCharts.number(e.getValue(), false));
        }
        if (e.getExpected() != null) {
          md.append(", expected ").append(SvgCharts.number(e.getExpected(), false));
        }
        if (e.getLogTemplate() != null) {
          md.append("; template: ").append(md(e.getLogTemplate()));
        }
        if (!e.getSamples().isEmpty()) {
          md.append("; series ").append(sparkline(e.getSamples()));
        }
        md.append('\n');
      }
      for (RuledOut r : h.getRuledOut()) {
        md.append("- Ruled out: ")
            .append(md(r.getWhat()))
            .append(" (")
            .append(md(r.getReason()))
            .append(")\n");
      }
      md.append('\n');
    }

    if (!c.getRuledOut().isEmpty()) {
      md.append("## Ruled out\n\n");
      for (RuledOut r : c.getRuledOut()) {
        md.append("- ")
            .append(md(r.getWhat()))
            .append(": ")
            .append(md(r.getReason()))
            .append(
                r.getEvidenceIds().isEmpty()
                    ? ""
                    : " [" + String.join(", ", r.getEvidenceIds()) + "]")
            .append('\n');
      }
      md.append('\n');
    }

    md.append("## Timeline (UTC)\n\n");
    for (TimelineItem t : timelineItems(c)) {
      md.append("- ")
          .append(HHMMSS.format(Instant.ofEpochMilli(t.at())))
          .append(" ")
          .append(md(t.text()))
          .append(t.ref() == null ? "" : " [" + t.ref() + "]")
          .append('\n');
    }
    md.append('\n');

    if (!c.getDataGaps().isEmpty() || !c.getMonitoringGaps().isEmpty()) {
      md.append("## Gaps\n\n");
      for (String g : c.getDataGaps()) {
        md.append("- Data gap: ").append(md(g)).append('\n');
      }
      for (String g : c.getMonitoringGaps()) {
        md.append("- Monitoring gap: ").append(md(g)).append('\n');
      }
      md.append('\n');
    }
    if (s != null && s.getReport() != null) {
      md.append("---\n\n")
          .append(s.getReport().replace("\n# ", "\n## ").replaceFirst("^# ", "## "))
          .append('\n');
    }
    md.append("\n_Charts of the evidence series are in the HTML report beside this file._\n");
    return md.toString();
  }

  // ---- HTML ----------------------------------------------------------------------------------

  /** The report as one self-contained HTML page (well-formed: it parses as XML too). */
  public String html(IncidentCandidate candidate) {
    IncidentCandidate c = RecordRedaction.redact(candidate, redactor);
    StringBuilder h = new StringBuilder(32768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    h.append("<meta name=\"signalfold-candidate\" content=\"")
        .append(Html.escape(c.getId()))
        .append("\"/>\n");
    h.append("<meta name=\"signalfold-version\" content=\"")
        .append(c.getVersion())
        .append("\"/>\n");
    h.append("<title>")
        .append(Html.escape(c.getTitle()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<header><h1>").append(Html.escape(c.getTitle())).append("</h1>\n<p class=\"meta\">");
    h.append("<span class=\"status ")
        .append(c.getStatus().name().toLowerCase(Locale.ROOT))
        .append("\">")
        .append(c.getStatus())
        .append("</span> ");
    h.append("<span class=\"sev\">").append(c.getSeverity()).append("</span> ");
    h.append("candidate <code>")
        .append(Html.escape(c.getId()))
        .append("</code> version ")
        .append(c.getVersion());
    h.append(" &#183; onset ")
        .append(time(c.getOnsetMs()))
        .append(" &#183; opened ")
        .append(time(c.getOpenedAtMs()));
    if (c.getResolvedAtMs() != null) {
      h.append(" &#183; resolved ").append(time(c.getResolvedAtMs()));
    }
    h.append("</p></header>\n");

    IncidentSummary s = c.getSummary();
    h.append("<section id=\"summary\"><h2>Summary</h2>\n");
    if (s == null) {
      h.append("<p>No summary yet.</p>\n");
    } else {
      h.append("<p class=\"note\">").append(Html.escape(summaryNote(s))).append("</p>\n<ul>\n");
      for (SummarySentence x : s.getSentences()) {
        h.append("<li>").append(Html.escape(x.getText())).append(' ');
        for (String id : x.getCitations()) {
          h.append("<a class=\"cite\" href=\"#")
              .append(Html.anchor(id))
              .append("\">")
              .append(Html.escape(id))
              .append("</a> ");
        }
        h.append("</li>\n");
      }
      h.append("</ul>\n");
    }
    h.append("</section>\n");

    h.append("<section id=\"timeline\"><h2>Timeline</h2>\n");
    List<TimelineItem> items = timelineItems(c);
    long t0 = c.getOnsetMs();
    long t1 = c.getResolvedAtMs() != null ? c.getResolvedAtMs() : c.getUpdatedAtMs();
    List<SvgCharts.Marker> markers = new ArrayList<>();
    for (TimelineItem t : items) {
      t0 = Math.min(t0, t.at());
      t1 = Math.max(t1, t.at());
      markers.add(new SvgCharts.Marker(t.at(), t.label(), t.cssClass()));
    }
    h.append(SvgCharts.timeline("Timeline of " + c.getId(), t0, t1, markers));
    h.append("<ol class=\"timeline\">\n");
    for (TimelineItem t : items) {
      h.append("<li><time>")
          .append(HHMMSS.format(Instant.ofEpochMilli(t.at())))
          .append("</time> ")
          .append(Html.escape(t.text()));
      if (t.ref() != null) {
        h.append(" <a class=\"cite\" href=\"#")
            .append(Html.anchor(t.ref()))
            .append("\">")
            .append(Html.escape(t.ref()))
            .append("</a>");
      }
      h.append("</li>\n");
    }
    h.append("</ol>\n</section>\n");

    h.append("<section id=\"impact\"><h2>Impact</h2>\n");
    if (!c.getImpact().getOperations().isEmpty()) {
      h.append(
          "<table><thead><tr><th>Service</th><th>Operation</th><th>Requests</th><th>Errors</th><th>Failure rate</th><th>Baseline</th></tr></thead><tbody>\n");
      for (OperationImpact o : c.getImpact().getOperations()) {
        h.append("<tr><td>")
            .append(Html.escape(o.getService()))
            .append("</td><td>")
            .append(Html.escape(nz(o.getOperation())))
            .append("</td><td class=\"num\">")
            .append(count(o.getRequests()))
            .append("</td><td class=\"num\">")
            .append(count(o.getErrors()))
            .append("</td><td class=\"num\">")
            .append(pct(o.getFailureRate()))
            .append("</td><td class=\"num\">")
            .append(o.getBaselineFailureRate() == null ? "" : pct(o.getBaselineFailureRate()))
            .append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    h.append("<ul>\n");
    for (Map.Entry<String, Long> d : c.getImpact().getDistinctCounts().entrySet()) {
      h.append("<li>")
          .append(d.getValue())
          .append(" distinct <code>")
          .append(Html.escape(d.getKey()))
          .append("</code> among failing requests</li>\n");
    }
    if (c.getImpact().getBusinessMetric() != null && c.getImpact().getBusinessDelta() != null) {
      h.append("<li><code>")
          .append(Html.escape(c.getImpact().getBusinessMetric()))
          .append("</code>: ")
          .append(count(c.getImpact().getBusinessDelta()))
          .append(" against expected")
          .append(
              c.getImpact().getBusinessDeltaFraction() == null
                  ? ""
                  : " (" + pct(c.getImpact().getBusinessDeltaFraction()) + ")")
          .append("</li>\n");
    }
    h.append("</ul>\n");
    if (!c.getAffected().isEmpty()) {
      h.append(
          "<table><thead><tr><th>Entity</th><th>Role</th><th>Onset</th><th>Failure rate</th><th>Signals</th></tr></thead><tbody>\n");
      for (AffectedEntity a : c.getAffected()) {
        h.append("<tr><td>")
            .append(Html.escape(a.getEntity().getName()))
            .append("</td><td>")
            .append(a.getRole())
            .append("</td><td>")
            .append(HHMMSS.format(Instant.ofEpochMilli(a.getOnsetMs())))
            .append("</td><td class=\"num\">")
            .append(a.getFailureRate() == null ? "" : pct(a.getFailureRate()))
            .append("</td><td>")
            .append(Html.escape(String.join(", ", a.getSignalIds())))
            .append("</td></tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    h.append("</section>\n");

    h.append("<section id=\"hypotheses\"><h2>Hypotheses</h2>\n");
    List<SvgCharts.Marker> changeMarkers = new ArrayList<>();
    for (LinkedChange lc : c.getLinkedChanges()) {
      changeMarkers.add(
          new SvgCharts.Marker(
              lc.getTimestampMs(),
              lc.getKind().name().toLowerCase(Locale.ROOT)
                  + " "
                  + nz(lc.getService())
                  + " "
                  + nz(lc.getVersion()),
              "change"));
    }
    changeMarkers.add(new SvgCharts.Marker(c.getOnsetMs(), "onset", "onset"));
    for (Hypothesis hy : c.getHypotheses()) {
      h.append("<article class=\"hypothesis\"><h3>")
          .append(hy.getRank())
          .append(". ")
          .append(hy.getKind())
          .append(": ")
          .append(Html.escape(hy.getEntity().getName()));
      if (hy.getEntity().getService() != null) {
        h.append(" (").append(Html.escape(hy.getEntity().getService())).append(")");
      }
      h.append("</h3>\n<p><span class=\"conf\">confidence ")
          .append(String.format(Locale.ROOT, "%.2f", hy.getConfidence()))
          .append("</span> <span class=\"basis ")
          .append(hy.getBasis() == HypothesisBasis.CORRELATION ? "corr" : "direct")
          .append("\">")
          .append(Html.escape(basisText(hy)))
          .append("</span> <span class=\"mit\">mitigation: ")
          .append(hy.getMitigation())
          .append("</span></p>\n");
      h.append("<p>").append(Html.escape(hy.getDescription())).append("</p>\n");
      for (Evidence e : hy.getEvidence()) {
        evidenceHtml(h, e, changeMarkers);
      }
      if (!hy.getRuledOut().isEmpty()) {
        h.append("<ul class=\"ruled\">\n");
        for (RuledOut r : hy.getRuledOut()) {
          h.append("<li>Ruled out: ")
              .append(Html.escape(r.getWhat()))
              .append(": ")
              .append(Html.escape(r.getReason()))
              .append("</li>\n");
        }
        h.append("</ul>\n");
      }
      h.append("</article>\n");
    }
    h.append("</section>\n");

    if (!c.getRuledOut().isEmpty()) {
      h.append("<section id=\"ruled-out\"><h2>Ruled out</h2>\n<ul>\n");
      for (RuledOut r : c.getRuledOut()) {
        h.append("<li>")
            .append(Html.escape(r.getWhat()))
            .append(": ")
            .append(Html.escape(r.getReason()))
            .append("</li>\n");
      }
      h.append("</ul>\n</section>\n");
    }
    if (!c.getDataGaps().isEmpty() || !c.getMonitoringGaps().isEmpty()) {
      h.append("<section id=\"gaps\"><h2>Gaps</h2>\n<ul>\n");
      for (String g : c.getDataGaps()) {
        h.append("<li>Data gap: ").append(Html.escape(g)).append("</li>\n");
      }
      for (String g : c.getMonitoringGaps()) {
        h.append("<li>Monitoring gap: ").append(Html.escape(g)).append("</li>\n");
      }
      h.append("</ul>\n</section>\n");
    }
    if (s != null && s.getReport() != null) {
      h.append("<section id=\"post-incident\"><h2>Post-incident report draft</h2>\n");
      markdownToHtml(h, s.getReport());
      h.append("</section>\n");
    }
    // Anchors for cited ids that are not hypothesis evidence (grouped signals, changes).
    java.util.Set<String> anchored = new java.util.HashSet<>();
    for (Hypothesis hy : c.getHypotheses()) {
      for (Evidence e : hy.getEvidence()) {
        anchored.add(e.getId());
      }
    }
    java.util.Set<String> others = new java.util.LinkedHashSet<>(c.getSignalIds());
    for (LinkedChange lc : c.getLinkedChanges()) {
      others.add(lc.getChangeId());
    }
    for (TimelineEntry t : c.getTimeline()) {
      if (t.getRef() != null) {
        others.add(t.getRef());
      }
    }
    for (AffectedEntity a : c.getAffected()) {
      others.addAll(a.getSignalIds());
    }
    for (RuledOut r : c.getRuledOut()) {
      others.addAll(r.getEvidenceIds());
    }
    if (s != null) {
      for (SummarySentence x : s.getSentences()) {
        others.addAll(x.getCitations());
      }
    }
    others.removeAll(anchored);
    if (!others.isEmpty()) {
      h.append("<section id=\"signals\"><h2>Other signals and changes</h2>\n<p>");
      for (String id : others) {
        h.append("<code id=\"")
            .append(Html.anchor(id))
            .append("\">")
            .append(Html.escape(id))
            .append("</code> ");
      }
      h.append("</p>\n</section>\n");
    }
    h.append(
        "<footer>Generated by signalfold from event-time data. Correlation is not causation.</footer>\n");
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void evidenceHtml(StringBuilder h, Evidence e, List<SvgCharts.Marker> markers) {
    h.append("<div class=\"evidence\" id=\"")
        .append(Html.anchor(e.getId()))
        .append("\"><p><code>")
        .append(Html.escape(e.getId()))
        .append("</code> <span class=\"etype\">")
        .append(e.getType())
        .append("</span> ");
    if (e.getEntity() != null) {
      h.append(Html.escape(e.getEntity())).append(' ');
    }
    if (e.getSignal() != null) {
      h.append("<code>").append(Html.escape(e.getSignal())).append("</code> ");
    }
    h.append(Html.escape(e.getDescription()));
    boolean percent = isFraction(e);
    if (e.getValue() != null) {
      h.append(" &#183; value ").append(Html.escape(SvgCharts.number(e.getValue(), percent)));
    }
    if (e.getExpected() != null) {
      h.append(", expected ").append(Html.escape(SvgCharts.number(e.getExpected(), percent)));
    }
    if (e.getCount() != null) {
      h.append(" &#183; count ").append(e.getCount());
    }
    h.append("</p>\n");
    if (e.getLogTemplate() != null) {
      h.append("<pre class=\"template\">")
          .append(Html.escape(e.getLogTemplate()))
          .append("</pre>\n");
    }
    if (!e.getTraceIds().isEmpty()) {
      h.append("<p class=\"traces\">traces: ")
          .append(Html.escape(String.join(", ", e.getTraceIds())))
          .append("</p>\n");
    }
    if (e.getType() == EvidenceType.SLO_ALERT && e.getValue() != null && isBudget(e)) {
      h.append(SvgCharts.budgetBar("Error budget left", e.getValue()));
    }
    if (!e.getSamples().isEmpty()) {
      String title =
          (e.getEntity() == null ? "" : e.getEntity() + " ")
              + nz(e.getSignal())
              + " against its band";
      h.append(SvgCharts.series(title, e.getSamples(), markers, percent));
    }
    h.append("</div>\n");
  }

  /** A small Markdown subset (headings, bullets, numbered lines, paragraphs), all text escaped. */
  private static void markdownToHtml(StringBuilder h, String md) {
    boolean inList = false;
    for (String line : md.split("\n")) {
      String t = MarkdownText.unescape(line.strip());
      boolean item = t.startsWith("- ") || t.matches("\\d+\\. .*");
      if (!item && inList) {
        h.append("</ul>\n");
        inList = false;
      }
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith("## ")) {
        h.append("<h4>").append(Html.escape(t.substring(3))).append("</h4>\n");
      } else if (t.startsWith("# ")) {
        h.append("<h3>").append(Html.escape(t.substring(2))).append("</h3>\n");
      } else if (item) {
        if (!inList) {
          h.append("<ul>\n");
          inList = true;
        }
        h.append("<li>")
            .append(Html.escape(t.startsWith("- ") ? t.substring(2) : t))
            .append("</li>\n");
      } else {
        h.append("<p>").append(Html.escape(t)).append("</p>\n");
      }
    }
    if (inList) {
      h.append("</ul>\n");
    }
  }

  // ---- shared ------------------------------------------------------------------------------

  private record TimelineItem(long at, String text, String ref, String label, String cssClass) {}

  private static List<TimelineItem> timelineItems(IncidentCandidate c) {
    List<TimelineItem> items = new ArrayList<>();
    for (LinkedChange lc : c.getLinkedChanges()) {
      String what =
          lc.getKind().name().toLowerCase(Locale.ROOT)
              + " "
              + nz(lc.getService())
              + " "
              + nz(lc.getVersion());
      items.add(
          new TimelineItem(
              lc.getTimestampMs(),
              "change " + lc.getChangeId() + ": " + what.strip(),
              lc.getChangeId(),
              what.strip(),
              "change"));
    }
    items.add(new TimelineItem(c.getOnsetMs(), "onset", null, "onset", "onset"));
    for (TimelineEntry t : c.getTimeline()) {
      items.add(new TimelineItem(t.getTimestampMs(), t.getText(), t.getRef(), "", "entry"));
    }
    items.add(new TimelineItem(c.getOpenedAtMs(), "candidate opened", null, "opened", "opened"));
    if (c.getResolvedAtMs() != null) {
      items.add(new TimelineItem(c.getResolvedAtMs(), "resolved", null, "resolved", "resolved"));
    }
    items.sort((a, b) -> Long.compare(a.at(), b.at()));
    return items;
  }

  private static String summaryNote(IncidentSummary s) {
    String who =
        SummaryUpdates.isLlm(s)
            ? "Written by " + s.getGenerator() + ", checked against the evidence"
            : "Written by the deterministic summarizer";
    if (SummaryUpdates.isProvisional(s)) {
      return who + "; an LLM summary may follow.";
    }
    if (s.getFallbackReason() != null) {
      return who + "; the LLM summary was not used: " + s.getFallbackReason() + ".";
    }
    return who + ".";
  }

  private static String basisText(Hypothesis h) {
    if (h.getPlanned()) {
      return "planned activity, not a fault";
    }
    return h.getBasis() == HypothesisBasis.CORRELATION
        ? "correlation in time, not proof of cause"
        : "direct evidence";
  }

  private static boolean isFraction(Evidence e) {
    String s = e.getSignal();
    boolean named =
        s != null
            && (s.contains("rate")
                || s.contains("utilization")
                || s.contains("budget")
                || s.contains("ratio"));
    if (!named) {
      return false;
    }
    for (SeriesSample x : e.getSamples()) {
      if (Math.abs(x.getValue()) > 1.5 || Math.abs(x.getUpper()) > 1.5) {
        return false;
      }
    }
    return e.getValue() == null || Math.abs(e.getValue()) <= 1.5;
  }

  private static boolean isBudget(Evidence e) {
    return e.getSignal() != null
        && e.getSignal().contains("budget")
        && Math.abs(e.getValue()) <= 1.0;
  }

  static String sparkline(List<SeriesSample> samples) {
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (SeriesSample s : samples) {
      lo = Math.min(lo, s.getValue());
      hi = Math.max(hi, s.getValue());
    }
    StringBuilder sb = new StringBuilder();
    for (SeriesSample s : samples) {
      int i =
          hi > lo ? (int) Math.round((s.getValue() - lo) / (hi - lo) * (SPARKS.length() - 1)) : 0;
      sb.append(SPARKS.charAt(i));
    }
    return sb.toString();
  }

  private static String time(long ms) {
    return TIME.format(Instant.ofEpochMilli(ms));
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", v * 100);
  }

  private static String count(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Escapes Markdown syntax in text from telemetry. */
  static String md(String s) {
    return MarkdownText.escape(s);
  }

  private static final String CSS =
      "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:980px;color:#1d2430;padding:0 16px}\n"
          + "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #d8dde6;padding-bottom:4px;margin-top:28px}\n"
          + "h3{font-size:15px;margin:14px 0 4px}.meta{color:#5a6577}code{background:#f2f4f8;padding:0 3px;border-radius:3px}\n"
          + ".status{padding:1px 6px;border-radius:3px;color:#fff;background:#c0392b}.status.resolved{background:#27ae60}.status.updated{background:#d35400}\n"
          + ".sev{font-weight:600}.note{color:#5a6577;font-style:italic}a.cite{font-size:11px;color:#2c6ecb;text-decoration:none}\n"
          + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d8dde6;padding:3px 8px;text-align:left}td.num{text-align:right}\n"
          + ".basis.corr{background:#fff3cd;padding:1px 5px}.basis.direct{background:#d4edda;padding:1px 5px}.conf{font-weight:600}\n"
          + ".evidence{border-left:3px solid #d8dde6;padding-left:10px;margin:8px 0}.etype{font-size:11px;color:#5a6577}\n"
          + "pre.template{background:#f7f7f9;padding:6px;white-space:pre-wrap}ol.timeline time{font-family:monospace;color:#5a6577}\n"
          + "svg.chart{display:block;margin:6px 0;background:#fcfcfd;border:1px solid #eef0f4}\n"
          + "svg .axis{stroke:#9aa3b2;stroke-width:1}svg .tick{font-size:10px;fill:#5a6577}svg .label{font-size:11px;fill:#1d2430}\n"
          + "svg .band{fill:#cfe3fb;stroke:none}svg .expected{fill:none;stroke:#6b8fc7;stroke-dasharray:4 3;stroke-width:1}\n"
          + "svg .value{fill:none;stroke:#1d2430;stroke-width:1.6}svg .outside{fill:#c0392b}\n"
          + "svg .marker line{stroke-width:1.2}svg .marker text{font-size:10px}svg .change line{stroke:#8e44ad;stroke-dasharray:3 2}svg .change text{fill:#8e44ad}\n"
          + "svg .onset line{stroke:#c0392b}svg .onset text{fill:#c0392b}svg .opened line{stroke:#d35400}svg .opened text{fill:#d35400}\n"
          + "svg .resolved line{stroke:#27ae60}svg .resolved text{fill:#27ae60}svg .entry line{stroke:#c4cad4}\n"
          + "svg .budget-bg{fill:#eef0f4}svg .budget.ok{fill:#27ae60}svg .budget.warn{fill:#e67e22}svg .budget.bad{fill:#c0392b}\n"
          + "footer{margin-top:32px;color:#8a94a6;font-size:12px}\n";
}
