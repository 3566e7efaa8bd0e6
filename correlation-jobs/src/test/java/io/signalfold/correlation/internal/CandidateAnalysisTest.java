package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Roles in the call graph: what a caller inherits from the services it calls. */
class CandidateAnalysisTest {

  /** web calls api; web's errors start at the onset, api's signal {@code apiLag} later. */
  private static CandidateAnalysis.Node web(SignalCategory apiSignal, long apiLag) {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("web", SignalCategory.ERRORS, ONSET);
    f.signal("api", apiSignal, ONSET + apiLag);
    return f.analysis().node("web", false);
  }

  @Test
  void aCallerFailingWithItsCalleeInheritsItsFailure() {
    CandidateAnalysis.Node web = web(SignalCategory.LATENCY, 0);

    assertThat(web.role).isEqualTo(CandidateAnalysis.INHERITOR);
    assertThat(web.anomalousCallees).containsExactly("api");
    assertThat(web.roleReason).contains("inherits their failures");
  }

  @Test
  void aCallerThatFailedMinutesBeforeItsCalleeIsWhereItStarted() {
    CandidateAnalysis.Node web = web(SignalCategory.LATENCY, 5 * MIN);

    assertThat(web.role).isEqualTo(CandidateAnalysis.ROOT);
    assertThat(web.roleReason).startsWith("started failing before anything it calls");
  }

  @Test
  void aCalleeThatOnlyReceivesFewerCallsIsNotASource() {
    CandidateAnalysis.Node web = web(SignalCategory.TRAFFIC, 0);

    assertThat(web.role).isEqualTo(CandidateAnalysis.ROOT);
    assertThat(web.anomalousCallees).isEmpty();
  }

  @Test
  void aCallerWithResourceSignalsOfItsOwnIsMixed() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("web", SignalCategory.ERRORS, ONSET);
    f.signal("web", SignalCategory.MEMORY, ONSET);
    f.signal("api", SignalCategory.ERRORS, ONSET);

    assertThat(f.analysis().node("web", false).role).isEqualTo(CandidateAnalysis.MIXED);
  }
}
