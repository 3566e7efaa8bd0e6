package io.signalfold.correlation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The change's own signature, which lets a caller's change split off a new incident. */
class ChangeSeparationTest {

  private static final long MIN = 60_000;
  private static final long T = 100 * MIN;
  private static final long WINDOW = 10 * MIN;

  private static SignalState signal(
      String service, String instance, SignalCategory cat, long onset, String candidateId) {
    SignalState s = new SignalState();
    s.service = service;
    s.instance = instance;
    s.category = cat.ordinal();
    s.onsetMs = onset;
    s.candidateId = candidateId;
    return s;
  }

  private static SignalState template(String service, long onset, String candidateId) {
    SignalState s = signal(service, null, SignalCategory.LOG, onset, candidateId);
    s.anomalyKind = "NEW_LOG_TEMPLATE";
    return s;
  }

  private static ChangeEvent config() {
    return ChangeEvent.newBuilder()
        .setId("chg")
        .setKind(ChangeKind.CONFIG)
        .setService("tax")
        .setTimestampMs(T)
        .build();
  }

  private static ChangeEvent session(String host) {
    return ChangeEvent.newBuilder()
        .setId("chg")
        .setKind(ChangeKind.MANUAL_SESSION)
        .setService("bff")
        .setInstance(host)
        .setTimestampMs(T)
        .build();
  }

  @Test
  void aNewTemplateOnTheChangedServiceWithinTheWindowIsItsSignature() {
    assertThat(
            ChangeSeparation.showsOwnSignature(
                config(), "tax", List.of(template("tax", T + MIN, null)), "older", WINDOW))
        .isTrue();
    assertThat(
            ChangeSeparation.showsOwnSignature(
                config(), "tax", List.of(template("tax", T + 11 * MIN, null)), "older", WINDOW))
        .as("too late to be the change's doing")
        .isFalse();
    assertThat(
            ChangeSeparation.showsOwnSignature(
                config(), "tax", List.of(template("gateway", T + MIN, null)), "older", WINDOW))
        .as("another service's template")
        .isFalse();
  }

  @Test
  void aSignatureAlreadyInTheOlderCandidateDoesNotSeparateFromIt() {
    assertThat(
            ChangeSeparation.showsOwnSignature(
                config(), "tax", List.of(template("tax", T + MIN, "older")), "older", WINDOW))
        .isFalse();
  }

  @Test
  void aSessionsSignatureIsItsHostFailingAlone() {
    SignalState host = signal("bff", "bff-2", SignalCategory.ERRORS, T + 2 * MIN, null);
    SignalState sibling = signal("bff", "bff-0", SignalCategory.ERRORS, T + 3 * MIN, null);
    SignalState siblingSlow = signal("bff", "bff-0", SignalCategory.LATENCY, T + 3 * MIN, null);
    assertThat(
            ChangeSeparation.showsOwnSignature(
                session("bff-2"), "bff", List.of(host, siblingSlow), "older", WINDOW))
        .as("the host's errors are its own; a sibling's latency is another symptom")
        .isTrue();
    assertThat(
            ChangeSeparation.showsOwnSignature(
                session("bff-2"), "bff", List.of(host, sibling), "older", WINDOW))
        .as("siblings failing alike: inherited")
        .isFalse();
  }

  private static ChangeEvent deploy(
      String id, String version, String instance, long at, boolean derived) {
    return ChangeEvent.newBuilder()
        .setId(id)
        .setKind(ChangeKind.DEPLOY)
        .setService("settings")
        .setVersion(version)
        .setInstance(instance)
        .setDerived(derived)
        .setTimestampMs(at)
        .build();
  }

  /** Whether a new group on settings at T + 2 min separates from an active candidate begun at T. */
  private static boolean separates(List<ChangeEvent> changes) {
    RankingFixture f = new RankingFixture();
    CandidateState older = new CandidateState();
    older.id = "older";
    older.onsetMs = T;
    older.lastActivityMs = T + 5 * MIN;
    SignalState fresh = f.signal("settings", SignalCategory.ERRORS, T + 2 * MIN);
    return ChangeSeparation.separates(
        f.config,
        f.topology(),
        ChangeSeparation.rollouts(changes),
        older,
        List::of,
        List::of,
        List.of(fresh),
        T + 2 * MIN);
  }

  @Test
  void anInstanceReachingAVersionWhoseRolloutBeganBeforeTheOlderCandidateDoesNotSeparate() {
    ChangeEvent announced = deploy("chg-1", "3.13.6", null, T - MIN, false);
    ChangeEvent lateInstance = deploy("derived-1", "3.13.6", "settings-2", T + MIN, true);
    assertThat(separates(List.of(announced, lateInstance)))
        .as("the same rollout, still under way")
        .isFalse();
    assertThat(separates(List.of(announced, deploy("chg-2", "3.13.7", null, T + MIN, false))))
        .as("a new version after the older candidate began is a new change")
        .isTrue();
  }
}
