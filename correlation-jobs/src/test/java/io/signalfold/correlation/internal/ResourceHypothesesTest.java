package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceHypothesesTest {

  @Test
  void theResourceThatMovedFirstNamesTheHypothesisAndLeadsTheFailures() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("api", SignalCategory.CPU, ONSET - 5 * MIN);
    f.signal("api", SignalCategory.MEMORY, ONSET - 20 * MIN);
    f.signal("api", SignalCategory.ERRORS, ONSET);

    HypothesisDraft d = only(f.run(new ResourceHypotheses()), RootCauseKind.RESOURCE);

    assertThat(d.entityName).isEqualTo("api");
    assertThat(d.summary).isEqualTo("Resource exhaustion on api: memory (also CPU).");
    assertThat(d.mitigation).isEqualTo(MitigationClass.REPLACE_INSTANCE);
    assertThat(d.terms).anyMatch(t -> t.startsWith("leading 1.30 (memory moved before"));
  }

  @Test
  void saturationAfterATrafficSurgeIsExplainedByIt() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.signal("web", SignalCategory.TRAFFIC, ONSET);
    f.signal("api", SignalCategory.CPU, ONSET + 2 * MIN);
    f.signal("api", SignalCategory.LATENCY, ONSET + 3 * MIN);
    double alone = only(f.run(new ResourceHypotheses()), RootCauseKind.RESOURCE).score;

    RankingBoard board = f.run(f.run(new TrafficHypotheses()), new ResourceHypotheses());

    HypothesisDraft d = only(board, RootCauseKind.RESOURCE);
    assertThat(board.traffic).isNotNull();
    assertThat(d.mitigation).isEqualTo(MitigationClass.SCALE_OUT);
    assertThat(d.terms).contains("explained 0.50 (the traffic surge at web came first)");
    assertThat(d.score).isCloseTo(alone * 0.5, within(1e-12));
  }

  @Test
  void exhaustionOnTheOneInstanceAnInstanceFactorNamesDefersToIt() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.instanceSignal("api", "api-2", null, SignalCategory.MEMORY, ONSET, 90);
    RankingBoard board = new RankingBoard();
    board.instanceFactors =
        Map.of(
            "api-2",
            new HypothesisDraft(
                RootCauseKind.INSTANCE, EntityKind.INSTANCE, "api-2", "api", 0.8, "instance"));

    HypothesisDraft d = only(f.run(board, new ResourceHypotheses()), RootCauseKind.RESOURCE);

    assertThat(d.summary).contains("memory on api-2");
    assertThat(d.terms)
        .contains(
            "explained 0.80 (concentrated on one instance: see the instance hypothesis for api-2)");
  }

  @Test
  void servicesWithoutResourceSignalsAndDependenciesAreNoResourceHypotheses() {
    RankingFixture f = new RankingFixture().calls("web", "api").callsDatabase("api", "db");
    f.signal("api", SignalCategory.ERRORS, ONSET);
    f.clientSignal("api", "db", SignalCategory.LATENCY, ONSET);

    assertThat(f.run(new ResourceHypotheses()).drafts).isEmpty();
  }
}
