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
}
