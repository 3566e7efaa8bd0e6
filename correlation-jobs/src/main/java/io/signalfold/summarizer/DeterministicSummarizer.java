package io.signalfold.summarizer;

import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.SummaryUpdates;
import io.signalfold.sinks.report.MarkdownText;
import io.signalfold.summarizer.IncidentFacts.AffectedFact;
import io.signalfold.summarizer.IncidentFacts.ChangeFact;
import io.signalfold.summarizer.IncidentFacts.EvidenceFact;
import io.signalfold.summarizer.IncidentFacts.GapFact;
import io.signalfold.summarizer.IncidentFacts.HypothesisFact;
import io.signalfold.summarizer.IncidentFacts.OperationFact;
import io.signalfold.summarizer.IncidentFacts.RuledOutFact;
import io.signalfold.summarizer.IncidentFacts.TimelineFact;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the narrative from {@link IncidentFacts} with no model: a short summary and, for resolved
 * candidates, a post-incident report draft (summary, customer impact, timeline, what went well,
 * five whys ending in the root cause, action items).
 *
 * <p>Design note: template sentences over structured facts, the way incident tooling writes status
 * updates (e.g. the "what / impact / cause / next step" shape of Google SRE incident summaries).
 * Each sentence is built from one fact and cites that fact's evidence ids; text that came from
 * telemetry is only ever quoted. Same facts, same text: no clock, no randomness, no hash order.
 * Whether a hypothesis rests on correlation or direct evidence is always stated.
 */
public final class DeterministicSummarizer {

  /** Cap on evidence sentences per hypothesis, so the summary stays short. */
  private static final int MAX_EVIDENCE = 4;

  /** Cap on evidence ids cited by one sentence. */
  static final int MAX_CITATIONS = 8;

  /** Cap on alternative hypotheses named. */
  private static final int MAX_ALTERNATIVES = 2;

  /** Writes the summary of one candidate version (with a report draft when resolved). */
  public IncidentSummary summarize(IncidentFacts f) {
    List<SummarySentence> sentences = sentences(f);
    return IncidentSummary.newBuilder()
        .setCandidateId(f.candidateId())
        .setCandidateVersion(f.version())
        .setGenerator(SummaryUpdates.DETERMINISTIC)
        .setCreatedAtMs(f.updated().epochMs())
        .setTitle(f.title())
        .setSentences(sentences)
        .setReport(f.statusResolved() ? reportDraft(f) : null)
        .setFallbackReason(null)
        .build();
  }

  /** The short summary: what, impact, most likely cause and its basis, mitigation, gaps. */
  public List<SummarySentence> sentences(IncidentFacts f) {
    List<SummarySentence> out = new ArrayList<>();
    onset(f, out);
    impact(f, out, 2);
    HypothesisFact top = f.topHypothesis();
    if (top != null) {
      out.add(
          s(
              "Most likely cause (rank 1, confidence "
                  + top.confidence()
                  + "): "
                  + cause(f, top)
                  + ".",
              top.evidenceIds()));
      out.add(s(basis(top), top.evidenceIds()));
      int n = 0;
      for (EvidenceFact e : top.evidence()) {
        if (n++ == MAX_EVIDENCE) {
          break;
        }
        out.add(s(evidence(e), List.of(e.id())));
      }
      for (int i = 1; i < f.hypotheses().size() && i <= MAX_ALTERNATIVES; i++) {
        HypothesisFact h = f.hypotheses().get(i);
        out.add(
            s(
                "Alternative (rank "
                    + h.rank()
                    + ", confidence "
                    + h.confidence()
                    + "): "
                    + cause(f, h)
                    + (h.correlationOnly() ? "; correlation only" : "; direct evidence")
                    + ".",
                h.evidenceIds()));
      }
      out.add(s("Suggested mitigation: " + mitigation(top) + ".", top.evidenceIds()));
    } else {
      out.add(
          s(
              "No hypothesis yet: the cause is unknown and no change is blamed.",
              f.impact().evidenceIds()));
    }
    for (RuledOutFact r : f.ruledOut()) {
      out.add(s(ruledOut(r), r.evidenceIds()));
    }
    for (GapFact g : f.gaps()) {
      out.add(s(gap(g), g.evidenceIds()));
    }
    status(f, out);
    return out;
  }

