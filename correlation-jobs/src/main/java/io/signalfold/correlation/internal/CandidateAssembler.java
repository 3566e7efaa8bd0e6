package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.AffectedEntity;
import io.signalfold.schema.AffectedRole;
import io.signalfold.schema.CandidateSeverity;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.EntityRef;
import io.signalfold.schema.FeedbackVerdict;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.Impact;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.LinkedChange;
import io.signalfold.schema.OperationImpact;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.schema.TimelineEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Builds the {@link IncidentCandidate} record of one candidate version from its state, its member
 * signals and the stores: ranked hypotheses, affected entities with roles, impact (failure rates,
 * distinct counts, business delta), timeline, linked changes, data gaps and monitoring gaps. Pure
 * given the stores: the same state gives the same record.
 */
public final class CandidateAssembler {

  private static final int MAX_IMPACT_SERIES = 64;

  private final CorrelationConfig config;
  private final Topology topology;
  private final ImpactIndex impact;
  private final BusinessIndex business;
  private final InventoryIndex inventory;
  private final KeyedStore<ChangeEvent> changes;
  private final HypothesisRanker ranker;
  private final EvidenceFactory evidence;

  public CandidateAssembler(
      CorrelationConfig config,
      CorrelationState state,
      Topology topology,
      ImpactIndex impact,
      BusinessIndex business,
      InventoryIndex inventory) {
    this.config = config;
    this.topology = topology;
    this.impact = impact;
    this.business = business;
    this.inventory = inventory;
    this.changes = state.changes();
    this.ranker = new HypothesisRanker(config);
    this.evidence = new EvidenceFactory(config);
  }

  /** Changes in the store, by rollout time then id. */
  public List<ChangeEvent> allChanges() {
    List<ChangeEvent> out = new ArrayList<>();
    for (String k : changes.sortedKeys()) {
      ChangeEvent c = changes.get(k);
      if (c != null) {
        out.add(c);
      }
    }
    out.sort(
        Comparator.comparingLong(ChangeEvent::getTimestampMs).thenComparing(ChangeEvent::getId));
    return out;
  }

  /**
   * Builds the record for the candidate at event time {@code now}; folds new RED intervals into the
   * candidate's impact accumulators (so the caller must write {@code c} back).
   */
  public IncidentCandidate assemble(
      CandidateState c, List<SignalState> members, CandidateStatus status, long now) {
    List<ChangeEvent> changeList = allChanges();
    // Warm-up spikes are ruled out up front: they are not anomalies of their node.
    List<SignalState> effective = new ArrayList<>();
    Map<SignalState, String> warm = new LinkedHashMap<>();
    for (SignalState s : members) {
      String why = WarmUp.explain(s, changeList, members, config.warmupWindowMs(), now);
      if (why == null) {
        effective.add(s);
      } else {
        warm.put(s, why);
      }
    }
    if (effective.isEmpty()) {
      effective = members;
      warm.clear();
    }
    CandidateAnalysis a = new CandidateAnalysis(config, effective, topology, c.onsetMs);
    HypothesisRanker.Result ranking =
        ranker.rank(a, changeList, impact, inventory, c.feedback, now, warm);
    c.linkedChangeIds =
        ranking.linkedChanges.stream().map(ChangeEvent::getId).toArray(String[]::new);

    long impactEnd = status == CandidateStatus.RESOLVED ? c.resolvedAtMs : now;
    Set<String> affectedServices = new TreeSet<>();
    for (Node n : a.nodes.values()) {
      if (!n.dependency) {
        affectedServices.add(n.name);
      }
    }
    Map<String, Double> symptomRates = inheritedSymptoms(a, affectedServices, now);
    affectedServices.addAll(symptomRates.keySet());
    fold(c, a, affectedServices, impactEnd);

    List<AffectedEntity> affected = affected(c, a, ranking, symptomRates, impactEnd);
    Impact imp = impactRecord(c, a, impactEnd, status);
    List<Hypothesis> hyps = ranking.hypotheses;
    Hypothesis top = hyps.isEmpty() ? null : hyps.get(0);

    List<String> signalIds = new ArrayList<>();
    for (SignalState s : members) {
      signalIds.add(s.id);
    }
    IncidentCandidate.Builder b =
        IncidentCandidate.newBuilder()
            .setId(c.id)
            .setVersion(c.version)
            .setStatus(status)
            .setTitle(title(a, top))
            .setOnsetMs(a.onsetMs)
            .setOpenedAtMs(c.openedAtMs)
            .setUpdatedAtMs(now)
            .setResolvedAtMs(status == CandidateStatus.RESOLVED ? c.resolvedAtMs : null)
            .setSeverity(severity(a, top, affected))
            .setHypotheses(hyps)
            .setRuledOut(ranking.ruledOut)
            .setAffected(affected)
            .setImpact(imp)
            .setTimeline(timeline(c, a, ranking, status))
            .setLinkedChanges(linked(ranking.linkedChanges))
            .setDataGaps(dataGaps(a, imp, now))
            .setMonitoringGaps(monitoringGaps(a, top))
            .setSignalIds(signalIds)
            .setRawSignalCount(c.rawSignalCount)
            .setFeedback(new ArrayList<>(Arrays.asList(c.feedback)))
            .setSummary(null);
    return b.build();
  }

