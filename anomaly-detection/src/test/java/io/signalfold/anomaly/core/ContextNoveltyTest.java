package io.signalfold.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContextNoveltyTest {

  @Test
  void aRepeatingPatternSoonHasNothingNewAndABreakInItIsNew() {
    ContextNovelty c = new ContextNovelty(5, 3);
    double[] cycle = {0, 0, 10, 10};
    for (int i = 0; i < 40; i++) {
      c.observe(cycle[i % 4]);
    }
    for (int i = 40; i < 80; i++) {
      assertThat(c.observe(cycle[i % 4])).isZero();
    }
    assertThat(c.observe(0)).isZero();
    assertThat(c.observe(0)).isZero();
    // where the cycle goes up, a third 0: a known slice and a known pair, but a new triple
    assertThat(c.observe(0)).isEqualTo(1);
    // a value between the two levels: a slice the series never visited, new at every order
    assertThat(c.observe(3.5)).isEqualTo(3);
  }

  @Test
  void nothingIsNewUntilThereIsARangeAndAHistoryAsLongAsTheLongestContext() {
    ContextNovelty c = new ContextNovelty(5, 3);
    for (int i = 0; i < 10; i++) {
      assertThat(c.observe(1)).isZero(); // a constant start: no range, no slices
    }
    assertThat(c.observe(2)).isZero(); // the first change only makes the range
    assertThat(c.observe(3)).isZero(); // one slice
    assertThat(c.observe(1)).isZero(); // two
    assertThat(c.observe(2)).isEqualTo(3); // three: the first context of every order
  }

  @Test
  void valuesBeyondTheRangeFallInTheEdgeSlices() {
    ContextNovelty c = new ContextNovelty(4, 1);
    for (int i = 0; i < 20; i++) {
      c.observe(i % 2 == 0 ? 0 : 100); // slices 0 and 3 known
    }
    assertThat(c.observe(1000)).isZero(); // last slice, known
    assertThat(c.observe(-50)).isZero(); // first slice, known
    assertThat(c.observe(400)).isEqualTo(1); // slice 1 of the range -50..1000, never visited
  }

  @Test
  void rejectsDegenerateOrHugeConfigurations() {
    assertThatThrownBy(() -> new ContextNovelty(1, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContextNovelty(5, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContextNovelty(64, 8))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
