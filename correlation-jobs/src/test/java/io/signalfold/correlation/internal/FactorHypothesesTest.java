package io.signalfold.correlation.internal;

import static io.signalfold.correlation.internal.RankingFixture.ONSET;
import static io.signalfold.correlation.internal.RankingFixture.describe;
import static io.signalfold.correlation.internal.RankingFixture.drafts;
import static io.signalfold.correlation.internal.RankingFixture.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.EntityKind;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import org.junit.jupiter.api.Test;

class FactorHypothesesTest {

  private static final SignalCategory[] ERRORS_AND_LATENCY = {
    SignalCategory.ERRORS, SignalCategory.LATENCY
  };

  /**
   * {@code service} runs {@code <service>-0} in zone-a and {@code <service>-1} in zone-b; both
   * fail, the one in zone-a ten times worse (the other inherits a little of it).
   */
  private static void failsWorseInZoneA(RankingFixture f, String service, SignalCategory... cats) {
    for (SignalCategory cat : cats) {
      f.instanceSignal(service, service + "-0", "zone-a", cat, ONSET, 41);
      f.instanceSignal(service, service + "-1", "zone-b", cat, ONSET, 5);
    }
  }

  private static void runsInBothZones(RankingFixture f, String service) {
    f.runs(service, service + "-0", "zone-a", null).runs(service, service + "-1", "zone-b", null);
  }

  @Test
  void aZoneWhereSeveralServicesAreWorstOffIsACommonFactor() {
    RankingFixture f = new RankingFixture().calls("web", "api").calls("web", "cart");
    failsWorseInZoneA(f, "api", SignalCategory.ERRORS);
    failsWorseInZoneA(f, "cart", SignalCategory.ERRORS);
    runsInBothZones(f, "api");
    runsInBothZones(f, "cart");

    RankingBoard board = f.run(new FactorHypotheses());

    HypothesisDraft zone = only(board, RootCauseKind.ZONE);
    assertThat(zone.entityKind).isEqualTo(EntityKind.ZONE);
    assertThat(zone.entityName).isEqualTo("zone-a");
    assertThat(zone.mitigation).isEqualTo(MitigationClass.SHIFT_TRAFFIC);
    assertThat(zone.summary).contains("2 of 2 metrics seen per zone are worst on zone zone-a");
    assertThat(zone.terms)
        .anyMatch(t -> t.startsWith("exclusivity 1.00 (the same services also run on zone-b"))
        .anyMatch(t -> t.contains("2 services share it"));
    // one metric per service is no pattern for an instance
    assertThat(drafts(board, RootCauseKind.INSTANCE)).isEmpty();
    assertThat(board.instanceFactors).isEmpty();
  }

  @Test
  void aZoneEveryServiceRunsInDoesNotDistinguishAnything() {
    RankingFixture f = new RankingFixture().calls("web", "api").calls("web", "cart");
    failsWorseInZoneA(f, "api", SignalCategory.ERRORS);
    failsWorseInZoneA(f, "cart", SignalCategory.ERRORS);
    f.runs("api", "api-0", "zone-a", null).runs("cart", "cart-0", "zone-a", null);

    RankingBoard board = f.run(new FactorHypotheses());

    assertThat(drafts(board, RootCauseKind.ZONE)).as("%s", describe(board)).isEmpty();
  }

  @Test
  void oneServiceIsNotEnoughForAZoneButItsWorstInstanceIsAFactor() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    failsWorseInZoneA(f, "api", ERRORS_AND_LATENCY);
    runsInBothZones(f, "api");

    RankingBoard board = f.run(new FactorHypotheses());

    assertThat(drafts(board, RootCauseKind.ZONE)).isEmpty();
    HypothesisDraft instance = only(board, RootCauseKind.INSTANCE);
    assertThat(instance.entityName).isEqualTo("api-0");
    assertThat(instance.entityService).isEqualTo("api");
    assertThat(instance.mitigation).isEqualTo(MitigationClass.REPLACE_INSTANCE);
    assertThat(board.instanceFactors).containsOnlyKeys("api-0");
    assertThat(board.instanceFactors.get("api-0")).isSameAs(instance);
  }

  @Test
  void anInstanceAChangeActedOnIsExplainedByIt() {
    RankingFixture f = new RankingFixture().calls("web", "api");
    failsWorseInZoneA(f, "api", ERRORS_AND_LATENCY);
    runsInBothZones(f, "api");
    RankingBoard board = new RankingBoard();
    HypothesisDraft session =
        new HypothesisDraft(
            RootCauseKind.MANUAL_SESSION, EntityKind.INSTANCE, "api-0", "api", 1.0, "session");
    session.changeId = "chg-session";
    board.put(session);

    f.run(board, new FactorHypotheses());

    assertThat(only(board, RootCauseKind.INSTANCE).terms)
        .anyMatch(t -> t.equals("explained 0.50 (the chg-session change acted on this instance)"));
  }

  @Test
  void anInstanceInsideAFailingZoneIsPartOfTheWiderPattern() {
    RankingFixture f = new RankingFixture().calls("web", "api").calls("web", "cart");
    failsWorseInZoneA(f, "api", ERRORS_AND_LATENCY);
    failsWorseInZoneA(f, "cart", ERRORS_AND_LATENCY);
    runsInBothZones(f, "api");
    runsInBothZones(f, "cart");

    RankingBoard board = f.run(new FactorHypotheses());

    HypothesisDraft zone = only(board, RootCauseKind.ZONE);
    assertThat(zone.summary).contains("4 of 4 metrics");
    assertThat(drafts(board, RootCauseKind.INSTANCE))
        .extracting(d -> d.entityName)
        .containsExactlyInAnyOrder("api-0", "cart-0");
    assertThat(drafts(board, RootCauseKind.INSTANCE))
        .allSatisfy(
            d ->
                assertThat(d.terms)
                    .contains("explained 0.50 (part of the wider pattern on zone zone-a)"));
  }

  /**
   * One api host fails in every way (errors, latency, CPU, restarts) and one cart host in zone-a
   * shows one slow blip: zone-a looks worst, but its pattern is that one host. The zone is
   * discounted as explained by it, and the host outranks it.
   */
  @Test
  void aZoneWhosePatternIsOneHostIsThatHost() {
    RankingFixture f = new RankingFixture().calls("web", "api").calls("web", "cart");
    SignalCategory[] all = {
      SignalCategory.ERRORS, SignalCategory.LATENCY, SignalCategory.CPU, SignalCategory.RESTARTS
    };
    for (SignalCategory cat : all) {
      f.instanceSignal("api", "api-0", "zone-a", cat, ONSET, 41);
      f.instanceSignal("api", "api-1", "zone-b", cat, ONSET, 1.5);
    }
    f.instanceSignal("cart", "cart-0", "zone-a", SignalCategory.LATENCY, ONSET, 41);
    f.instanceSignal("cart", "cart-1", "zone-b", SignalCategory.LATENCY, ONSET, 5);
    runsInBothZones(f, "api");
    runsInBothZones(f, "cart");

    RankingBoard board = f.run(new FactorHypotheses());

    HypothesisDraft zone = only(board, RootCauseKind.ZONE);
    HypothesisDraft host = only(board, RootCauseKind.INSTANCE);
    assertThat(host.entityName).isEqualTo("api-0");
    assertThat(zone.terms)
        .anyMatch(
            t -> t.startsWith("explained 0.50 (one host carries it: 4 of 5 metrics are on api-0"));
    assertThat(host.terms).noneMatch(t -> t.contains("part of the wider pattern"));
    assertThat(host.score).isGreaterThan(zone.score);
  }
}