  // ---------------------------------------------------------------- impact

  /** Callers of the failing services whose own failure rate rose since onset (from RED). */
  private Map<String, Double> inheritedSymptoms(
      CandidateAnalysis a, Set<String> services, long now) {
    Map<String, Double> out = new TreeMap<>();
    Set<String> callers = new TreeSet<>();
    for (Node n : a.nodes.values()) {
      callers.addAll(a.graph.upstream(n.name, Math.max(2, config.maxHops() * 2)).keySet());
    }
    for (String svc : callers) {
      if (services.contains(svc)) {
        continue;
      }
      double req = 0;
      double err = 0;
      double breq = 0;
      double berr = 0;
      for (RedSeriesState s : serverSeries(svc)) {
        double[] t = impact.totals(s, a.onsetMs, now);
        req += t[0];
        err += t[1];
        double[] b = impact.totals(s, a.onsetMs - config.baselineWindowMs(), a.onsetMs);
        breq += b[0];
        berr += b[1];
      }
      if (req <= 0) {
        continue;
      }
      double rate = err / req;
      double base = breq > 0 ? berr / breq : 0;
      if (err >= 1 && rate >= Math.max(2 * base, base + 0.01)) {
        out.put(svc, rate);
      }
    }
    return out;
  }

  /** Server-side series of a service: per operation when present, else the service rollup. */
  private List<RedSeriesState> serverSeries(String service) {
    List<RedSeriesState> ops = new ArrayList<>();
    RedSeriesState rollup = null;
    for (RedSeriesState s : impact.seriesOf(service)) {
      if (!ImpactIndex.isServer(s)) {
        continue;
      }
      if ("*".equals(s.operation)) {
        rollup = s;
      } else {
        ops.add(s);
      }
    }
    if (ops.isEmpty() && rollup != null) {
      ops.add(rollup);
    }
    return ops;
  }

