package io.signalfold.correlation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionSplitTest {

  private static SignalState failing(String instance, String version, SignalCategory category) {
    SignalState s = new SignalState();
    s.service = "api";
    s.instance = instance;
    s.version = version;
    s.category = category.ordinal();
    return s;
  }

  private static Node node(SignalState... signals) {
    Node n = new Node("api");
    for (SignalState s : signals) {
      n.own.add(s);
    }
    return n;
  }

  @Test
  void aFailingCanaryAmongHealthyOldInstancesIsConcentrated() {
    Node n = node(failing("api-0", "2.1.0", SignalCategory.ERRORS));
    Map<String, String> running =
        Map.of("api-0", "2.1.0", "api-1", "2.0.0", "api-2", "2.0.0", "api-3", "2.0.0");
    VersionSplit split = VersionSplit.of(n, "2.1.0", running);
    assertThat(split.concentrated()).isTrue();
    assertThat(split.fisherP()).isCloseTo(0.25, within(1e-9)); // 1 of 4 by chance
    assertThat(split.describe("2.1.0"))
        .startsWith("1 of 1 instances on 2.1.0 fail, 0 of 3 on other versions");
    VersionSplit three =
        VersionSplit.of(
            node(
                failing("api-0", "2.1.0", SignalCategory.ERRORS),
                failing("api-1", "2.1.0", SignalCategory.LATENCY),
                failing("api-2", "2.1.0", SignalCategory.ERRORS)),
            "2.1.0",
            Map.of(
                "api-0", "2.1.0", "api-1", "2.1.0", "api-2", "2.1.0", "api-3", "2.0.0", "api-4",
                "2.0.0", "api-5", "2.0.0", "api-6", "2.0.0", "api-7", "2.0.0"));
    assertThat(three.fisherP()).isCloseTo(1.0 / 56, within(1e-9));
  }

  /** Everyone runs the new version and fails: nothing to compare, so no evidence either way. */
  @Test
  void theVersionRunningEverywhereIsNoComparison() {
    Node n =
        node(
            failing("api-0", "2.1.0", SignalCategory.LATENCY),
            failing("api-1", "2.1.0", SignalCategory.LATENCY));
    VersionSplit split = VersionSplit.of(n, "2.1.0", Map.of("api-0", "2.1.0", "api-1", "2.1.0"));
    assertThat(split.comparable()).isFalse();
    assertThat(split.concentrated()).isFalse();
  }

  /** Old instances failing as much as the new ones: the failure is not the version's. */
  @Test
  void oldInstancesFailingTooIsNotConcentrated() {
    Node n =
        node(
            failing("api-0", "2.1.0", SignalCategory.ERRORS),
            failing("api-1", "2.0.0", SignalCategory.ERRORS));
    VersionSplit split =
        VersionSplit.of(n, "2.1.0", Map.of("api-0", "2.1.0", "api-1", "2.0.0", "api-2", "2.0.0"));
    assertThat(split.comparable()).isTrue();
    assertThat(split.concentrated()).isFalse();
    assertThat(split.failingOther()).containsExactly("api-1");
  }

  /**
   * A freshly started instance's CPU is warm-up, not failure, and calls to peers are not its own.
   */
  @Test
  void onlyTheInstancesOwnErrorsAndLatencyCountAsFailing() {
    SignalState call = failing("api-1", "2.0.0", SignalCategory.ERRORS);
    call.peer = "db";
    Node n = node(failing("api-0", "2.1.0", SignalCategory.CPU), call);
    VersionSplit split = VersionSplit.of(n, "2.1.0", Map.of("api-0", "2.1.0", "api-1", "2.0.0"));
    assertThat(split.failingOn()).isEmpty();
    assertThat(split.failingOther()).isEmpty();
    assertThat(split.healthyOn()).containsExactly("api-0");
  }

  @Test
  void theInventoryKnowsWhichVersionEachInstanceRanAtATime() {
    InventoryIndex inventory =
        new InventoryIndex(CorrelationConfig.defaults(), new InMemoryCorrelationState());
    long min = 60_000;
    // api-0 switched to 2.1.0 at 10 min, api-1 at 50 min, api-2 never
    for (long t = 0; t <= 60 * min; t += 10 * min) {
      inventory.observe(fact("api-0", t < 10 * min ? "2.0.0" : "2.1.0", t));
      inventory.observe(fact("api-1", t < 50 * min ? "2.0.0" : "2.1.0", t));
      inventory.observe(fact("api-2", "2.0.0", t));
    }
    assertThat(inventory.versionsAt("api", 30 * min, 60 * min))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("api-0", "2.1.0", "api-1", "2.0.0", "api-2", "2.0.0"));
    assertThat(inventory.versionsAt("api", 60 * min, 60 * min)).containsEntry("api-1", "2.1.0");
  }

  private static InventoryFact fact(String instance, String version, long t) {
    return InventoryFact.create(
        "api", InventoryFact.TRACES, instance, null, null, null, version, t);
  }
}
