package io.signalfold.correlation;

import static io.signalfold.correlation.CandidateAssert.assertThatCandidate;
import static io.signalfold.correlation.CandidateAssert.latestByOpening;
import static io.signalfold.correlation.Telemetry.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two unrelated incidents that overlap in time, sharing only the caller that shows both: a service
 * scaled to zero, and, while that incident is still active, a bad deploy of another service the
 * same gateway calls. The second is its own candidate blaming its own deploy, not folded into the
 * first and ruled out against the first one's onset.
 */
class ConcurrentIncidentsTest {

  private static Telemetry gatewayWithTwoBackends(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("gateway", 2).operations("GET /billing", "GET /tax").rps(100);
    t.service("billing", 2).version("3.5.9").operations("GET /billing").rps(50);
    t.service("tax", 2).version("5.0.7").operations("GET /tax").rps(50);
    t.service("calendar", 2).version("3.17.9").operations("POST /calendar/{id}").rps(50);
    t.call("gateway", "billing").call("gateway", "tax").call("tax", "calendar");
    return t;
  }

  /** The gateway world with background traffic, billing scaled to zero from minute 20 to 90. */
  private static Telemetry billingAtZero(long seed) {
    Telemetry t = gatewayWithTwoBackends(seed);
    t.background(min(-120), min(120), SyntheticIncidents.ATTRS);
    scaleBillingToZero(t);
    return t;
  }

  private static void scaleBillingToZero(Telemetry t) {
    t.change(
        Telemetry.changeOf("chg-scale-billing", ChangeKind.SCALE, min(20), "billing")
            .setReplicas(0)
            .setActor("autoscaler")
            .build());
    t.silence("billing", min(20), min(90));
    t.errors("gateway", "billing", 1.0, min(20), min(90), 0, "connect ECONNREFUSED billing:8080");
    t.anomaly("billing", "http.server.request.rate")
        .kind(AnomalyKind.MISSING_DATA)
        .down()
        .onset(min(20.5))
        .detectedAfter(60_000)
        .value(0, 25)
        .recovers(min(90.5))
        .add();
    t.anomaly("gateway", "http.client.error_rate")
        .peer("billing")
        .onset(min(20.5))
        .value(1.0, 0.004)
        .message("connect ECONNREFUSED billing:8080")
        .recovers(min(90.5))
        .add();
  }

  /**
   * A bad tax deploy at minute 44. Tax fails before calling calendar, so calendar receives fewer
   * calls: that drop is a consequence, which must not make tax look like it inherits its errors.
   */
  private static void badTaxDeploy(Telemetry t) {
    t.deploy("chg-tax-508", "tax", "5.0.7", "5.0.8", min(44), 60_000);
    t.errors("tax", null, 0.45, min(45), min(60));
    t.errors("gateway", "tax", 0.45, min(45), min(60));
    t.anomaly("calendar", "http.server.request.rate")
        .down()
        .onset(min(45))
        .value(27, 50)
        .recovers(min(60.5))
        .add();
    t.anomaly("tax", "http.server.error_rate")
        .version("5.0.8")
        .onset(min(45.2))
        .value(0.45, 0.004)
        .recovers(min(60.5))
        .add();
    t.anomaly("gateway", "http.client.error_rate")
        .peer("tax")
        .onset(min(45.2))
        .value(0.45, 0.004)
        .recovers(min(60.5))
        .add();
  }

  /** Plays the telemetry through the engine; the last version of each candidate, by open time. */
  private static List<IncidentCandidate> play(Telemetry t, int expected) {
    EngineDriver d = new EngineDriver(SyntheticIncidents.config()).feed(t.sorted()).finish();
    return latestByOpening(d.candidates, expected);
  }