  /** The post-incident report draft in Markdown; every statement cites evidence ids. */
  public String reportDraft(IncidentFacts f) {
    StringBuilder md = new StringBuilder(4096);
    md.append("# Post-incident report draft: ")
        .append(MarkdownText.escape(f.title()))
        .append("\n\n");
    md.append("_Draft written by signalfold from the evidence of candidate ")
        .append(f.candidateId())
        .append(" (version ")
        .append(f.version())
        .append("). Evidence ids are in brackets. A cause marked correlation is a")
        .append(" co-occurrence in time, not proof: confirm it before closing the report._\n\n");

    md.append("## Summary\n\n");
    List<SummarySentence> summary = new ArrayList<>();
    onset(f, summary);
    HypothesisFact top = f.topHypothesis();
    if (top != null) {
      summary.add(s("Most likely cause: " + cause(f, top) + ".", top.evidenceIds()));
      summary.add(s(basis(top), top.evidenceIds()));
    }
    status(f, summary);
    paragraph(md, summary);

    md.append("## Customer impact\n\n");
    List<SummarySentence> impact = new ArrayList<>();
    impact(f, impact, Integer.MAX_VALUE);
    if (impact.isEmpty()) {
      impact.add(s("No request impact was measured for this candidate.", f.impact().evidenceIds()));
    }
    bullets(md, impact);

    md.append("## Timeline (UTC)\n\n");
    List<Timed> timeline = new ArrayList<>();
    for (ChangeFact c : f.linkedChanges()) {
      timeline.add(
          new Timed(
              c.at().epochMs(),
              s(
                  c.at().time() + " " + c.at().date() + ": " + change(c) + ".",
                  List.of(c.changeId()))));
    }
    timeline.add(
        new Timed(
            f.onset().epochMs(),
            s(f.onset().time() + ": onset, the earliest signal of the incident.", firstIds(f))));
    for (TimelineFact t : f.timeline()) {
      timeline.add(
          new Timed(
              t.at().epochMs(), s(t.at().time() + ": \"" + t.text() + "\".", t.evidenceIds())));
    }
    timeline.add(
        new Timed(
            f.opened().epochMs(),
            s(f.opened().time() + ": signalfold opened the candidate.", firstIds(f))));
    if (f.resolved() != null) {
      timeline.add(
          new Timed(f.resolved().epochMs(), s(f.resolved().time() + ": resolved.", lastIds(f))));
    }
    // Stable sort: equal times keep the order above (changes, onset, entries, opened).
    timeline.sort((a, b) -> Long.compare(a.at(), b.at()));
    List<SummarySentence> ordered = new ArrayList<>();
    for (Timed t : timeline) {
      ordered.add(t.sentence());
    }
    bullets(md, ordered);

    md.append("## What went well\n\n");
    bullets(md, wentWell(f));

    md.append("## Five whys\n\n");
    List<SummarySentence> whys = fiveWhys(f);
    for (int i = 0; i < whys.size(); i++) {
      md.append(i + 1).append(". ").append(cited(whys.get(i))).append('\n');
    }
    if (whys.size() < 5) {
      md.append("\n_The evidence supports ")
          .append(whys.size())
          .append(" steps; no further why is claimed._\n");
    }
    md.append('\n');

    md.append("## Root cause\n\n");
    if (top != null) {
      paragraph(
          md,
          List.of(
              s(
                  cause(f, top)
                      + " ("
                      + (top.correlationOnly() ? "correlation" : "direct evidence")
                      + ", confidence "
                      + top.confidence()
                      + ").",
                  top.evidenceIds()),
              s(basis(top), top.evidenceIds())));
    } else {
      paragraph(md, List.of(s("Unknown: no hypothesis was formed.", f.impact().evidenceIds())));
    }

    md.append("## Action items\n\n");
    for (SummarySentence a : actionItems(f)) {
      md.append("- [ ] ").append(cited(a)).append('\n');
    }
    return md.toString();
  }

