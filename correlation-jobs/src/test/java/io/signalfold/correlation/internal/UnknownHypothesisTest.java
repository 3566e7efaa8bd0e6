package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import org.junit.jupiter.api.Test;

class UnknownHypothesisTest {

  @Test
  void pointsAtTheDeepestAnomalousServiceWithItsEvidence() {
    RankingFixture f = new RankingFixture().calls("web", "api").calls("api", "ledger");
    f.signal("web", SignalCategory.ERRORS, ONSET + MIN).id = "web-errors";
    f.signal("api", SignalCategory.ERRORS, ONSET + MIN).id = "api-errors";
    f.signal("ledger", SignalCategory.ERRORS, ONSET).id = "ledger-errors";

    HypothesisDraft d = only(f.run(new UnknownHypothesis()), RootCauseKind.UNKNOWN);

    assertThat(d.entityKind).isEqualTo(EntityKind.SERVICE);
    assertThat(d.entityName).isEqualTo("ledger");
    assertThat(d.entityService).isEqualTo("ledger");
    assertThat(d.mitigation).isEqualTo(MitigationClass.INVESTIGATE);
    assertThat(d.summary).contains("ledger is the deepest anomalous node");
    assertThat(d.evidence).containsOnlyKeys("ledger-errors");
  }

  @Test
  void aFailingDatabaseIsNamedAsADependency() {
    RankingFixture f = new RankingFixture().calls("web", "api").callsDatabase("api", "db");
    f.clientSignal("api", "db", SignalCategory.ERRORS, ONSET);

    HypothesisDraft d = only(f.run(new UnknownHypothesis()), RootCauseKind.UNKNOWN);

    assertThat(d.entityKind).isEqualTo(EntityKind.DEPENDENCY);
    assertThat(d.entityName).isEqualTo("db");
    assertThat(d.entityService).isNull();
  }

  @Test
  void withoutSignalsItStillSaysSomething() {
    HypothesisDraft d =
        only(new RankingFixture().run(new UnknownHypothesis()), RootCauseKind.UNKNOWN);

    assertThat(d.entityName).isEqualTo("unknown");
    assertThat(d.evidence).isEmpty();
  }
}