  @Test
  void aDeployWhileAnotherIncidentIsActiveIsItsOwnCandidate() {
    Telemetry t = billingAtZero(16);
    badTaxDeploy(t);
    List<IncidentCandidate> all = play(t, 2);
    assertThatCandidate(all.get(0)).hasTopHypothesis(RootCauseKind.SCALE, "billing");
    assertThatCandidate(all.get(1)).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "tax");
    assertThat(all.get(1).getHypotheses().get(0).getVersion()).isEqualTo("5.0.8");
  }

  /**
   * Telemetry derives one deploy per instance as a rollout reaches it: an instance switching to the
   * bad version minutes into the incident continues the same change and the same incident.
   */
  @Test
  void aRolloutReachingMoreInstancesDuringItsIncidentDoesNotSplitIt() {
    Telemetry t = gatewayWithTwoBackends(18);
    t.background(min(-120), min(120), SyntheticIncidents.ATTRS);
    badTaxDeploy(t);
    t.change(
        Telemetry.changeOf("derived-tax-1", ChangeKind.DEPLOY, min(48), "tax")
            .setVersion("5.0.8")
            .setPreviousVersion("5.0.7")
            .setInstance("tax-1")
            .setDerived(true)
            .build());
    t.anomaly("tax", "http.server.error_rate")
        .instance("tax-1")
        .version("5.0.8")
        .onset(min(48.5))
        .value(0.5, 0.004)
        .recovers(min(60.5))
        .add();
    assertThatCandidate(play(t, 1).get(0)).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "tax");
  }

  /**
   * A caller deployed by chance while its callee is failing inherits the callee's errors: its
   * deploy does not split the incident (the same rule must not over-separate).
   */
  @Test
  void aCallerDeployedDuringItsCalleesIncidentStaysInThatIncident() {
    Telemetry t = billingAtZero(17);
    t.deploy("chg-gateway-unrelated", "gateway", "1.0.0", "1.0.1", min(44), 60_000);
    t.anomaly("gateway", "http.server.error_rate")
        .operation("GET /billing")
        .onset(min(46))
        .value(0.5, 0.004)
        .recovers(min(90.5))
        .add();
    assertThatCandidate(play(t, 1).get(0)).hasTopHypothesis(RootCauseKind.SCALE, "billing");
  }

  /**
   * The same caller, changed by its own config while its callee is still down, slows down and logs
   * a message never seen before within a minute of the change: that is the change's signature, not
   * something inherited from the callee, so it is its own candidate blaming the config change.
   */
  @Test
  void aCallersOwnChangeWithANewLogTemplateDuringItsCalleesIncidentIsItsOwnCandidate() {
    Telemetry t = billingAtZero(19);
    t.change(
        Telemetry.changeOf("chg-gateway-pool", ChangeKind.CONFIG, min(44), "gateway")
            .setKey("db.pool.max_size")
            .setOldValue("50")
            .setNewValue("4")
            .build());
    t.anomaly("gateway", "log.template.count")
        .onset(min(44.5))
        .value(30, 0)
        .log(
            "timeout acquiring connection from pool after <*> ms",
            "timeout acquiring connection from pool after 5000 ms")
        .recovers(min(70))
        .add();
    t.anomaly("gateway", "http.server.duration.p95")
        .operation("GET /tax")
        .onset(min(45))
        .value(900, 120)
        .recovers(min(70))
        .add();
    List<IncidentCandidate> all = play(t, 2);
    assertThatCandidate(all.get(0)).hasTopHypothesis(RootCauseKind.SCALE, "billing");
    assertThatCandidate(all.get(1)).hasTopHypothesis(RootCauseKind.CONFIG, "gateway");
  }

  /**
   * A debug session on one gateway host while billing is down, after which only that host's
   * requests fail: the other hosts call the same billing, so the failure is the session's own.
   */
  @Test
  void aSessionOnOneCallerHostDuringItsCalleesIncidentIsItsOwnCandidate() {
    Telemetry t = billingAtZero(20);
    t.change(
        Telemetry.changeOf("chg-session", ChangeKind.MANUAL_SESSION, min(44), "gateway")
            .setInstance("gateway-1")
            .setActor("alice")
            .build());
    t.anomaly("gateway", "http.server.error_rate")
        .instance("gateway-1")
        .operation("GET /tax")
        .onset(min(46))
        .value(1.0, 0.004)
        .message("SQLITE_ERROR: no such table: local_cache")
        .recovers(min(70))
        .add();
    List<IncidentCandidate> all = play(t, 2);
    assertThatCandidate(all.get(0)).hasTopHypothesis(RootCauseKind.SCALE, "billing");
    assertThatCandidate(all.get(1)).hasTopHypothesis(RootCauseKind.MANUAL_SESSION, "gateway-1");
  }
}