  // ---- sentences -----------------------------------------------------------------------------

  private void onset(IncidentFacts f, List<SummarySentence> out) {
    List<String> names = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    AffectedFact earliest = null;
    for (AffectedFact a : f.affected()) {
      names.add(a.name());
      ids.addAll(a.evidenceIds());
      if (earliest == null || a.onset().epochMs() < earliest.onset().epochMs()) {
        earliest = a;
      }
    }
    if (names.isEmpty()) {
      out.add(
          s(
              "Signals went abnormal from " + f.onset().time() + " on " + f.onset().date() + ".",
              firstIds(f)));
      return;
    }
    String text =
        "Since "
            + f.onset().time()
            + " on "
            + f.onset().date()
            + ", "
            + list(names)
            + (names.size() == 1 ? " shows" : " show")
            + " failures; the earliest signal is on "
            + earliest.name()
            + " at "
            + earliest.onset().time()
            + ".";
    out.add(s(text, List.copyOf(ids)));
  }

  private void impact(IncidentFacts f, List<SummarySentence> out, int maxOps) {
    int n = 0;
    for (OperationFact o : f.impact().operations()) {
      if (n++ == maxOps) {
        break;
      }
      String op = o.operation() == null ? o.service() : o.service() + " " + o.operation();
      out.add(
          s(
              op
                  + " failed "
                  + o.failureRate()
                  + " of "
                  + o.requests()
                  + " requests ("
                  + o.errors()
                  + " errors"
                  + (o.baselineFailureRate() == null ? "" : "; baseline " + o.baselineFailureRate())
                  + ").",
              o.evidenceIds()));
    }
    for (Map.Entry<String, String> d : f.impact().distinctCounts().entrySet()) {
      out.add(
          s(
              d.getValue() + " distinct " + d.getKey() + " values were among the failing requests.",
              f.impact().evidenceIds()));
    }
    if (f.impact().businessMetric() != null && f.impact().businessDelta() != null) {
      out.add(
          s(
              f.impact().businessMetric()
                  + " moved by "
                  + f.impact().businessDelta()
                  + (f.impact().businessDeltaFraction() == null
                      ? ""
                      : " (" + f.impact().businessDeltaFraction() + ")")
                  + " against its expected level.",
              f.impact().evidenceIds()));
    }
  }

  private void status(IncidentFacts f, List<SummarySentence> out) {
    if (f.resolved() != null) {
      out.add(s("Resolved at " + f.resolved().time() + " after " + f.duration() + ".", lastIds(f)));
    } else {
      out.add(
          s(
              "Still open (severity "
                  + f.severity()
                  + "), "
                  + f.duration()
                  + " after onset; opened at "
                  + f.opened().time()
                  + ".",
              firstIds(f)));
    }
  }

  static String basis(HypothesisFact h) {
    if (h.planned()) {
      return "This is planned activity, not a fault: expect it to end as scheduled.";
    }
    if (h.correlationOnly()) {
      return "This rests on correlation in time, not on proof of cause: confirm it before acting.";
    }
    Set<String> types = new LinkedHashSet<>();
    for (EvidenceFact e : h.evidence()) {
      types.add(typeWord(e.type()));
    }
    return "This rests on direct evidence (" + list(new ArrayList<>(types)) + ").";
  }

