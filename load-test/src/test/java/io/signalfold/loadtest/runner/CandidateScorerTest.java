package io.signalfold.loadtest.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.loadtest.runner.CandidateScorer.CandidateHistory;
import io.signalfold.loadtest.runner.CandidateScorer.IncidentResult;
import io.signalfold.loadtest.runner.CandidateScorer.ScenarioScore;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.testing.Candidates;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateScorerTest {

  private static final long MIN = 60_000L;

  private static ExpectedIncident deploy(String version, long faultStart) {
    return new ExpectedIncident(
        "botforge",
        "deployment",
        version,
        faultStart,
        faultStart + 45 * MIN,
        2 * MIN,
        List.of("bot-service", "gateway"),
        "robot.id",
        true);
  }

  private static List<CandidateHistory> badDeployVersions() {
    return CandidateScorer.histories(
        List.of(
            Candidates.badDeployResolved(),
            Candidates.badDeployOpen(),
            Candidates.badDeployUpdated()));
  }

  @Test
  void foldsVersionsIntoOneHistoryPerCandidate() {
    List<CandidateHistory> h = badDeployVersions();
    assertThat(h).hasSize(1);
    assertThat(h.get(0).versions()).isEqualTo(3);
    assertThat(h.get(0).resolved()).isTrue();
    assertThat(h.get(0).latest().getVersion())
        .isEqualTo(Candidates.badDeployResolved().getVersion());
    assertThat(h.get(0).firstOpenedAtMs()).isEqualTo(Candidates.badDeployOpen().getOpenedAtMs());
  }

  @Test
  void trueCauseRankedFirstIsDetectedInTime() {
    long faultStart = Candidates.DEPLOY_T0 + 31 * MIN;
    ScenarioScore s =
        CandidateScorer.score(List.of(deploy("2.4.1", faultStart)), badDeployVersions());
    assertThat(s.falseCandidates()).isEmpty();
    IncidentResult r = s.incidents().get(0);
    assertThat(r.candidateId()).isEqualTo(Candidates.DEPLOY_ID);
    assertThat(r.rank()).isEqualTo(1);
    assertThat(r.openDelayMs()).isEqualTo(Candidates.badDeployOpen().getOpenedAtMs() - faultStart);
    assertThat(r.resolved()).isTrue();
  }

  @Test
  void wrongVersionIsDetectedButTheCauseIsMissed() {
    long faultStart = Candidates.DEPLOY_T0 + 31 * MIN;
    ScenarioScore s =
        CandidateScorer.score(List.of(deploy("9.9.9", faultStart)), badDeployVersions());
    IncidentResult r = s.incidents().get(0);
    assertThat(r.detected()).isTrue();
    assertThat(r.rank()).isZero();
    assertThat(s.falseCandidates()).isEmpty();
  }

  @Test
  void quietScenarioCountsEveryCandidateAsFalse() {
    ScenarioScore s = CandidateScorer.score(List.of(), badDeployVersions());
    assertThat(s.incidents()).isEmpty();
    assertThat(s.falseCandidates()).hasSize(1);
  }

  @Test
  void candidateOutsideTheFaultWindowDoesNotMatch() {
    long muchLater = Candidates.DEPLOY_T0 + 10 * 60 * MIN;
    ScenarioScore s =
        CandidateScorer.score(List.of(deploy("2.4.1", muchLater)), badDeployVersions());
    assertThat(s.incidents().get(0).detected()).isFalse();
    assertThat(s.falseCandidates()).hasSize(1);
  }

  @Test
  void unrelatedConcurrentCandidateIsFalse() {
    long faultStart = Candidates.DEPLOY_T0 + 31 * MIN;
    List<CandidateHistory> both =
        CandidateScorer.histories(
            List.of(
                Candidates.badDeployOpen(),
                IncidentCandidate.newBuilder(Candidates.throttlingOpen())
                    .setOpenedAtMs(Candidates.badDeployOpen().getOpenedAtMs() + MIN)
                    .build()));
    ScenarioScore s = CandidateScorer.score(List.of(deploy("2.4.1", faultStart)), both);
    assertThat(s.incidents().get(0).rank()).isEqualTo(1);
    assertThat(s.falseCandidates())
        .extracting(h -> h.latest().getId())
        .containsExactly(Candidates.THROTTLE_ID);
  }
}