  private void fold(CandidateState c, CandidateAnalysis a, Set<String> services, long now) {
    List<RedSeriesState> series = new ArrayList<>();
    for (String svc : services) {
      series.addAll(serverSeries(svc));
    }
    List<String> attrs = config.impactAttributes();
    if (c.sketches == null || c.sketches.length != attrs.size()) {
      c.sketches = new byte[attrs.size()][];
    }
    Union[] unions = new Union[attrs.size()];
    for (int i = 0; i < attrs.size(); i++) {
      unions[i] = new Union(config.hllLgK());
      if (c.sketches[i] != null) {
        try {
          unions[i].update(HllSketch.heapify(c.sketches[i]));
        } catch (RuntimeException e) {
          c.sketches[i] = null;
        }
      }
    }
    boolean[] touched = new boolean[attrs.size()];
    for (RedSeriesState s : series) {
      String key = ImpactIndex.keyOf(s);
      int idx = Arrays.asList(c.impactSeries).indexOf(key);
      if (idx < 0) {
        if (c.impactSeries.length >= MAX_IMPACT_SERIES) {
          continue;
        }
        idx = c.impactSeries.length;
        int n = idx + 1;
        c.impactSeries = Arrays.copyOf(c.impactSeries, n);
        c.impactRequests = Arrays.copyOf(c.impactRequests, n);
        c.impactErrors = Arrays.copyOf(c.impactErrors, n);
        c.impactBaselineRate = Arrays.copyOf(c.impactBaselineRate, n);
        c.impactFoldedUntilMs = Arrays.copyOf(c.impactFoldedUntilMs, n);
        c.impactSeries[idx] = key;
        c.impactFoldedUntilMs[idx] = Math.floorDiv(c.onsetMs, s.intervalMs) * s.intervalMs;
        double[] b =
            impact.totals(s, c.onsetMs - config.baselineWindowMs(), c.impactFoldedUntilMs[idx]);
        c.impactBaselineRate[idx] = b[0] > 0 ? b[1] / b[0] : -1;
      }
      long from = c.impactFoldedUntilMs[idx];
      double[] t = impact.totals(s, from, now);
      c.impactRequests[idx] += t[0];
      c.impactErrors[idx] += t[1];
      c.impactFoldedUntilMs[idx] = impact.foldedEnd(s, from, now);
      for (int i = 0; i < attrs.size(); i++) {
        touched[i] |= impact.unionSketches(s, attrs.get(i), from, now, unions[i]);
      }
    }
    for (int i = 0; i < attrs.size(); i++) {
      if (touched[i] || c.sketches[i] != null) {
        c.sketches[i] = unions[i].getResult(TgtHllType.HLL_4).toCompactByteArray();
      }
    }
  }

  private Impact impactRecord(
      CandidateState c, CandidateAnalysis a, long end, CandidateStatus status) {
    List<OperationImpact> ops = new ArrayList<>();
    for (int i = 0; i < c.impactSeries.length; i++) {
      RedSeriesState s = impact.get(c.impactSeries[i]);
      String service = c.impactSeries[i].substring(0, c.impactSeries[i].indexOf('|'));
      String op = s == null ? null : s.operation;
      double req = c.impactRequests[i];
      double err = c.impactErrors[i];
      if (req <= 0 && err <= 0) {
        continue;
      }
      ops.add(
          OperationImpact.newBuilder()
              .setService(service)
              .setOperation(op == null || "*".equals(op) ? null : op)
              .setRequests(req)
              .setErrors(err)
              .setFailureRate(req > 0 ? err / req : 0)
              .setBaselineFailureRate(c.impactBaselineRate[i] < 0 ? null : c.impactBaselineRate[i])
              .build());
    }
    ops.sort(
        Comparator.comparing(OperationImpact::getService)
            .thenComparing(o -> o.getOperation() == null ? "" : o.getOperation()));
    Map<String, Long> distinct = new TreeMap<>();
    List<String> attrs = config.impactAttributes();
    for (int i = 0; i < attrs.size() && i < c.sketches.length; i++) {
      if (c.sketches[i] != null) {
        try {
          distinct.put(attrs.get(i), Math.round(HllSketch.heapify(c.sketches[i]).getEstimate()));
        } catch (RuntimeException e) {
          // unreadable sketch: reported as a data gap below by its absence
        }
      }
    }
    long lastActivity = a.onsetMs;
    for (SignalState s : a.members) {
      lastActivity = Math.max(lastActivity, s.active ? s.lastSeenMs : s.recoveredMs);
    }
    long durationEnd = status == CandidateStatus.RESOLVED ? lastActivity : end;
    Impact.Builder b =
        Impact.newBuilder()
            .setOperations(ops)
            .setOnsetMs(a.onsetMs)
            .setDurationMs(Math.max(0, durationEnd - a.onsetMs))
            .setDistinctCounts(distinct);
    double[] delta = business.delta(a.onsetMs, end);
    if (delta != null) {
      b.setBusinessMetric(config.businessMetric());
      b.setBusinessDelta(delta[0] - delta[1]);
      b.setBusinessDeltaFraction(delta[1] != 0 ? (delta[0] - delta[1]) / delta[1] : null);
    } else {
      b.setBusinessMetric(business.enabled() ? config.businessMetric() : null);
    }
    return b.build();
  }

