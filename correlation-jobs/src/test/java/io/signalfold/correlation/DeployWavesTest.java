package io.signalfold.correlation;

import static io.signalfold.correlation.CandidateAssert.assertThatCandidate;
import static io.signalfold.correlation.CandidateAssert.latest;
import static io.signalfold.correlation.CandidateAssert.latestByOpening;
import static io.signalfold.correlation.Telemetry.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failures in waves (INCIDENTS.md I3): each wave starts after a deploy of its own service and ends
 * with its rollback. A change rolled out after the previous wave went quiet makes the next one its
 * own incident, blaming its own deploy, instead of re-opening or joining the previous candidate and
 * ruling the new deploy out as "after onset".
 */
class DeployWavesTest {

  private static void wave(Telemetry t, String service, String from, String to, double start) {
    String id = "chg-" + service + "-" + to;
    t.deploy(id, service, from, to, min(start - 1), 60_000);
    t.errors(service, null, 0.4, min(start), min(start + 15));
    t.anomaly(service, "http.server.error_rate")
        .version(to)
        .onset(min(start + 0.5))
        .value(0.4, 0.004)
        .recovers(min(start + 16))
        .add();
    t.anomaly("gateway", "http.server.error_rate")
        .operation("GET /bots")
        .onset(min(start + 1))
        .value(0.1, 0.004)
        .recovers(min(start + 16.5))
        .add();
    t.change(
        Telemetry.changeOf(
                "chg-" + service + "-back", ChangeKind.ROLLBACK, min(start + 14), service)
            .setVersion(from)
            .setPreviousVersion(to)
            .setRolloutEndMs(min(start + 15))
            .build());
  }

  @Test
  void eachWaveAfterItsOwnDeployIsItsOwnCandidate() {
    Telemetry t = SyntheticIncidents.botTopology(41);
    t.background(min(-120), min(150), SyntheticIncidents.ATTRS);
    wave(t, "botforge", "2.4.0", "2.4.1", 20);
    wave(t, "bot-service", "3.2.0", "3.2.1", 55);
    wave(t, "schedule-service", "1.1.4", "1.1.5", 90);
    EngineDriver d = new EngineDriver(SyntheticIncidents.config()).feed(t.sorted()).finish();
    List<IncidentCandidate> all = latestByOpening(d.candidates, 3);
    assertThatCandidate(all.get(0)).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge");
    assertThatCandidate(all.get(1)).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "bot-service");
    assertThatCandidate(all.get(2)).hasTopHypothesis(RootCauseKind.DEPLOYMENT, "schedule-service");
    assertThat(all.get(2).getHypotheses().get(0).getVersion()).isEqualTo("1.1.5");
  }

  /**
   * Scaling a scaled-down service back up is that incident's mitigation: the traffic and CPU that
   * return with it come after a change on the very service that failed, which does not make them a
   * new incident.
   */
  @Test
  void scalingBackUpDoesNotStartANewIncident() {
    Telemetry t = SyntheticIncidents.scaledToZero(7);
    t.change(
        Telemetry.changeOf("chg-scale-checkout-3", ChangeKind.SCALE, min(71), "checkout")
            .setReplicas(3)
            .build());
    t.anomaly("checkout", "http.server.request.rate")
        .onset(min(72))
        .value(60, 15)
        .recovers(min(76))
        .add();
    t.anomaly("checkout", "process.cpu.utilization")
        .instance("checkout-0")
        .leading()
        .onset(min(72))
        .value(0.9, 0.3)
        .recovers(min(75))
        .add();
    EngineDriver d = new EngineDriver(SyntheticIncidents.config()).feed(t.sorted()).finish();
    assertThat(latest(d.candidates))
        .as("candidates: %s", latest(d.candidates).stream().map(CandidateAssert::describe).toList())
        .hasSize(1);
  }
}
