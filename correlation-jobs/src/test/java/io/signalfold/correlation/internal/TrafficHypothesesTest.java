package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.only;
import static io.signalfold.correlation.internal.RankingFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import org.junit.jupiter.api.Test;

class TrafficHypothesesTest {

  @Test
  void aSurgeAtTheEntryBeforeTheFailuresLeadsThem() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("web", SignalCategory.TRAFFIC, ONSET).id = "surge";
    f.signal("api", SignalCategory.TRAFFIC, ONSET); // not an entry: its caller is anomalous
    f.signal("api", SignalCategory.ERRORS, ONSET + MIN);

    RankingBoard board = f.run(new TrafficHypotheses());

    HypothesisDraft d = only(board, RootCauseKind.TRAFFIC);
    assertThat(d.entityName).isEqualTo("web");
    assertThat(d.mitigation).isEqualTo(MitigationClass.SCALE_OUT);
    assertThat(d.terms).anyMatch(t -> t.startsWith("leading 1.30"));
    assertThat(d.directReasons).containsExactly("request rate above its band (surge)");
    assertThat(board.traffic).isSameAs(d);
  }

  @Test
  void aSurgeThatCameAfterTheSymptomsIsRuledOut() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("api", SignalCategory.ERRORS, ONSET);
    f.signal("web", SignalCategory.TRAFFIC, ONSET + 10 * MIN);

    RankingBoard board = f.run(new TrafficHypotheses());

    assertThat(board.drafts).isEmpty();
    assertThat(board.traffic).isNull();
    assertThat(reasons(board))
        .containsExactly(
            "traffic surge at web: the request rate moved 10m after the other symptoms began");
  }

  @Test
  void aDropThatTheServicesOwnErrorsExplainIsNoHypothesis() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("web", SignalCategory.TRAFFIC, ONSET).direction = -1;
    f.signal("web", SignalCategory.ERRORS, ONSET + MIN);

    RankingBoard board = f.run(new TrafficHypotheses());

    assertThat(board.drafts).isEmpty();
    assertThat(board.ruledOut).isEmpty();
  }

  @Test
  void anUnexplainedDropWeighsLessAndIsNotASurge() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("web", SignalCategory.TRAFFIC, ONSET).direction = -1;
    f.signal("api", SignalCategory.LATENCY, ONSET + MIN);

    RankingBoard board = f.run(new TrafficHypotheses());

    HypothesisDraft d = only(board, RootCauseKind.TRAFFIC);
    assertThat(d.summary).startsWith("Traffic drop at web");
    assertThat(d.mitigation).isEqualTo(MitigationClass.INVESTIGATE);
    double w = f.config.weights().get(Weight.TRAFFIC) * 0.7;
    assertThat(d.score).isCloseTo(w * f.config.weights().get(Weight.LEADING_FIRST), within(1e-12));
    assertThat(board.traffic).isNull();
  }
}