  // ---------------------------------------------------------------- affected

  private List<AffectedEntity> affected(
      CandidateState c,
      CandidateAnalysis a,
      HypothesisRanker.Result ranking,
      Map<String, Double> symptomRates,
      long now) {
    List<AffectedEntity> out = new ArrayList<>();
    Map<String, double[]> rates = new TreeMap<>();
    for (int i = 0; i < c.impactSeries.length; i++) {
      String svc = c.impactSeries[i].substring(0, c.impactSeries[i].indexOf('|'));
      double[] r = rates.computeIfAbsent(svc, k -> new double[2]);
      r[0] += c.impactRequests[i];
      r[1] += c.impactErrors[i];
    }
    for (Node n : a.nodes.values()) {
      if (n.all().stream().allMatch(s -> s.category == SignalCategory.TOPOLOGY.ordinal())) {
        continue;
      }
      boolean cause = ranking.causeEntities.contains(n.name);
      List<String> ids = new ArrayList<>();
      for (SignalState s : n.all()) {
        if (!ids.contains(s.id)) {
          ids.add(s.id);
        }
      }
      Double rate = null;
      if (n.dependency) {
        double req = 0;
        double err = 0;
        for (RedSeriesState s : impact.clientSeriesTo(n.name)) {
          double[] t = impact.totals(s, a.onsetMs, now);
          req += t[0];
          err += t[1];
        }
        rate = req > 0 ? err / req : null;
      } else {
        double[] r = rates.get(n.name);
        rate = r != null && r[0] > 0 ? r[1] / r[0] : null;
      }
      Double p95 = null;
      if (!n.dependency) {
        double max = 0;
        for (RedSeriesState s : serverSeries(n.name)) {
          max = Math.max(max, impact.totals(s, a.onsetMs, now)[3]);
        }
        p95 = max > 0 ? max : null;
      }
      out.add(
          AffectedEntity.newBuilder()
              .setEntity(
                  EntityRef.newBuilder()
                      .setKind(n.dependency ? EntityKind.DEPENDENCY : EntityKind.SERVICE)
                      .setName(n.name)
                      .setService(null)
                      .build())
              .setRole(cause ? AffectedRole.CAUSE_CANDIDATE : AffectedRole.SYMPTOM)
              .setOnsetMs(n.onsetMs)
              .setFailureRate(rate)
              .setLatencyP95Ms(p95)
              .setSignalIds(ids)
              .build());
    }
    for (Map.Entry<String, Double> e : symptomRates.entrySet()) {
      out.add(
          AffectedEntity.newBuilder()
              .setEntity(
                  EntityRef.newBuilder().setKind(EntityKind.SERVICE).setName(e.getKey()).build())
              .setRole(AffectedRole.SYMPTOM)
              .setOnsetMs(a.onsetMs)
              .setFailureRate(e.getValue())
              .setSignalIds(List.of())
              .build());
    }
    Map<String, List<SignalState>> byInstance = new TreeMap<>();
    for (SignalState s : a.members) {
      if (s.instance != null && s.category != SignalCategory.TOPOLOGY.ordinal()) {
        byInstance.computeIfAbsent(s.instance, k -> new ArrayList<>()).add(s);
      }
    }
    int added = 0;
    for (Map.Entry<String, List<SignalState>> e : byInstance.entrySet()) {
      if (added++ >= 10) {
        break;
      }
      List<SignalState> l = e.getValue();
      long onset = Long.MAX_VALUE;
      List<String> ids = new ArrayList<>();
      for (SignalState s : l) {
        onset = Math.min(onset, s.onsetMs);
        ids.add(s.id);
      }
      out.add(
          AffectedEntity.newBuilder()
              .setEntity(
                  EntityRef.newBuilder()
                      .setKind(EntityKind.INSTANCE)
                      .setName(e.getKey())
                      .setService(l.get(0).service)
                      .build())
              .setRole(
                  ranking.causeEntities.contains(e.getKey())
                      ? AffectedRole.CAUSE_CANDIDATE
                      : AffectedRole.SYMPTOM)
              .setOnsetMs(onset)
              .setSignalIds(ids)
              .build());
    }
    return out;
  }

