package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.MIN;
import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.change;
import static io.signalfold.correlation.internal.RankingFixture.drafts;
import static io.signalfold.correlation.internal.RankingFixture.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeHypothesesTest {

  /**
   * web -> api -> ledger; ledger fails first and logs a new error, web inherits the failures and
   * logs them as a new error of its own.
   */
  private static RankingFixture ledgerFails() {
    RankingFixture f = new RankingFixture().calls("web", "api").calls("api", "ledger");
    f.signal("ledger", SignalCategory.ERRORS, ONSET);
    SignalState log = f.signal("ledger", SignalCategory.LOG, ONSET + MIN);
    log.anomalyKind = "NEW_LOG_TEMPLATE";
    RankingFixture.withMessage(log, "NullPointerException in LedgerWriter", null);
    f.signal("web", SignalCategory.ERRORS, ONSET + MIN);
    SignalState relayed = f.signal("web", SignalCategory.LOG, ONSET + MIN);
    relayed.anomalyKind = "NEW_LOG_TEMPLATE";
    RankingFixture.withMessage(relayed, "upstream api returned 500", null);
    return f;
  }

  private static HypothesisDraft byChange(RankingBoard board, String changeId) {
    List<HypothesisDraft> found =
        drafts(board, RootCauseKind.DEPLOYMENT).stream()
            .filter(d -> changeId.equals(d.changeId))
            .toList();
    assertThat(found).as("draft for %s", changeId).hasSize(1);
    return found.get(0);
  }

  @Test
  void aDeployOnTheFailingDeepestNodeHasDirectEvidenceAndOutranksOneOnAnInheritingCaller() {
    RankingFixture f = ledgerFails();
    f.add(change("chg-ledger", ChangeKind.DEPLOY, "ledger", ONSET - 10 * MIN).setVersion("4.2.0"));
    f.add(change("chg-web", ChangeKind.DEPLOY, "web", ONSET - 10 * MIN).setVersion("7.0.1"));

    RankingBoard board = f.run(new ChangeHypotheses());

    HypothesisDraft ledger = byChange(board, "chg-ledger");
    HypothesisDraft web = byChange(board, "chg-web");
    assertThat(ledger.entityName).isEqualTo("ledger");
    assertThat(ledger.version).isEqualTo("4.2.0");
    assertThat(ledger.mitigation).isEqualTo(MitigationClass.ROLLBACK);
    assertThat(ledger.direct).isTrue();
    assertThat(ledger.directReasons)
        .singleElement()
        .asString()
        .contains("new log template on ledger after the rollout")
        .contains("NullPointerException in LedgerWriter");
    assertThat(ledger.evidence).containsKey("chg-ledger");
    assertThat(web.direct).as("an inheriting caller's log is not its own").isFalse();
    assertThat(ledger.score).isGreaterThan(web.score);
    assertThat(board.linked).containsOnlyKeys("chg-ledger", "chg-web");
  }

  @Test
  void failuresOnlyWhereTheNewVersionRunsAreDirectEvidenceForItsDeploy() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    f.instanceSignal("api", "api-0", null, SignalCategory.ERRORS, ONSET, 20).version = "2.1.0";
    f.runs("api", "api-0", null, "2.1.0");
    for (String healthy : new String[] {"api-1", "api-2", "api-3"}) {
      f.runs("api", healthy, null, "2.0.0");
    }
    f.add(change("chg-canary", ChangeKind.DEPLOY, "api", ONSET - 10 * MIN).setVersion("2.1.0"));

    HypothesisDraft d = byChange(f.run(new ChangeHypotheses()), "chg-canary");

    assertThat(d.directReasons)
        .singleElement()
        .asString()
        .startsWith("failures concentrate on the new version: 1 of 1 instances on 2.1.0 fail");
  }

  @Test
  void theScoreDecaysWithTheTimeFromTheRolloutToTheOnset() {
    RankingFixture f = ledgerFails();
    f.add(change("chg-recent", ChangeKind.CONFIG, "ledger", ONSET - 5 * MIN).setKey("pool.size"));
    f.add(change("chg-old", ChangeKind.CONFIG, "ledger", ONSET - 90 * MIN).setKey("timeout"));

    RankingBoard board = f.run(new ChangeHypotheses());

    List<HypothesisDraft> configs = drafts(board, RootCauseKind.CONFIG);
    HypothesisDraft recent =
        configs.stream().filter(d -> "chg-recent".equals(d.changeId)).findAny().orElseThrow();
    HypothesisDraft old =
        configs.stream().filter(d -> "chg-old".equals(d.changeId)).findAny().orElseThrow();
    assertThat(old.terms).anyMatch(t -> t.contains("rolled out 90m before onset, decay 30m"));
    assertThat(recent.mitigation).isEqualTo(MitigationClass.REVERT_CONFIG);
    // the same place and evidence: only the proximity differs, exp(-5/30) against exp(-90/30)
    assertThat(old.score / recent.score).isCloseTo(Math.exp(-85.0 / 30), within(1e-9));
  }

  @Test
  void changesAfterTheOnsetAndMergesAreRuledOutButLinked() {
    RankingFixture f = ledgerFails();
    f.add(change("chg-late", ChangeKind.DEPLOY, "ledger", ONSET + 5 * MIN).setVersion("4.2.1"));
    f.add(change("chg-undo", ChangeKind.ROLLBACK, "ledger", ONSET + 20 * MIN).setVersion("4.1.0"));
    f.add(change("chg-merge", ChangeKind.MERGE, "ledger", ONSET - 30 * MIN).setCommit("abc123"));

    RankingBoard board = f.run(new ChangeHypotheses());

    assertThat(board.drafts).isEmpty();
    assertThat(reasons(board))
        .anyMatch(r -> r.startsWith("deploy ledger") && r.contains("rolled out after onset"))
        .anyMatch(r -> r.contains("a rollback after onset is a mitigation, not a cause (20m"))
        .anyMatch(r -> r.contains("a merge is not a rollout") && r.contains("never deployed"));
    assertThat(board.linked).containsOnlyKeys("chg-late", "chg-undo", "chg-merge");
  }

  @Test
  void aMergeThatReachedProductionNamesTheDeployThatCarriedIt() {
    RankingFixture f = ledgerFails();
    f.add(change("chg-merge", ChangeKind.MERGE, "ledger", ONSET - 40 * MIN).setCommit("abc123"));
    f.add(
        change("chg-deploy", ChangeKind.DEPLOY, "ledger", ONSET - 10 * MIN)
            .setVersion("4.2.0")
            .setCommit("abc123"));

    RankingBoard board = f.run(new ChangeHypotheses());

    assertThat(reasons(board))
        .singleElement()
        .asString()
        .contains("only reached production with chg-deploy");
    assertThat(byChange(board, "chg-deploy").kind).isEqualTo(RootCauseKind.DEPLOYMENT);
  }

  @Test
  void aHealthyChangeElsewhereIsRuledOut() {
    RankingFixture f = ledgerFails().calls("gateway", "search");
    f.add(change("chg-search", ChangeKind.DEPLOY, "search", ONSET - 10 * MIN).setVersion("1.1"));

    RankingBoard board = f.run(new ChangeHypotheses());

    assertThat(board.drafts).isEmpty();
    assertThat(reasons(board))
        .singleElement()
        .asString()
        .startsWith("deploy search 1.1")
        .contains("healthy change elsewhere: search shows no anomaly");
    assertThat(board.ruledOut.get(0).getKind()).isEqualTo(RootCauseKind.DEPLOYMENT);
  }

  @Test
  void aPlannedActivityWithDirectEvidenceHalvesAChangeDuringIt() {
    RankingFixture f = ledgerFails();
    f.add(change("chg-ledger", ChangeKind.DEPLOY, "ledger", ONSET - 10 * MIN).setVersion("4.2.0"));
    HypothesisDraft plan =
        new HypothesisDraft(
            RootCauseKind.PLANNED_ACTIVITY, EntityKind.SERVICE, "web", "web", 1.0, "load test");
    plan.changeId = "chg-load";
    RankingBoard withIndirectPlan = new RankingBoard();
    withIndirectPlan.planned = plan;
    double alone = byChange(f.run(withIndirectPlan, new ChangeHypotheses()), "chg-ledger").score;

    plan.directEvidence("request rate up on web", 1.6);
    RankingBoard withPlan = new RankingBoard();
    withPlan.planned = plan;
    HypothesisDraft during = byChange(f.run(withPlan, new ChangeHypotheses()), "chg-ledger");

    assertThat(during.score).isCloseTo(alone * 0.5, within(1e-12));
    assertThat(during.ruledOut)
        .singleElement()
        .satisfies(
            r -> assertThat(r.getReason()).contains("coincides with planned activity chg-load"));
  }

  @Test
  void aSessionOnTheHostWhereItsServiceIsWorstIsLocatedThereWithDirectEvidence() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    for (SignalCategory cat :
        new SignalCategory[] {SignalCategory.ERRORS, SignalCategory.LATENCY}) {
      f.instanceSignal("api", "api-0", null, cat, ONSET, 2);
      f.instanceSignal("api", "api-1", null, cat, ONSET, 30);
      f.instanceSignal("api", "api-2", null, cat, ONSET, 2.5);
    }
    f.add(
        change("chg-on-1", ChangeKind.MANUAL_SESSION, "api", ONSET - 5 * MIN).setInstance("api-1"));
    f.add(
        change("chg-on-0", ChangeKind.MANUAL_SESSION, "api", ONSET - 5 * MIN).setInstance("api-0"));

    RankingBoard board = f.run(new ChangeHypotheses());

    List<HypothesisDraft> sessions = drafts(board, RootCauseKind.MANUAL_SESSION);
    HypothesisDraft worst =
        sessions.stream().filter(d -> d.entityName.equals("api-1")).findAny().orElseThrow();
    HypothesisDraft other =
        sessions.stream().filter(d -> d.entityName.equals("api-0")).findAny().orElseThrow();
    assertThat(worst.entityKind).isEqualTo(EntityKind.INSTANCE);
    assertThat(worst.mitigation).isEqualTo(MitigationClass.REPLACE_INSTANCE);
    assertThat(worst.terms)
        .anyMatch(t -> t.contains("2 of 2 metrics of its service are worst on host api-1"));
    assertThat(worst.directReasons)
        .containsExactly("only host api-1 shows instance-level anomalies");
    assertThat(other.direct).isFalse();
    assertThat(other.terms).anyMatch(t -> t.contains("not on one of its anomalous hosts"));
    assertThat(worst.score).isGreaterThan(other.score);
  }

  /**
   * A deploy 90 minutes before a failure decays to almost nothing, unless the failing node's series
   * were already off their baseline the first time they could alert: then the failure may have
   * begun any time in the history they had, and the deploy's timing no longer counts against it.
   */
  @Test
  void aCensoredOnsetDoesNotDecayAChangeInsideTheUnseenHistory() {
    double[] scores = new double[2];
    for (boolean censored : new boolean[] {false, true}) {
      RankingFixture f = new RankingFixture().calls("web", "ledger");
      SignalState slow = f.signal("ledger", SignalCategory.LATENCY, ONSET);
      RankingFixture.withMessage(slow, null, null);
      slow.anomaly = Anomaly.newBuilder(slow.anomaly).setOnsetCensored(censored).build();
      f.signal("web", SignalCategory.LATENCY, ONSET + MIN);
      f.add(
          change("chg-ledger", ChangeKind.DEPLOY, "ledger", ONSET - 90 * MIN).setVersion("4.2.0"));
      HypothesisDraft d = byChange(f.run(new ChangeHypotheses()), "chg-ledger");
      scores[censored ? 1 : 0] = d.score;
      if (censored) {
        assertThat(String.join("; ", d.terms))
            .contains("proximity 1.00")
            .contains("onset unknown: ledger was already off its baseline");
      } else {
        assertThat(String.join("; ", d.terms))
            .contains("proximity 0.05 (rolled out 90m before onset");
      }
    }
    assertThat(scores[1]).isGreaterThan(10 * scores[0]);
  }
}
