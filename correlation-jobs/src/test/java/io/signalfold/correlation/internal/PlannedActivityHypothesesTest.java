package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.change;
import static io.signalfold.correlation.internal.RankingFixture.only;
import static io.signalfold.correlation.internal.RankingFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import org.junit.jupiter.api.Test;

class PlannedActivityHypothesesTest {

  /** web -> api; the request rate rises at web and api slows down. */
  private static RankingFixture loadAtWeb() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("web", SignalCategory.TRAFFIC, ONSET).id = "web-rate";
    f.signal("api", SignalCategory.LATENCY, ONSET + MIN);
    return f;
  }

  private static RankingFixture withActivity(RankingFixture f, String service, long from, long to) {
    return f.add(
        change("chg-load", ChangeKind.PLANNED_ACTIVITY, service, from)
            .setActivityStartMs(from)
            .setActivityEndMs(to)
            .setDescription("load test"));
  }

  @Test
  void anActivityCoveringTheOnsetIsAPlannedHypothesisBackedByTheLoad() {
    RankingFixture f = withActivity(loadAtWeb(), "web", ONSET - 10 * MIN, ONSET + 50 * MIN);

    RankingBoard board = f.run(new PlannedActivityHypotheses());

    HypothesisDraft d = only(board, RootCauseKind.PLANNED_ACTIVITY);
    assertThat(d.entityName).isEqualTo("web");
    assertThat(d.planned).isTrue();
    assertThat(d.changeId).isEqualTo("chg-load");
    assertThat(d.mitigation).isEqualTo(MitigationClass.WAIT_FOR_PLANNED_END);
    assertThat(d.directReasons).containsExactly("request rate up on web (web-rate)");
    assertThat(d.evidence).containsKeys("chg-load", "web-rate");
    assertThat(board.planned).isSameAs(d);
    assertThat(board.linked).containsOnlyKeys("chg-load");
  }

  @Test
  void withoutASignOfLoadItIsCorrelationOnly() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("api", SignalCategory.ERRORS, ONSET);
    withActivity(f, "web", ONSET - 10 * MIN, ONSET + 50 * MIN);

    RankingBoard board = f.run(new PlannedActivityHypotheses());

    HypothesisDraft d = only(board, RootCauseKind.PLANNED_ACTIVITY);
    assertThat(d.direct).isFalse();
    assertThat(board.planned).isSameAs(d);
  }

  @Test
  void anActivityThatEndedBeforeTheOnsetIsNotConsidered() {
    RankingFixture f = withActivity(loadAtWeb(), "web", ONSET - 90 * MIN, ONSET - 30 * MIN);

    RankingBoard board = f.run(new PlannedActivityHypotheses());

    assertThat(board.drafts).isEmpty();
    assertThat(board.linked).isEmpty();
    assertThat(board.planned).isNull();
  }

  @Test
  void anActivityOnAnUnrelatedServiceIsRuledOut() {
    RankingFixture f =
        withActivity(loadAtWeb().calls("batch", "archive"), "batch", ONSET - 5 * MIN, ONSET + MIN);

    RankingBoard board = f.run(new PlannedActivityHypotheses());

    assertThat(board.drafts).isEmpty();
    assertThat(board.planned).isNull();
    assertThat(reasons(board))
        .singleElement()
        .asString()
        .contains("planned activity on batch, which neither fails nor calls the failing services");
    assertThat(board.linked).containsOnlyKeys("chg-load");
  }
}
