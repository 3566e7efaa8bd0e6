package io.signalfold.sinks.testing;

import io.signalfold.schema.AffectedEntity;
import io.signalfold.schema.AffectedRole;
import io.signalfold.schema.CandidateSeverity;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.EntityRef;
import io.signalfold.schema.Evidence;
import io.signalfold.schema.EvidenceType;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisBasis;
import io.signalfold.schema.Impact;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.LinkedChange;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.OperationImpact;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.RuledOut;
import io.signalfold.schema.SeriesSample;
import io.signalfold.schema.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hand-built incident candidates shaped like the correlation stage's output for the shared
 * scenarios: {@code bad-deploy-cache-format} (botforge 2.4.1 breaks cache deserialization, errors
 * cascade to bot-service and gateway, rolled back) and {@code dynamodb-throttling} (orders-table
 * throttles order-api, no change to blame). Each call returns a fresh, mutable record.
 */
public final class Candidates {

  private Candidates() {}

  /** bad-deploy-cache-format: T0 = start + 14 d of history. */
  public static final long DEPLOY_T0 = Instant.parse("2026-03-16T00:00:00Z").toEpochMilli();

  /** dynamodb-throttling: T0 = start + 14 d of history. */
  public static final long THROTTLE_T0 = Instant.parse("2026-05-25T00:00:00Z").toEpochMilli();

  private static final long MIN = 60_000L;
  private static final long SEC = 1_000L;

  public static final String DEPLOY_ID = "inc-botforge-20260316-0031";
  public static final String THROTTLE_ID = "inc-orders-table-20260525-0040";

  public static IncidentCandidate badDeployOpen() {
    return badDeploy(CandidateStatus.OPEN, 1, DEPLOY_T0 + 32 * MIN + 30 * SEC);
  }

  public static IncidentCandidate badDeployUpdated() {
    return badDeploy(CandidateStatus.UPDATED, 3, DEPLOY_T0 + 40 * MIN);
  }

  public static IncidentCandidate badDeployResolved() {
    return badDeploy(CandidateStatus.RESOLVED, 7, DEPLOY_T0 + 80 * MIN);
  }

