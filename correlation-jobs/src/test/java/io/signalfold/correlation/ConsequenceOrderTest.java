package io.signalfold.correlation;

import static io.signalfold.correlation.CandidateAssert.assertThatCandidate;
import static io.signalfold.correlation.Telemetry.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RootCauseKind;
import org.junit.jupiter.api.Test;

/**
 * A cause comes before its effects, and a factor must be able to tell entities apart: what starts
 * only after the symptoms it would explain is their consequence, and a facet that every request
 * carries points at nothing.
 */
class ConsequenceOrderTest {

  private static IncidentCandidate single(Telemetry t) {
    return EngineDriver.single(t, SyntheticIncidents.config());
  }

  /**
   * tax slows down eightfold; four and a half minutes later its own database calls are slower for a
   * while (its threads are busy). The database is not the cause, and tax stays the deepest node.
   */
  @Test
  void aDependencyThatSlowsDownAfterItsCallerIsAConsequence() {
    Telemetry t = SyntheticIncidents.deepChain(9);
    t.anomaly("tax", "http.client.duration.p95")
        .peer("rates-db")
        .onset(min(35))
        .value(9.4, 4.3)
        .recovers(min(36.5))
        .add();
    IncidentCandidate c = single(t);
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.UNKNOWN, "tax")
        .rulesOut("dependency rates-db", "a consequence, not the cause");
    assertThat(c.getHypotheses())
        .noneMatch(h -> h.getEntity().getName().equals("rates-db") && h.getRank() == 1);
  }

  /** Latency that began half an hour before the request rate rose was not caused by load. */
  @Test
  void loadThatRoseAfterTheSymptomsIsNotTheirCause() {
    Telemetry t = SyntheticIncidents.deepChain(9);
    t.anomaly("edge", "http.server.request_rate")
        .onset(min(62))
        .value(42, 35)
        .recovers(min(70))
        .add();
    IncidentCandidate c = single(t);
    assertThatCandidate(c)
        .hasTopHypothesis(RootCauseKind.UNKNOWN, "tax")
        .rulesOut("traffic surge at edge", "after the other symptoms began");
    assertThat(c.getHypotheses()).noneMatch(h -> h.getKind() == RootCauseKind.TRAFFIC);
  }

  /**
   * api was deployed eight minutes before a legitimate surge at the edge saturates it. The new
   * version served the old load without failing; the failures began with the load. "The new version
   * is running" is no evidence against it: the surge is the cause.
   */
  @Test
  void aHealthyDeployJustBeforeASurgeIsNotBlamedForIt() {
    Telemetry t = SyntheticIncidents.trafficSurge(31);
    t.deploy("chg-api-new", "api", "1.0.1", "1.0.2", min(20), 180_000);
    IncidentCandidate c = single(t);
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.TRAFFIC, "edge");
    assertThat(c.getHypotheses())
        .filteredOn(h -> "chg-api-new".equals(h.getChangeId()))
        .allMatch(
            h -> h.getRank() > 1 && h.getDescription().contains("load came after the rollout"));
  }

  /**
   * A latency blip on api that came and went five minutes before the surge is context pulled in
   * from the recent past, not the incident's first symptom: the load still came first.
   */
  @Test
  void aBlipThatEndedBeforeTheIncidentDoesNotMakeTheLoadLate() {
    Telemetry t = SyntheticIncidents.trafficSurge(31);
    t.anomaly("api", "http.server.duration.p95")
        .instance("api-0")
        .investigate()
        .onset(min(25.5))
        .value(140, 40)
        .recovers(min(26.5))
        .add();
    IncidentCandidate c = single(t);
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.TRAFFIC, "edge");
  }

  /**
   * The envoy sidecar leaks and its restarts make the requests fail soon after, in the same phase.
   * The requests are reported on the app container in every pod, so their errors and latency cannot
   * single the app container out: the sidecar stays the factor, and the app container is no
   * hypothesis at all.
   */
  @Test
  void requestMetricsDoNotPointAtTheContainerThatReportsThem() {
    Telemetry t = SyntheticIncidents.sidecarLeakThenErrors(13, 44);
    IncidentCandidate c = single(t);
    assertThatCandidate(c).hasTopHypothesis(RootCauseKind.CONTAINER, "envoy");
    assertThat(c.getHypotheses())
        .noneMatch(
            h -> h.getKind() == RootCauseKind.CONTAINER && h.getEntity().getName().equals("app"));
  }
}
