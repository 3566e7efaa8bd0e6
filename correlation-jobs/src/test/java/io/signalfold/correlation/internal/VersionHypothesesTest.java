package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.change;
import static io.signalfold.correlation.internal.RankingFixture.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import org.junit.jupiter.api.Test;

class VersionHypothesesTest {

  /** api-0 runs 2.1.0 and fails; api-1 still runs 2.0.0. */
  private static RankingFixture canaryFails() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.instanceSignal("api", "api-0", null, SignalCategory.ERRORS, ONSET, 20).version = "2.1.0";
    f.instanceSignal("api", "api-0", null, SignalCategory.LATENCY, ONSET, 20).version = "2.1.0";
    f.signal("web", SignalCategory.ERRORS, ONSET);
    return f.runs("api", "api-0", null, "2.1.0").runs("api", "api-1", null, "2.0.0");
  }

  @Test
  void theOneVersionTheFailuresReportWhileAnotherRunsIsTheSuspect() {
    RankingBoard board = canaryFails().run(new VersionHypotheses());

    HypothesisDraft d = only(board, RootCauseKind.DEPLOYMENT);
    assertThat(d.entityKind).isEqualTo(EntityKind.VERSION);
    assertThat(d.entityName).isEqualTo("2.1.0");
    assertThat(d.entityService).isEqualTo("api");
    assertThat(d.version).isEqualTo("2.1.0");
    assertThat(d.mitigation).isEqualTo(MitigationClass.ROLLBACK);
    assertThat(d.summary).contains("while 2.0.0 also runs; no deploy event names it");
    assertThat(d.terms).anyMatch(t -> t.contains("2 version-bearing signals, all on 2.1.0"));
  }

  @Test
  void aVersionADeployNamesIsLeftToTheDeployHypothesis() {
    RankingFixture f = canaryFails();
    f.add(change("chg-api", ChangeKind.DEPLOY, "api", ONSET - 10 * MIN).setVersion("2.1.0"));

    assertThat(f.run(new VersionHypotheses()).drafts).isEmpty();
  }

  @Test
  void aVersionEveryInstanceRunsIsNoSuspect() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.instanceSignal("api", "api-0", null, SignalCategory.ERRORS, ONSET, 20).version = "2.1.0";
    f.runs("api", "api-0", null, "2.1.0").runs("api", "api-1", null, "2.1.0");

    assertThat(f.run(new VersionHypotheses()).drafts).isEmpty();
  }

  @Test
  void failuresOnTwoVersionsPointAtNeither() {
    RankingFixture f = canaryFails();
    f.instanceSignal("api", "api-1", null, SignalCategory.ERRORS, ONSET, 20).version = "2.0.0";

    assertThat(f.run(new VersionHypotheses()).drafts).isEmpty();
  }
}