  private static IncidentCandidate badDeploy(CandidateStatus status, int version, long at) {
    long deployAt = DEPLOY_T0 + 30 * MIN;
    long onset = DEPLOY_T0 + 31 * MIN + 10 * SEC;
    boolean resolved = status == CandidateStatus.RESOLVED;
    long end = resolved ? DEPLOY_T0 + 78 * MIN : at;

    List<Evidence> h1 = new ArrayList<>();
    h1.add(
        evidence(
                "chg-7c1e",
                EvidenceType.CHANGE,
                "botforge",
                null,
                "deploy of botforge 2.4.0 -> 2.4.1 (commit 9f1c2ab, github-actions) finished"
                    + " rollout 1 min before onset",
                deployAt)
            .build());
    h1.add(
        evidence(
                "an-3f9a",
                EvidenceType.ANOMALY,
                "botforge",
                "http.server.error_rate",
                "error rate of botforge GET /forge/{id} above its band",
                onset)
            .setValue(0.31)
            .setExpected(0.005)
            .setSamples(series(onset, 0.005, 0.002, 0.31, 12, 30 * SEC))
            .build());
    h1.add(
        evidence(
                "tpl-19",
                EvidenceType.LOG_TEMPLATE,
                "botforge",
                "log.template.count",
                "new ERROR log template on botforge",
                onset + 10 * SEC)
            .setCount(4210L)
            .setLogTemplate("cannot deserialize cache record: unknown field <*>")
            .build());
    h1.add(
        evidence(
                "tr-a91c",
                EvidenceType.TRACE,
                "botforge",
                null,
                "failing traces end in botforge with cache.hit=true",
                onset + 20 * SEC)
            .setTraceIds(
                List.of("4bf92f3577b34da6a3ce929d0e0e4736", "a3ce929d0e0e47364bf92f3577b34da6"))
            .setCount(1290L)
            .build());
    Hypothesis top =
        Hypothesis.newBuilder()
            .setId("hyp-1")
            .setRank(1)
            .setKind(RootCauseKind.DEPLOYMENT)
            .setEntity(ref(EntityKind.VERSION, "2.4.1", "botforge"))
            .setConfidence(0.86)
            .setBasis(HypothesisBasis.CORRELATION)
            .setMitigation(MitigationClass.ROLLBACK)
            .setDescription(
                "botforge 2.4.1 was rolled out 1 min before botforge began failing; the"
                    + " failures carry a new log template")
            .setChangeId("chg-7c1e")
            .setVersion("2.4.1")
            .setEvidence(h1)
            .setRuledOut(
                List.of(
                    RuledOut.newBuilder()
                        .setWhat("botforge instance botforge-1")
                        .setKind(RootCauseKind.INSTANCE)
                        .setReason("both instances botforge-0 and botforge-1 fail alike")
                        .setEvidenceIds(List.of("an-3f9a"))
                        .build()))
            .build();
    Hypothesis second =
        Hypothesis.newBuilder()
            .setId("hyp-2")
            .setRank(2)
            .setKind(RootCauseKind.DEPENDENCY)
            .setEntity(ref(EntityKind.DEPENDENCY, "robots-table", "botforge"))
            .setConfidence(0.09)
            .setBasis(HypothesisBasis.CORRELATION)
            .setMitigation(MitigationClass.RAISE_DEPENDENCY_CAPACITY)
            .setDescription("robots-table client latency rose slightly after onset")
            .setEvidence(
                List.of(
                    evidence(
                            "an-77d0",
                            EvidenceType.ANOMALY,
                            "robots-table",
                            "http.client.request.duration.p95",
                            "robots-table client latency p95 slightly above its band",
                            onset + 90 * SEC)
                        .setValue(21.0)
                        .setExpected(14.0)
                        .build()))
            .build();

    Evidence slo =
        evidence(
                "slo-gw-avail-0032",
                EvidenceType.SLO_ALERT,
                "gateway",
                "slo.budget.remaining",
                "gateway-availability burning error budget 14.4x faster than allowed (page)",
                onset + 80 * SEC)
            .setValue(0.62)
            .setExpected(1.0)
            .setSamples(series(onset, 1.0, 0.0, 0.62, 8, MIN))
            .build();
    // The SLO alert backs the impact of the top hypothesis as well.
    top.getEvidence().add(slo);

    List<TimelineEntry> timeline = new ArrayList<>();
    timeline.add(entry(deployAt, "botforge 2.4.1 rollout started", "chg-7c1e"));
    timeline.add(entry(onset, "botforge error rate above band", "an-3f9a"));
    timeline.add(
        entry(onset + 10 * SEC, "new log template on botforge: cannot deserialize", "tpl-19"));
    timeline.add(entry(onset + 30 * SEC, "bot-service errors above band", "an-5b21"));
    timeline.add(entry(onset + 50 * SEC, "gateway errors above band", "an-8c44"));
    timeline.add(
        entry(onset + 80 * SEC, "gateway-availability burn-rate page", "slo-gw-avail-0032"));

    List<LinkedChange> changes = new ArrayList<>();
    changes.add(
        LinkedChange.newBuilder()
            .setChangeId("chg-7c1e")
            .setKind(ChangeKind.DEPLOY)
            .setService("botforge")
            .setVersion("2.4.1")
            .setTimestampMs(deployAt)
            .setDescription("deploy botforge 2.4.0 -> 2.4.1, commit 9f1c2ab")
            .build());
    if (resolved) {
      long rollbackAt = DEPLOY_T0 + 75 * MIN;
      changes.add(
          LinkedChange.newBuilder()
              .setChangeId("chg-9d02")
              .setKind(ChangeKind.ROLLBACK)
              .setService("botforge")
              .setVersion("2.4.0")
              .setTimestampMs(rollbackAt)
              .setDescription("rollback botforge 2.4.1 -> 2.4.0")
              .build());
      timeline.add(entry(rollbackAt, "botforge rolled back to 2.4.0", "chg-9d02"));
      timeline.add(entry(end, "all signals back within their bands", "an-3f9a"));
    }

    return IncidentCandidate.newBuilder()
        .setId(DEPLOY_ID)
        .setVersion(version)
        .setStatus(status)
        .setTitle("Errors in botforge after deploy 2.4.1, cascading to bot-service and gateway")
        .setOnsetMs(onset)
        .setOpenedAtMs(DEPLOY_T0 + 32 * MIN + 30 * SEC)
        .setUpdatedAtMs(at)
        .setResolvedAtMs(resolved ? end : null)
        .setSeverity(CandidateSeverity.CRITICAL)
        .setHypotheses(new ArrayList<>(List.of(top, second)))
        .setRuledOut(
            new ArrayList<>(
                List.of(
                    RuledOut.newBuilder()
                        .setWhat("merge c0ffee1 on gateway")
                        .setKind(RootCauseKind.DEPLOYMENT)
                        .setReason("code merged but not deployed")
                        .setEvidenceIds(List.of("chg-1a20"))
                        .build(),
                    RuledOut.newBuilder()
                        .setWhat("deploy of schedule-service 1.1.4")
                        .setKind(RootCauseKind.DEPLOYMENT)
                        .setReason("rolled out 2 days before onset; schedule-service is healthy")
                        .setEvidenceIds(List.of("chg-0b77"))
                        .build())))
        .setAffected(
            new ArrayList<>(
                List.of(
                    affected("botforge", AffectedRole.CAUSE_CANDIDATE, onset, 0.31, "an-3f9a"),
                    affected(
                        "bot-service", AffectedRole.SYMPTOM, onset + 30 * SEC, 0.16, "an-5b21"),
                    affected("gateway", AffectedRole.SYMPTOM, onset + 50 * SEC, 0.155, "an-8c44"))))
        .setImpact(
            Impact.newBuilder()
                .setOperations(
                    new ArrayList<>(
                        List.of(
                            op("gateway", "GET /bots", 52000, 8060, 0.155, 0.005),
                            op("gateway", "POST /bots/{id}/commands", 21000, 3150, 0.15, 0.005))))
                .setOnsetMs(onset)
                .setDurationMs(end - onset)
                .setDistinctCounts(new java.util.HashMap<>(Map.of("robot.id", 1842L)))
                .build())
        .setTimeline(timeline)
        .setLinkedChanges(changes)
        .setDataGaps(new ArrayList<>(List.of("no telemetry of its own from robots-table")))
        .setMonitoringGaps(
            new ArrayList<>(
                List.of("cache deserialization failures show only in logs, in no metric")))
        .setSignalIds(
            new ArrayList<>(
                List.of("an-3f9a", "an-5b21", "an-8c44", "tpl-19", "slo-gw-avail-0032")))
        .setRawSignalCount(37)
        .build();
  }