  // ---------------------------------------------------------------- timeline

  private List<TimelineEntry> timeline(
      CandidateState c,
      CandidateAnalysis a,
      HypothesisRanker.Result ranking,
      CandidateStatus status) {
    List<TimelineEntry> t = new ArrayList<>();
    for (ChangeEvent ch : ranking.linkedChanges) {
      t.add(entry(ch.getTimestampMs(), EvidenceFactory.describe(ch), ch.getId()));
    }
    Set<String> firstPerNode = new TreeSet<>();
    for (SignalState s : a.members) {
      String node = s.peer != null ? s.service + "->" + s.peer : String.valueOf(s.service);
      SignalCategory cat = SignalCategory.of(s.category);
      if (s.source == SignalState.SLO_ALERT) {
        t.add(
            entry(
                s.onsetMs,
                "SLO "
                    + s.signal.substring("slo.burn:".length())
                    + " burn alert fired ("
                    + (s.sloAlert == null
                        ? ""
                        : s.sloAlert.getSeverity().name().toLowerCase(Locale.ROOT))
                    + ")",
                s.id));
        if (!s.active) {
          t.add(entry(s.recoveredMs, "SLO burn alert resolved", s.id));
        }
      } else if (s.source == SignalState.EXTERNAL_ALERT) {
        t.add(entry(s.onsetMs, "external alert " + s.signal + " firing", s.id));
      } else if (cat == SignalCategory.TOPOLOGY) {
        t.add(entry(s.onsetMs, "new dependency first seen: " + s.service + " -> " + s.peer, s.id));
      } else if (firstPerNode.add(node + "|" + cat)) {
        t.add(
            entry(
                s.onsetMs,
                cat.label()
                    + " on "
                    + EvidenceFactory.entityOf(s)
                    + " ("
                    + s.signal
                    + " "
                    + EvidenceFactory.fmt(s.value)
                    + " vs "
                    + EvidenceFactory.fmt(s.expected)
                    + ")",
                s.id));
      }
    }
    if (c.openedAtMs > 0) {
      t.add(entry(c.openedAtMs, "candidate opened", c.id));
    }
    for (HypothesisFeedback f : c.feedback) {
      String who = f.getAuthor() == null ? "someone" : f.getAuthor();
      String what =
          f.getVerdict() == FeedbackVerdict.CONFIRM
              ? who + " confirmed hypothesis " + f.getHypothesisId()
              : f.getVerdict() == FeedbackVerdict.REJECT
                  ? who + " rejected hypothesis " + f.getHypothesisId()
                  : who + " noted";
      t.add(
          entry(
              f.getTimestampMs(),
              what + (f.getNote() == null ? "" : ": " + f.getNote()),
              f.getHypothesisId()));
    }
    if (status == CandidateStatus.RESOLVED) {
      t.add(entry(c.resolvedAtMs, "signals back to baseline; candidate resolved", c.id));
    }
    t.sort(
        Comparator.comparingLong(TimelineEntry::getTimestampMs)
            .thenComparing(TimelineEntry::getText));
    int max = config.maxTimeline();
    if (t.size() > max) {
      List<TimelineEntry> cut = new ArrayList<>(t.subList(0, max - 1));
      cut.add(t.get(t.size() - 1));
      return cut;
    }
    return t;
  }

