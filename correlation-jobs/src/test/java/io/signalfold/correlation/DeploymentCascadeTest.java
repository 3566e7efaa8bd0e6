package io.signalfold.correlation;

import static io.signalfold.correlation.CandidateAssert.assertThatCandidate;
import static io.signalfold.correlation.CandidateAssert.latest;
import static io.signalfold.correlation.Telemetry.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.HypothesisBasis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentCascadeTest {

  @Test
  void deployThatBreaksCacheDeserializationIsTheTopCauseAndCallersAreSymptoms() {
    Telemetry t = SyntheticIncidents.deployCascade(11);
    SyntheticIncidents.noise(t, min(-60), min(120));
    EngineDriver d = new EngineDriver(SyntheticIncidents.config()).feed(t.sorted()).finish();

    List<IncidentCandidate> all = latest(d.candidates);
    assertThat(all)
        .as("candidates: %s", all.stream().map(CandidateAssert::describe).toList())
        .hasSize(1);
    IncidentCandidate last = all.get(0);
    assertThatCandidate(last)
        .hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge")
        .hasSymptoms("bot-service", "gateway")
        .rulesOut("merge gateway", "never deployed")
        .rulesOut("rollback botforge", "mitigation")
        .hasStatus(CandidateStatus.RESOLVED)
        .confidencesAreProbabilities();
    var top = last.getHypotheses().get(0);
    assertThat(top.getVersion()).isEqualTo("2.4.1");
    assertThat(top.getBasis()).isEqualTo(HypothesisBasis.DIRECT_EVIDENCE);
    assertThat(top.getMitigation()).isEqualTo(MitigationClass.ROLLBACK);
    assertThat(top.getChangeId()).isEqualTo("chg-botforge-241");

    IncidentCandidate open = d.candidates.get(0);
    assertThat(open.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(open.getOpenedAtMs() - min(31))
        .as("open time after fault start")
        .isLessThanOrEqualTo(120_000);
    System.out.println(CandidateAssert.describe(last));
  }

  /**
   * Routine INVESTIGATE blips (a CPU spike, a latency shift) that came and went in the quarter hour
   * before the fault are pulled in as context, but they are not the incident's onset: the deploy
   * made between them and the failure stays the top cause instead of being ruled out as "rolled out
   * after onset".
   */
  @Test
  void blipsThatRecoveredBeforeTheFaultDoNotMoveTheOnsetBeforeTheDeploy() {
    Telemetry t = SyntheticIncidents.deployCascade(12);
    t.anomaly("bot-service", "process.cpu.utilization")
        .instance("bot-service-1")
        .investigate()
        .leading()
        .onset(min(20))
        .value(0.44, 0.35)
        .recovers(min(21))
        .add();
    t.anomaly("gateway", "http.server.duration.p95")
        .investigate()
        .leading()
        .onset(min(22))
        .value(220, 150)
        .recovers(min(29))
        .add();
    EngineDriver d = new EngineDriver(SyntheticIncidents.config()).feed(t.sorted()).finish();
    List<IncidentCandidate> all = latest(d.candidates);
    assertThat(all).hasSize(1);
    assertThatCandidate(all.get(0)).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge");
    assertThat(all.get(0).getHypotheses().get(0).getVersion()).isEqualTo("2.4.1");
  }

  /**
   * The rollout is announced on the topic and also derived from telemetry, once per instance that
   * starts reporting 2.4.1 (one of them before the announcement arrived). It is one cause: one
   * hypothesis, with the sightings as evidence, not three copies splitting the confidence.
   */
  @Test
  void aRolloutSeenInTelemetryPerInstanceIsOneHypothesis() {
    Telemetry t = SyntheticIncidents.deployCascade(13);
    for (int i = 0; i < 3; i++) {
      t.change(
          Telemetry.changeOf(
                  "chg-derived-" + i, io.signalfold.schema.ChangeKind.DEPLOY, 0, "botforge")
              .setTimestampMs(min(30) + (i - 1) * 60_000L)
              .setVersion("2.4.1")
              .setPreviousVersion("2.4.0")
              .setInstance("botforge-" + i)
              .setDerived(true)
              .setSource("telemetry")
              .build());
    }
    EngineDriver d = new EngineDriver(SyntheticIncidents.config()).feed(t.sorted()).finish();
    List<IncidentCandidate> all = latest(d.candidates);
    assertThat(all).hasSize(1);
    IncidentCandidate last = all.get(0);
    assertThatCandidate(last).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge");
    var deploys =
        last.getHypotheses().stream().filter(h -> h.getKind() == RootCauseKind.DEPLOYMENT).toList();
    assertThat(deploys)
        .extracting(io.signalfold.schema.Hypothesis::getChangeId)
        .containsExactly("chg-botforge-241");
    assertThat(deploys.get(0).getEvidence().toString())
        .contains("chg-derived-0", "chg-derived-1", "chg-derived-2");
  }
}