  /** dynamodb-throttling, resolved: a dependency with direct evidence and no change to blame. */
  public static IncidentCandidate throttlingResolved() {
    return throttling(CandidateStatus.RESOLVED, 9, THROTTLE_T0 + 155 * MIN);
  }

  public static IncidentCandidate throttlingOpen() {
    return throttling(CandidateStatus.OPEN, 1, THROTTLE_T0 + 42 * MIN);
  }

  private static IncidentCandidate throttling(CandidateStatus status, int version, long at) {
    long onset = THROTTLE_T0 + 40 * MIN + 20 * SEC;
    boolean resolved = status == CandidateStatus.RESOLVED;
    long end = resolved ? THROTTLE_T0 + 151 * MIN : at;
    List<Evidence> ev = new ArrayList<>();
    ev.add(
        evidence(
                "tr-5e01",
                EvidenceType.TRACE,
                "orders-table",
                null,
                "client spans from order-api to orders-table carry the span event throttled",
                onset)
            .setCount(3380L)
            .setTraceIds(List.of("0af7651916cd43dd8448eb211c80319c"))
            .build());
    ev.add(
        evidence(
                "an-0d4e",
                EvidenceType.ANOMALY,
                "order-api",
                "http.server.error_rate",
                "error rate of order-api POST /orders above its band",
                onset + 10 * SEC)
            .setValue(0.29)
            .setExpected(0.003)
            .setSamples(series(onset + 10 * SEC, 0.003, 0.001, 0.29, 10, 30 * SEC))
            .build());
    ev.add(
        evidence(
                "tpl-4",
                EvidenceType.LOG_TEMPLATE,
                "order-api",
                "log.template.count",
                "ERROR log template surging on order-api",
                onset + 20 * SEC)
            .setCount(2950L)
            .setLogTemplate("ProvisionedThroughputExceededException: <*>")
            .build());
    ev.add(
        evidence(
                "slo-order-avail-0041",
                EvidenceType.SLO_ALERT,
                "order-api",
                "slo.budget.remaining",
                "order-availability burning error budget 14.4x faster than allowed (page)",
                onset + 70 * SEC)
            .setValue(0.41)
            .setExpected(1.0)
            .build());
    Hypothesis top =
        Hypothesis.newBuilder()
            .setId("hyp-1")
            .setRank(1)
            .setKind(RootCauseKind.DEPENDENCY)
            .setEntity(ref(EntityKind.DEPENDENCY, "orders-table", null))
            .setConfidence(0.91)
            .setBasis(HypothesisBasis.DIRECT_EVIDENCE)
            .setMitigation(MitigationClass.RAISE_DEPENDENCY_CAPACITY)
            .setDescription("orders-table throttles writes from order-api")
            .setEvidence(ev)
            .build();
    return IncidentCandidate.newBuilder()
        .setId(THROTTLE_ID)
        .setVersion(version)
        .setStatus(status)
        .setTitle("orders-table throttling order-api writes")
        .setOnsetMs(onset)
        .setOpenedAtMs(THROTTLE_T0 + 42 * MIN)
        .setUpdatedAtMs(at)
        .setResolvedAtMs(resolved ? end : null)
        .setSeverity(CandidateSeverity.HIGH)
        .setHypotheses(new ArrayList<>(List.of(top)))
        .setRuledOut(
            new ArrayList<>(
                List.of(
                    RuledOut.newBuilder()
                        .setWhat("recent changes")
                        .setKind(RootCauseKind.DEPLOYMENT)
                        .setReason(
                            "no change on order-api, delivery-api or web-frontend in the 2 h before onset")
                        .build())))
        .setAffected(
            new ArrayList<>(
                List.of(
                    affected("order-api", AffectedRole.SYMPTOM, onset + 10 * SEC, 0.29, "an-0d4e"),
                    affected(
                        "web-frontend", AffectedRole.SYMPTOM, onset + 40 * SEC, 0.2, "an-61aa"))))
        .setImpact(
            Impact.newBuilder()
                .setOperations(
                    new ArrayList<>(
                        List.of(op("web-frontend", "POST /checkout", 40000, 8000, 0.2, 0.003))))
                .setOnsetMs(onset)
                .setDurationMs(end - onset)
                .setDistinctCounts(new java.util.HashMap<>(Map.of("customer.id", 640L)))
                .setBusinessMetric("orders.placed")
                .setBusinessDelta(-812.0)
                .setBusinessDeltaFraction(-0.23)
                .build())
        .setTimeline(
            new ArrayList<>(
                List.of(
                    entry(onset, "throttled client spans to orders-table", "tr-5e01"),
                    entry(onset + 10 * SEC, "order-api errors above band", "an-0d4e"),
                    entry(
                        onset + 70 * SEC,
                        "order-availability burn-rate page",
                        "slo-order-avail-0041"))))
        .setDataGaps(new ArrayList<>(List.of("no telemetry of its own from orders-table")))
        .setSignalIds(
            new ArrayList<>(List.of("an-0d4e", "an-61aa", "tpl-4", "slo-order-avail-0041")))
        .setRawSignalCount(21)
        .build();
  }