  private static String cause(IncidentFacts f, HypothesisFact h) {
    String entity = h.entity();
    String owner = h.service() != null && !h.service().equals(entity) ? h.service() : null;
    String change = h.changeId() == null ? "" : " (change " + h.changeId() + ")";
    switch (h.kind()) {
      case "DEPLOYMENT":
        {
          String svc = owner != null ? owner : entity;
          String ver = h.version() != null ? h.version() : (owner != null ? entity : null);
          StringBuilder sb = new StringBuilder("the deploy of ").append(svc);
          if (ver != null && !ver.equals(svc)) {
            sb.append(' ').append(ver);
          }
          sb.append(change);
          ChangeFact c = changeOf(f, h.changeId());
          if (c != null) {
            sb.append(", rolled out at ").append(c.at().time());
            if (c.beforeOnset() != null) {
              sb.append(", ").append(c.beforeOnset()).append(" before onset");
            }
          }
          return sb.toString();
        }
      case "CONFIG":
        return "the config change on " + entity + change;
      case "SCALE":
        return "the scaling change on " + entity + change;
      case "MANUAL_SESSION":
        return "the manual session on " + entity + change;
      case "PERMISSION":
        return "the permission change on " + entity + change;
      case "FEATURE_FLAG":
        return "the feature flag change on " + entity + change;
      case "DEPENDENCY":
        return "the dependency " + entity + (owner != null ? " of " + owner : "");
      case "RESOURCE":
        return "resource exhaustion on " + entity + (owner != null ? " of " + owner : "");
      case "TRAFFIC":
        return "a traffic change on " + entity;
      case "INSTANCE":
        return "the instance " + entity + (owner != null ? " of " + owner : "");
      case "CONTAINER":
        return "the container " + entity + (owner != null ? " of " + owner : "");
      case "ZONE":
        return "the zone " + entity + ", common to the failing entities";
      case "CELL":
        return "the cell " + entity + ", common to the failing entities";
      case "PLANNED_ACTIVITY":
        return "the planned activity on " + entity + change + " (planned, not a fault)";
      default:
        return "an unknown cause in " + entity + " (no change to blame)";
    }
  }

  private static String mitigation(HypothesisFact h) {
    String entity =
        h.service() != null && !h.service().equals(h.entity()) ? h.service() : h.entity();
    String change = h.changeId() == null ? "" : " (change " + h.changeId() + ")";
    switch (h.mitigation()) {
      case "ROLLBACK":
        return "roll back " + entity + (h.version() != null ? " " + h.version() : "") + change;
      case "REPLACE_INSTANCE":
        return "replace the instance " + h.entity();
      case "SCALE_OUT":
        return "scale out " + entity;
      case "RAISE_DEPENDENCY_CAPACITY":
        return "raise the capacity of " + h.entity() + ", or shed and back off the load sent to it";
      case "REVERT_CONFIG":
        return "revert the config change" + change + " on " + entity;
      case "REVERT_PERMISSION":
        return "revert the permission change" + change + " on " + entity;
      case "RESTORE_CAPACITY":
        return "restore the capacity of " + entity;
      case "SHIFT_TRAFFIC":
        return "shift traffic away from " + h.entity();
      case "END_SESSION":
        return "end the manual session" + change + " on " + entity;
      case "WAIT_FOR_PLANNED_END":
        return "wait for the planned activity" + change + " to end";
      default:
        return "investigate " + h.entity();
    }
  }

  private static String evidence(EvidenceFact e) {
    String on = e.entity() == null ? "" : " on " + e.entity();
    switch (e.type()) {
      case "ANOMALY":
      case "METRIC":
        if (e.value() != null && e.expected() != null && e.signal() != null) {
          return "Evidence: "
              + e.signal()
              + on
              + " was "
              + e.value()
              + " against an expected "
              + e.expected()
              + " at "
              + e.at().time()
              + ".";
        }
        break;
      case "LOG_TEMPLATE":
        if (e.logTemplate() != null) {
          return "Evidence: "
              + (e.count() == null ? "log records" : e.count() + " log records")
              + on
              + " match the template \""
              + e.logTemplate()
              + "\".";
        }
        break;
      case "TRACE":
        return "Evidence: "
            + (e.count() == null ? "traces" : e.count() + " traces")
            + on
            + ": \""
            + e.description()
            + "\".";
      case "CHANGE":
        return "Evidence: change "
            + e.id()
            + on
            + " at "
            + e.at().time()
            + ": \""
            + e.description()
            + "\".";
      default:
        break;
    }
    return "Evidence (" + typeWord(e.type()) + on + "): \"" + e.description() + "\".";
  }

