package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.drafts;
import static io.signalfold.correlation.internal.RankingFixture.only;
import static io.signalfold.correlation.internal.RankingFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import org.junit.jupiter.api.Test;

class DependencyHypothesesTest {

  /** web -> api -> orders-table (a database seen only through api's client spans). */
  private static RankingFixture orders() {
    return new RankingFixture().calls("web", "api").callsDatabase("api", "orders-table");
  }

  @Test
  void aDependencyWhoseOnlySignalIsMoreCallsIsRuledOut() {
    RankingFixture f = orders();
    f.signal("web", SignalCategory.TRAFFIC, ONSET);
    f.clientSignal("api", "orders-table", SignalCategory.TRAFFIC, ONSET).id = "more-calls";

    RankingBoard board = f.run(new DependencyHypotheses());

    assertThat(drafts(board, RootCauseKind.DEPENDENCY)).isEmpty();
    assertThat(board.ruledOut)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getWhat()).isEqualTo("dependency orders-table");
              assertThat(r.getReason()).contains("its callers only call it more often");
              assertThat(r.getEvidenceIds()).containsExactly("more-calls");
            });
  }

  @Test
  void throttlingInTheClientSpansIsDirectEvidence() {
    RankingFixture f = orders();
    RankingFixture.withMessage(
        f.clientSignal("api", "orders-table", SignalCategory.ERRORS, ONSET),
        null,
        "ProvisionedThroughputExceededException: Rate exceeded for table orders");

    RankingBoard board = f.run(new DependencyHypotheses());

    HypothesisDraft d = only(board, RootCauseKind.DEPENDENCY);
    assertThat(d.entityKind).isEqualTo(EntityKind.DEPENDENCY);
    assertThat(d.entityName).isEqualTo("orders-table");
    assertThat(d.summary).contains("seen by api");
    assertThat(d.direct).isTrue();
    assertThat(d.directReasons)
        .singleElement()
        .asString()
        .startsWith("client spans to orders-table report throttling")
        .contains("Rate exceeded");
    assertThat(d.mitigation).isEqualTo(MitigationClass.RAISE_DEPENDENCY_CAPACITY);
    assertThat(d.evidence).containsKey("edge:api->orders-table");
  }

  @Test
  void aSlowDependencyWithoutAMessageIsCorrelationOnly() {
    RankingFixture f = orders();
    f.clientSignal("api", "orders-table", SignalCategory.LATENCY, ONSET);

    HypothesisDraft d = only(f.run(new DependencyHypotheses()), RootCauseKind.DEPENDENCY);

    assertThat(d.direct).isFalse();
    assertThat(d.mitigation).isEqualTo(MitigationClass.RAISE_DEPENDENCY_CAPACITY);
  }

  @Test
  void aDependencyThatFailedOnlyAfterItsCallersIsAConsequence() {
    RankingFixture f = orders();
    f.signal("api", SignalCategory.CPU, ONSET);
    f.clientSignal("api", "orders-table", SignalCategory.LATENCY, ONSET + 10 * MIN);

    RankingBoard board = f.run(new DependencyHypotheses());

    assertThat(drafts(board, RootCauseKind.DEPENDENCY)).isEmpty();
    assertThat(reasons(board))
        .singleElement()
        .asString()
        .contains("its signals began 10m after its callers were already failing");
  }

  @Test
  void servicesAreNoDependencies() {
    RankingFixture f = orders();
    f.signal("api", SignalCategory.ERRORS, ONSET);

    RankingBoard board = f.run(new DependencyHypotheses());

    assertThat(board.drafts).isEmpty();
    assertThat(board.ruledOut).isEmpty();
  }
}
