package io.signalfold.summarizer;

import io.signalfold.schema.AffectedEntity;
import io.signalfold.schema.AffectedRole;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.EntityRef;
import io.signalfold.schema.Evidence;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisBasis;
import io.signalfold.schema.Impact;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.LinkedChange;
import io.signalfold.schema.OperationImpact;
import io.signalfold.schema.RuledOut;
import io.signalfold.schema.TimelineEntry;
import io.signalfold.sinks.RecordRedaction;
import io.signalfold.sinks.Redactor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The structured facts of one candidate version, extracted before any narrative is written: title,
 * impact, onset and timeline, ranked hypotheses with their evidence, linked changes, the suggested
 * mitigation, data gaps. Every fact carries the evidence ids that back it, and every value is also
 * given in its display form ({@link FactFormat}), so a sentence built from the facts (by the
 * deterministic summarizer or an LLM) can be checked word by word against them.
 *
 * <p>Free text from telemetry (descriptions, log templates, timeline texts, reasons) is redacted,
 * flattened and defanged here ({@link UntrustedText}); nothing downstream sees the raw text.
 *
 * @param evidenceIds every id a sentence may cite: evidence, signals, changes, timeline refs
 */
public record IncidentFacts(
    String candidateId,
    int version,
    String status,
    String severity,
    String title,
    Moment onset,
    Moment opened,
    Moment updated,
    Moment resolved,
    String duration,
    String detectedAfter,
    ImpactFact impact,
    List<AffectedFact> affected,
    List<HypothesisFact> hypotheses,
    List<ChangeFact> linkedChanges,
    List<TimelineFact> timeline,
    List<RuledOutFact> ruledOut,
    MitigationFact mitigation,
    List<GapFact> gaps,
    Set<String> evidenceIds) {

  /** Longest untrusted text kept (characters). */
  static final int MAX_TEXT = 240;

  /** An event time in epoch millis with its display forms. */
  public record Moment(long epochMs, String date, String time) {
    static Moment of(long ms) {
      return new Moment(ms, FactFormat.date(ms), FactFormat.time(ms));
    }
  }

  /** Requests and errors of one operation over the incident. */
  public record OperationFact(
      String service,
      String operation,
      String requests,
      String errors,
      String failureRate,
      String baselineFailureRate,
      List<String> evidenceIds) {}

  /** Who is hit, how much, backed by the affected entities' signals. */
  public record ImpactFact(
      List<OperationFact> operations,
      Map<String, String> distinctCounts,
      String businessMetric,
      String businessDelta,
      String businessDeltaFraction,
      String duration,
      List<String> evidenceIds) {}

  /** One affected entity: a cause candidate or a symptom, with its onset. */
  public record AffectedFact(
      String kind,
      String name,
      String service,
      String role,
      Moment onset,
      String failureRate,
      String latencyP95Ms,
      List<String> evidenceIds) {}

  /** One piece of evidence, in structured form. */
  public record EvidenceFact(
      String id,
      String type,
      String entity,
      String signal,
      String description,
      Moment at,
      String value,
      String expected,
      String count,
      String logTemplate,
      int traceCount) {}

  /** One ranked hypothesis with its evidence; {@code basis} is DIRECT_EVIDENCE or CORRELATION. */
  public record HypothesisFact(
      String id,
      int rank,
      String kind,
      String entityKind,
      String entity,
      String service,
      String confidence,
      String basis,
      boolean correlationOnly,
      String mitigation,
      boolean planned,
      String description,
      String changeId,
      String version,
      List<EvidenceFact> evidence,
      List<RuledOutFact> ruledOut,
      List<String> evidenceIds) {}

  /** A change linked to the candidate, at its rollout time. */
  public record ChangeFact(
      String changeId,
      String kind,
      String service,
      String version,
      Moment at,
      String beforeOnset,
      String afterOnset,
      String description) {}

  /** One timeline entry. */
  public record TimelineFact(Moment at, String text, List<String> evidenceIds) {}

  /** Something considered and not blamed, and why. */
  public record RuledOutFact(String what, String kind, String reason, List<String> evidenceIds) {}

  /** The mitigation class of the top hypothesis. */
  public record MitigationFact(
      String mitigationClass,
      String entity,
      String service,
      String version,
      List<String> evidenceIds) {}

  /** A data gap (signal missing) or monitoring gap (cause visible in no metric). */
  public record GapFact(String kind, String text, List<String> evidenceIds) {}

  /**
   * Extracts the facts of one candidate. Every string, ids and entity names included, is redacted
   * with {@code redactor} first (a route or a change id can carry a secret), and free text is also
   * cleaned as untrusted.
   */
  public static IncidentFacts extract(IncidentCandidate candidate, Redactor redactor) {
    IncidentCandidate c = RecordRedaction.redact(candidate, redactor);
    Set<String> ids = new LinkedHashSet<>();
    List<String> candidateSignals = new ArrayList<>(c.getSignalIds());
    ids.addAll(candidateSignals);
    if (candidateSignals.isEmpty()) {
      // No grouped signals: statements about the whole candidate cite the top evidence, or the
      // candidate itself when it has none at all.
      for (Hypothesis h : c.getHypotheses()) {
        for (Evidence e : h.getEvidence()) {
          candidateSignals.add(e.getId());
        }
      }
      if (candidateSignals.isEmpty()) {
        candidateSignals.add(c.getId());
        ids.add(c.getId());
      }
    }

    Map<String, List<String>> signalsByEntity = new LinkedHashMap<>();
    List<AffectedFact> affected = new ArrayList<>();
    for (AffectedEntity a : c.getAffected()) {
      EntityRef e = a.getEntity();
      List<String> sig = List.copyOf(a.getSignalIds());
      ids.addAll(sig);
      signalsByEntity.computeIfAbsent(e.getName(), k -> new ArrayList<>()).addAll(sig);
      affected.add(
          new AffectedFact(
              e.getKind().name(),
              e.getName(),
              e.getService(),
              a.getRole().name(),
              Moment.of(a.getOnsetMs()),
              a.getFailureRate() == null ? null : FactFormat.percent(a.getFailureRate()),
              a.getLatencyP95Ms() == null ? null : FactFormat.number(a.getLatencyP95Ms(), 0),
              sig));
    }
    // Symptoms in the order users meet them: latest onset (closest to the user) first.
    affected.sort(
        (x, y) -> {
          if (!x.role().equals(y.role())) {
            return x.role().equals(AffectedRole.CAUSE_CANDIDATE.name()) ? 1 : -1;
          }
          return Long.compare(y.onset().epochMs(), x.onset().epochMs());
        });

    List<HypothesisFact> hyps = new ArrayList<>();
    List<Hypothesis> sorted = new ArrayList<>(c.getHypotheses());
    sorted.sort((x, y) -> Integer.compare(x.getRank(), y.getRank()));
    for (Hypothesis h : sorted) {
      List<EvidenceFact> ev = new ArrayList<>();
      List<String> hIds = new ArrayList<>();
      for (Evidence e : h.getEvidence()) {
        ids.add(e.getId());
        hIds.add(e.getId());
        ev.add(evidence(e, redactor));
      }
      if (h.getChangeId() != null) {
        ids.add(h.getChangeId());
        if (!hIds.contains(h.getChangeId())) {
          hIds.add(h.getChangeId());
        }
      }
      List<RuledOutFact> ro = new ArrayList<>();
      for (RuledOut r : h.getRuledOut()) {
        ro.add(ruledOut(r, redactor, hIds));
        ids.addAll(r.getEvidenceIds());
      }
      EntityRef e = h.getEntity();
      hyps.add(
          new HypothesisFact(
              h.getId(),
              h.getRank(),
              h.getKind().name(),
              e.getKind().name(),
              e.getName(),
              e.getService(),
              FactFormat.confidence(h.getConfidence()),
              h.getBasis().name(),
              h.getBasis() == HypothesisBasis.CORRELATION,
              h.getMitigation().name(),
              h.getPlanned(),
              UntrustedText.clean(h.getDescription(), redactor, MAX_TEXT),
              h.getChangeId(),
              h.getVersion(),
              ev,
              ro,
              hIds.isEmpty() ? fallback(candidateSignals) : hIds));
    }

    List<String> fallbackIds = fallback(candidateSignals);
    List<ChangeFact> changes = new ArrayList<>();
    for (LinkedChange lc : c.getLinkedChanges()) {
      ids.add(lc.getChangeId());
      long before = c.getOnsetMs() - lc.getTimestampMs();
      changes.add(
          new ChangeFact(
              lc.getChangeId(),
              lc.getKind().name(),
              lc.getService(),
              lc.getVersion(),
              Moment.of(lc.getTimestampMs()),
              before >= 0 ? FactFormat.duration(before) : null,
              before < 0 ? FactFormat.duration(-before) : null,
              UntrustedText.clean(lc.getDescription(), redactor, MAX_TEXT)));
    }

    List<TimelineFact> timeline = new ArrayList<>();
    List<TimelineEntry> entries = new ArrayList<>(c.getTimeline());
    entries.sort((x, y) -> Long.compare(x.getTimestampMs(), y.getTimestampMs()));
    for (TimelineEntry t : entries) {
      List<String> refs = t.getRef() == null ? fallbackIds : List.of(t.getRef());
      if (t.getRef() != null) {
        ids.add(t.getRef());
      }
      timeline.add(
          new TimelineFact(
              Moment.of(t.getTimestampMs()),
              UntrustedText.clean(t.getText(), redactor, MAX_TEXT),
              refs));
    }

    List<RuledOutFact> ruledOut = new ArrayList<>();
    for (RuledOut r : c.getRuledOut()) {
      ruledOut.add(ruledOut(r, redactor, fallbackIds));
      ids.addAll(r.getEvidenceIds());
    }

    MitigationFact mitigation = null;
    if (!hyps.isEmpty()) {
      HypothesisFact top = hyps.get(0);
      mitigation =
          new MitigationFact(
              top.mitigation(), top.entity(), top.service(), top.version(), top.evidenceIds());
    }

    List<GapFact> gaps = new ArrayList<>();
    for (String g : c.getDataGaps()) {
      gaps.add(
          new GapFact(
              "DATA_GAP",
              UntrustedText.clean(g, redactor, MAX_TEXT),
              gapEvidence(g, signalsByEntity, fallbackIds)));
    }
    for (String g : c.getMonitoringGaps()) {
      gaps.add(
          new GapFact(
              "MONITORING_GAP",
              UntrustedText.clean(g, redactor, MAX_TEXT),
              gapEvidence(g, signalsByEntity, fallbackIds)));
    }

    Impact imp = c.getImpact();
    List<OperationFact> ops = new ArrayList<>();
    List<OperationImpact> opList = new ArrayList<>(imp.getOperations());
    opList.sort((x, y) -> Double.compare(y.getErrors(), x.getErrors()));
    for (OperationImpact o : opList) {
      List<String> oIds = signalsByEntity.getOrDefault(o.getService(), fallbackIds);
      ops.add(
          new OperationFact(
              o.getService(),
              o.getOperation(),
              FactFormat.count(o.getRequests()),
              FactFormat.count(o.getErrors()),
              FactFormat.percent(o.getFailureRate()),
              o.getBaselineFailureRate() == null
                  ? null
                  : FactFormat.percent(o.getBaselineFailureRate()),
              oIds.isEmpty() ? fallbackIds : List.copyOf(oIds)));
    }
    Map<String, String> distinct = new TreeMap<>();
    imp.getDistinctCounts().forEach((k, v) -> distinct.put(k, FactFormat.count(v)));
    List<String> impactIds = new ArrayList<>();
    for (AffectedFact a : affected) {
      impactIds.addAll(a.evidenceIds());
    }
    ImpactFact impact =
        new ImpactFact(
            ops,
            distinct,
            imp.getBusinessMetric(),
            imp.getBusinessDelta() == null ? null : FactFormat.number(imp.getBusinessDelta(), 0),
            imp.getBusinessDeltaFraction() == null
                ? null
                : FactFormat.percent(imp.getBusinessDeltaFraction()),
            FactFormat.duration(imp.getDurationMs()),
            impactIds.isEmpty() ? fallbackIds : List.copyOf(new LinkedHashSet<>(impactIds)));

    long end = c.getResolvedAtMs() != null ? c.getResolvedAtMs() : c.getUpdatedAtMs();
    return new IncidentFacts(
        c.getId(),
        c.getVersion(),
        c.getStatus().name(),
        c.getSeverity().name(),
        UntrustedText.clean(c.getTitle(), redactor, MAX_TEXT),
        Moment.of(c.getOnsetMs()),
        Moment.of(c.getOpenedAtMs()),
        Moment.of(c.getUpdatedAtMs()),
        c.getResolvedAtMs() == null ? null : Moment.of(c.getResolvedAtMs()),
        FactFormat.duration(end - c.getOnsetMs()),
        FactFormat.duration(c.getOpenedAtMs() - c.getOnsetMs()),
        impact,
        List.copyOf(affected),
        List.copyOf(hyps),
        List.copyOf(changes),
        List.copyOf(timeline),
        List.copyOf(ruledOut),
        mitigation,
        List.copyOf(gaps),
        Collections.unmodifiableSet(ids));
  }

  /** True for RESOLVED candidates. */
  public boolean statusResolved() {
    return CandidateStatus.RESOLVED.name().equals(status);
  }

  /** The top-ranked hypothesis, or null. */
  public HypothesisFact topHypothesis() {
    return hypotheses.isEmpty() ? null : hypotheses.get(0);
  }

  private static EvidenceFact evidence(Evidence e, Redactor redactor) {
    return new EvidenceFact(
        e.getId(),
        e.getType().name(),
        e.getEntity(),
        e.getSignal(),
        UntrustedText.clean(e.getDescription(), redactor, MAX_TEXT),
        Moment.of(e.getTimestampMs()),
        e.getValue() == null ? null : FactFormat.value(e.getSignal(), e.getValue()),
        e.getExpected() == null ? null : FactFormat.value(e.getSignal(), e.getExpected()),
        e.getCount() == null ? null : FactFormat.count(e.getCount()),
        UntrustedText.clean(e.getLogTemplate(), redactor, MAX_TEXT),
        e.getTraceIds().size());
  }

  private static RuledOutFact ruledOut(RuledOut r, Redactor redactor, List<String> fallbackIds) {
    return new RuledOutFact(
        UntrustedText.clean(r.getWhat(), redactor, MAX_TEXT),
        r.getKind() == null ? null : r.getKind().name(),
        UntrustedText.clean(r.getReason(), redactor, MAX_TEXT),
        r.getEvidenceIds().isEmpty() ? fallbackIds : List.copyOf(r.getEvidenceIds()));
  }

  private static List<String> gapEvidence(
      String gap, Map<String, List<String>> signalsByEntity, List<String> fallbackIds) {
    for (Map.Entry<String, List<String>> e : signalsByEntity.entrySet()) {
      if (gap.contains(e.getKey()) && !e.getValue().isEmpty()) {
        return List.copyOf(e.getValue());
      }
    }
    return fallbackIds;
  }

  /** The candidate's own grouped signals back statements about the candidate as a whole. */
  private static List<String> fallback(List<String> candidateSignals) {
    return List.copyOf(candidateSignals.subList(0, Math.min(2, candidateSignals.size())));
  }
}