  private static String ruledOut(RuledOutFact r) {
    return "Ruled out: \"" + r.what() + "\", because \"" + r.reason() + "\".";
  }

  private static String gap(GapFact g) {
    return ("DATA_GAP".equals(g.kind()) ? "Data gap: \"" : "Monitoring gap: \"") + g.text() + "\".";
  }

  private static String change(ChangeFact c) {
    String what = c.kind().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    return what
        + (c.service() == null ? "" : " of " + c.service())
        + (c.version() == null ? "" : " " + c.version())
        + " (change "
        + c.changeId()
        + ")";
  }

  private List<SummarySentence> wentWell(IncidentFacts f) {
    List<SummarySentence> out = new ArrayList<>();
    out.add(
        s(
            "Detection: signalfold opened the candidate at "
                + f.opened().time()
                + ", "
                + f.detectedAfter()
                + " after onset.",
            firstIds(f)));
    HypothesisFact top = f.topHypothesis();
    if (top != null) {
      for (EvidenceFact e : top.evidence()) {
        if ("SLO_ALERT".equals(e.type())) {
          out.add(s("The SLO alert paged at " + e.at().time() + ".", List.of(e.id())));
          break;
        }
      }
    }
    for (ChangeFact c : f.linkedChanges()) {
      if (c.at().epochMs() > f.onset().epochMs()
          && ("ROLLBACK".equals(c.kind())
              || "CONFIG".equals(c.kind())
              || "SCALE".equals(c.kind()))) {
        out.add(
            s(
                "Mitigation: "
                    + change(c)
                    + " at "
                    + c.at().time()
                    + ", "
                    + c.afterOnset()
                    + " after onset.",
                List.of(c.changeId())));
      }
    }
    return out;
  }

  /** Symptoms from the user inwards, the cause candidate, the mechanism, the root cause. */
  private List<SummarySentence> fiveWhys(IncidentFacts f) {
    List<SummarySentence> chain = new ArrayList<>();
    List<AffectedFact> symptoms = new ArrayList<>();
    for (AffectedFact a : f.affected()) {
      symptoms.add(a);
    }
    HypothesisFact top = f.topHypothesis();
    String rootEntity = top == null ? null : (top.service() != null ? top.service() : top.entity());
    String previous = null;
    for (AffectedFact a : symptoms) {
      String rate = a.failureRate() == null ? "failures" : a.failureRate() + " of requests failing";
      String q = previous == null ? "Why did users see errors?" : "Why did " + previous + " fail?";
      chain.add(
          s(
              q + " Because " + a.name() + " had " + rate + " from " + a.onset().time() + ".",
              a.evidenceIds()));
      previous = a.name();
    }
    if (top != null) {
      EvidenceFact mechanism = null;
      for (EvidenceFact e : top.evidence()) {
        if ("LOG_TEMPLATE".equals(e.type()) || "TRACE".equals(e.type())) {
          mechanism = e;
          break;
        }
      }
      if (mechanism != null) {
        String q =
            previous == null ? "Why did users see errors?" : "Why did " + previous + " fail?";
        String because =
            mechanism.logTemplate() != null
                ? "its requests failed with \"" + mechanism.logTemplate() + "\""
                : "\"" + mechanism.description() + "\"";
        chain.add(s(q + " Because " + because + ".", List.of(mechanism.id())));
        previous = null;
      }
      String q = previous == null ? "Why did that start then?" : "Why did " + previous + " fail?";
      chain.add(
          s(
              q
                  + " Root cause ("
                  + (top.correlationOnly() ? "by correlation, not proven" : "direct evidence")
                  + "): "
                  + cause(f, top)
                  + ".",
              top.evidenceIds()));
    }
    // Keep the user-facing first step and the root cause; drop middle steps beyond five.
    while (chain.size() > 5) {
      chain.remove(1);
    }
    return chain;
  }