  private static TimelineEntry entry(long ts, String text, @Nullable String ref) {
    return TimelineEntry.newBuilder().setTimestampMs(ts).setText(text).setRef(ref).build();
  }

  private static List<LinkedChange> linked(List<ChangeEvent> changes) {
    List<LinkedChange> out = new ArrayList<>();
    for (ChangeEvent c : changes) {
      out.add(
          LinkedChange.newBuilder()
              .setChangeId(c.getId())
              .setKind(c.getKind())
              .setService(c.getService())
              .setVersion(c.getVersion())
              .setTimestampMs(c.getTimestampMs())
              .setDescription(EvidenceFactory.describe(c))
              .build());
    }
    return out;
  }

  // ---------------------------------------------------------------- gaps

  private List<String> dataGaps(CandidateAnalysis a, Impact imp, long now) {
    List<String> gaps = new ArrayList<>();
    if (inventory.isEmpty()) {
      gaps.add(
          "no inventory of signal types reached correlation: missing traces, logs or metrics of"
              + " the services cannot be reported");
    }
    for (Node n : a.nodes.values()) {
      if (n.dependency) {
        Set<String> callers = new TreeSet<>(a.graph.callersOf(n.name));
        gaps.add(
            "dependency "
                + n.name
                + " has no telemetry of its own: it is seen only through client spans"
                + (callers.isEmpty() ? "" : " of " + String.join(", ", callers)));
        continue;
      }
      if (inventory.isEmpty()) {
        continue;
      }
      if (!inventory.knows(n.name)) {
        gaps.add(
            "no telemetry at all from "
                + n.name
                + " in the last hour: it is seen only by its callers");
        continue;
      }
      if (!inventory.has(n.name, InventoryFact.TRACES, now)) {
        gaps.add(
            "no traces from "
                + n.name
                + ": its failure rates and call-graph position are inferred from other services");
      }
      if (!inventory.has(n.name, InventoryFact.LOGS, now)) {
        gaps.add(
            "no logs from " + n.name + ": log templates cannot confirm or rule out a cause there");
      }
      if (!inventory.has(n.name, InventoryFact.METRICS, now)) {
        gaps.add("no metrics from " + n.name + ": resource saturation there cannot be checked");
      }
    }
    if (a.graph.edgeCount() == 0) {
      gaps.add(
          "no call edges known as of onset: grouping and depth ranking used service names and"
              + " common factors only");
    }
    for (String attr : config.impactAttributes()) {
      if (!imp.getDistinctCounts().containsKey(attr)) {
        gaps.add("no " + attr + " values on failing spans: its distinct count is unavailable");
      }
    }
    if (business.enabled() && imp.getBusinessDelta() == null) {
      gaps.add(
          "business metric "
              + config.businessMetric()
              + " has no data or no history to compare with over the incident");
    }
    return gaps;
  }

  private static List<String> monitoringGaps(CandidateAnalysis a, @Nullable Hypothesis top) {
    List<String> out = new ArrayList<>();
    if (top == null) {
      return out;
    }
    String entity = top.getEntity().getName();
    List<SignalState> naming = new ArrayList<>();
    Node n = a.nodes.get(entity);
    if (n != null) {
      naming.addAll(n.all());
    }
    for (SignalState s : a.members) {
      if (entity.equals(s.instance)
          || entity.equals(s.zone)
          || entity.equals(s.cell)
          || entity.equals(s.container)) {
        naming.add(s);
      }
    }
    boolean metric = false;
    Set<String> only = new TreeSet<>();
    for (SignalState s : naming) {
      String src = s.telemetrySource == null ? "" : s.telemetrySource;
      switch (src) {
        case "LOG" -> only.add("logs");
        case "TRACE" -> only.add("traces");
        case "TOPOLOGY" -> {}
        default -> metric = true;
      }
    }
    if (!metric && !only.isEmpty()) {
      out.add(
          "the cause on "
              + entity
              + " is visible only in "
              + String.join(" and ", only)
              + ", in no metric: add a metric or SLO for it");
    }
    return out;
  }

