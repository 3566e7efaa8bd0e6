package io.signalfold.correlation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutsTest {

  private static final long MIN = 60_000L;

  private static ChangeEvent.Builder change(String id, ChangeKind kind, long at, String version) {
    return ChangeEvent.newBuilder()
        .setId(id)
        .setKind(kind)
        .setTimestampMs(at)
        .setService("payments")
        .setVersion(version);
  }

  @Test
  void anAnnouncedRolloutAndItsPerInstanceSightingsAreOne() {
    ChangeEvent announced =
        change("announced", ChangeKind.DEPLOY, 10 * MIN, "1.1.0")
            .setRolloutEndMs(12 * MIN)
            .setCommit("5e1d0a7")
            .build();
    ChangeEvent early =
        change("seen-0", ChangeKind.DEPLOY, 9 * MIN, "1.1.0")
            .setInstance("payments-0")
            .setDerived(true)
            .build();
    ChangeEvent late =
        change("seen-1", ChangeKind.DEPLOY, 14 * MIN, "1.1.0")
            .setInstance("payments-1")
            .setDerived(true)
            .build();
    List<Rollouts.Rollout> merged = Rollouts.merge(List.of(late, announced, early));
    assertThat(merged).hasSize(1);
    ChangeEvent c = merged.get(0).change();
    assertThat(c.getId()).isEqualTo("announced");
    assertThat(c.getCommit()).isEqualTo("5e1d0a7");
    assertThat(c.getTimestampMs()).as("first sighting").isEqualTo(9 * MIN);
    assertThat(c.getRolloutEndMs()).as("last sighting").isEqualTo(14 * MIN);
    assertThat(c.getInstance()).as("service-wide").isNull();
    assertThat(merged.get(0).alsoSeen())
        .extracting(ChangeEvent::getId)
        .containsExactly("seen-0", "seen-1");
  }

  @Test
  void otherVersionsKindsAndLaterRolloutsStaySeparate() {
    ChangeEvent deploy = change("d1", ChangeKind.DEPLOY, 0, "1.1.0").build();
    ChangeEvent redeploy = change("d2", ChangeKind.DEPLOY, 3 * 60 * MIN, "1.1.0").build();
    ChangeEvent other = change("d3", ChangeKind.DEPLOY, MIN, "1.2.0").build();
    ChangeEvent rollback = change("r1", ChangeKind.ROLLBACK, 2 * MIN, "1.1.0").build();
    ChangeEvent config =
        ChangeEvent.newBuilder()
            .setId("c1")
            .setKind(ChangeKind.CONFIG)
            .setTimestampMs(MIN)
            .setService("payments")
            .build();
    List<Rollouts.Rollout> merged =
        Rollouts.merge(List.of(deploy, redeploy, other, rollback, config));
    assertThat(merged)
        .extracting(r -> r.change().getId())
        .containsExactlyInAnyOrder("d1", "d2", "d3", "r1", "c1");
    assertThat(merged).allSatisfy(r -> assertThat(r.alsoSeen()).isEmpty());
    assertThat(merged).extracting(Rollouts.Rollout::change).contains(deploy, redeploy);
  }
}