  private List<SummarySentence> actionItems(IncidentFacts f) {
    List<SummarySentence> out = new ArrayList<>();
    HypothesisFact top = f.topHypothesis();
    if (top != null) {
      String svc = top.service() != null ? top.service() : top.entity();
      out.add(s("Confirm or reject the root cause: " + cause(f, top) + ".", top.evidenceIds()));
      switch (top.kind()) {
        case "DEPLOYMENT":
          out.add(
              s(
                  "Add a pre-release check that exercises "
                      + svc
                      + " with data written by the previous version, and a canary gate on its error rate.",
                  top.evidenceIds()));
          break;
        case "CONFIG":
        case "PERMISSION":
        case "FEATURE_FLAG":
          out.add(
              s(
                  "Validate " + svc + " changes of this kind before rollout and stage them.",
                  top.evidenceIds()));
          break;
        case "DEPENDENCY":
          out.add(
              s(
                  "Review the capacity, retries and backoff of callers of "
                      + top.entity()
                      + ", and alert on its throttling before the SLO burns.",
                  top.evidenceIds()));
          break;
        case "RESOURCE":
          out.add(s("Add capacity alerts with a forecast on " + svc + ".", top.evidenceIds()));
          break;
        default:
          out.add(
              s(
                  "Decide the follow-up for " + svc + ": " + mitigation(top) + ".",
                  top.evidenceIds()));
      }
    }
    for (GapFact g : f.gaps()) {
      out.add(
          s(
              ("DATA_GAP".equals(g.kind()) ? "Close the data gap: \"" : "Add a metric for: \"")
                  + g.text()
                  + "\".",
              g.evidenceIds()));
    }
    return out;
  }

  // ---- small helpers -------------------------------------------------------------------------

  private record Timed(long at, SummarySentence sentence) {}

  private static ChangeFact changeOf(IncidentFacts f, String changeId) {
    if (changeId == null) {
      return null;
    }
    for (ChangeFact c : f.linkedChanges()) {
      if (c.changeId().equals(changeId)) {
        return c;
      }
    }
    return null;
  }

  private static List<String> firstIds(IncidentFacts f) {
    if (!f.timeline().isEmpty()) {
      for (TimelineFact t : f.timeline()) {
        if (t.at().epochMs() >= f.onset().epochMs()) {
          return t.evidenceIds();
        }
      }
    }
    return f.impact().evidenceIds();
  }

  private static List<String> lastIds(IncidentFacts f) {
    if (!f.timeline().isEmpty()) {
      return f.timeline().get(f.timeline().size() - 1).evidenceIds();
    }
    return f.impact().evidenceIds();
  }

  static String typeWord(String type) {
    switch (type) {
      case "SLO_ALERT":
        return "SLO alert";
      case "CHANGE":
        return "change event";
      case "TRACE":
        return "traces";
      case "LOG_TEMPLATE":
        return "log template";
      case "TOPOLOGY":
        return "call graph";
      case "EXTERNAL_ALERT":
        return "external alert";
      case "METRIC":
        return "metric";
      default:
        return "anomaly";
    }
  }

  private static String list(List<String> names) {
    if (names.size() <= 1) {
      return names.isEmpty() ? "" : names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }

  private static SummarySentence s(String text, List<String> citations) {
    // At most MAX_CITATIONS ids per sentence (the first are the most direct); readers and the
    // grounding validator cap them too.
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(citations));
    return SummarySentence.newBuilder()
        .setText(text)
        .setCitations(List.copyOf(ids.subList(0, Math.min(MAX_CITATIONS, ids.size()))))
        .build();
  }

  /** A sentence of the Markdown draft: its text as data, then the evidence ids it cites. */
  static String cited(SummarySentence s) {
    return MarkdownText.escape(s.getText()) + " [" + String.join(", ", s.getCitations()) + "]";
  }

  private static void paragraph(StringBuilder md, List<SummarySentence> sentences) {
    for (int i = 0; i < sentences.size(); i++) {
      md.append(i == 0 ? "" : " ").append(cited(sentences.get(i)));
    }
    md.append("\n\n");
  }

  private static void bullets(StringBuilder md, List<SummarySentence> sentences) {
    for (SummarySentence s : sentences) {
      md.append("- ").append(cited(s)).append('\n');
    }
    md.append('\n');
  }
}