  // ---------------------------------------------------------------- title, severity

  private static String title(CandidateAnalysis a, @Nullable Hypothesis top) {
    Map<String, Integer> cats = new LinkedHashMap<>();
    Set<String> where = new TreeSet<>();
    List<String> order = new ArrayList<>();
    for (SignalState s : a.members) {
      SignalCategory cat = SignalCategory.of(s.category);
      if (cat == SignalCategory.TOPOLOGY) {
        continue;
      }
      cats.merge(cat.label(), 1, Integer::sum);
      String node = s.service != null ? s.service : s.peer;
      if (node != null && where.add(node)) {
        order.add(node);
      }
    }
    List<String> labels = new ArrayList<>(cats.keySet());
    labels.sort(Comparator.comparing((String l) -> -cats.get(l)).thenComparing(l -> l));
    String what =
        labels.isEmpty()
            ? "Anomalies"
            : labels.size() == 1
                ? cap(labels.get(0))
                : cap(labels.get(0)) + " and " + labels.get(1);
    String on =
        order.size() <= 3
            ? String.join(", ", order)
            : String.join(", ", order.subList(0, 3)) + " (+" + (order.size() - 3) + ")";
    String cause = "";
    if (top != null) {
      if (top.getPlanned()) {
        cause =
            ": planned activity"
                + (top.getEntity().getName().equals("all")
                    ? ""
                    : " on " + top.getEntity().getName());
      } else if (top.getKind() == RootCauseKind.UNKNOWN) {
        cause = ": cause unknown, deepest failing " + top.getEntity().getName();
      } else {
        cause =
            ": likely "
                + HypothesisDraft.label(top.getKind())
                + " "
                + top.getEntity().getName()
                + (top.getVersion() == null ? "" : " " + top.getVersion());
      }
    }
    return what + (on.isEmpty() ? "" : " on " + on) + cause;
  }

  private static String cap(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private CandidateSeverity severity(
      CandidateAnalysis a, @Nullable Hypothesis top, List<AffectedEntity> affected) {
    if (top != null && top.getPlanned()) {
      return CandidateSeverity.LOW;
    }
    boolean page = false;
    boolean ticket = false;
    boolean lagging = false;
    for (SignalState s : a.members) {
      if (s.sloAlert != null) {
        page |= s.sloAlert.getSeverity() == SloAlertSeverity.PAGE;
        ticket |= s.sloAlert.getSeverity() == SloAlertSeverity.TICKET;
      }
      if (s.externalAlert != null && s.alarm) {
        page |=
            "critical".equalsIgnoreCase(s.externalAlert.getSeverity())
                || "page".equalsIgnoreCase(s.externalAlert.getSeverity());
      }
      lagging |= !s.leading && s.alarm && s.category != SignalCategory.TOPOLOGY.ordinal();
    }
    double entryRate = 0;
    double anyRate = 0;
    for (AffectedEntity e : affected) {
      if (e.getFailureRate() == null || e.getEntity().getKind() != EntityKind.SERVICE) {
        continue;
      }
      anyRate = Math.max(anyRate, e.getFailureRate());
      if (a.graph.callersOf(e.getEntity().getName()).isEmpty()) {
        entryRate = Math.max(entryRate, e.getFailureRate());
      }
    }
    if (page || entryRate >= 0.2) {
      return CandidateSeverity.CRITICAL;
    }
    if (ticket || (lagging && anyRate >= 0.05)) {
      return CandidateSeverity.HIGH;
    }
    if (!lagging) {
      return CandidateSeverity.LOW;
    }
    return CandidateSeverity.MEDIUM;
  }
}