  private static Evidence.Builder evidence(
      String id, EvidenceType type, String entity, String signal, String description, long ts) {
    return Evidence.newBuilder()
        .setId(id)
        .setType(type)
        .setEntity(entity)
        .setSignal(signal)
        .setDescription(description)
        .setTimestampMs(ts);
  }

  private static EntityRef ref(EntityKind kind, String name, String service) {
    return EntityRef.newBuilder().setKind(kind).setName(name).setService(service).build();
  }

  private static AffectedEntity affected(
      String service, AffectedRole role, long onset, double failureRate, String signal) {
    return AffectedEntity.newBuilder()
        .setEntity(ref(EntityKind.SERVICE, service, null))
        .setRole(role)
        .setOnsetMs(onset)
        .setFailureRate(failureRate)
        .setSignalIds(new ArrayList<>(List.of(signal)))
        .build();
  }

  private static OperationImpact op(
      String service, String op, double req, double err, double rate, double baseline) {
    return OperationImpact.newBuilder()
        .setService(service)
        .setOperation(op)
        .setRequests(req)
        .setErrors(err)
        .setFailureRate(rate)
        .setBaselineFailureRate(baseline)
        .build();
  }

  private static TimelineEntry entry(long ts, String text, String ref) {
    return TimelineEntry.newBuilder().setTimestampMs(ts).setText(text).setRef(ref).build();
  }

  /** A series that sits on its band, then jumps to {@code peak} at {@code onset}. */
  static List<SeriesSample> series(
      long onset, double expected, double spread, double peak, int points, long step) {
    List<SeriesSample> out = new ArrayList<>();
    for (int i = -points; i <= points / 2; i++) {
      long t = onset + i * step;
      double wiggle = spread * 0.3 * Math.sin(i * 1.7);
      double v = i < 0 ? expected + wiggle : peak * (1 - 0.02 * i);
      out.add(
          SeriesSample.newBuilder()
              .setTimestampMs(t)
              .setValue(v)
              .setExpected(expected)
              .setLower(Math.max(0, expected - spread))
              .setUpper(expected + spread)
              .build());
    }
    return out;
  }
}
