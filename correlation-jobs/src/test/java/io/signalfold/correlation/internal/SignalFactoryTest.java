package io.signalfold.correlation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalFactoryTest {

  @Test
  void aRequestCounterOfFailuresCountsFailures() {
    assertThat(SignalFactory.countsFailures(Map.of("outcome", "failure"))).isTrue();
    assertThat(SignalFactory.countsFailures(Map.of("http.response.status_code", "503"))).isTrue();
    assertThat(SignalFactory.countsFailures(Map.of("error.type", "timeout"))).isTrue();
  }

  @Test
  void successesAndUnlabelledCountersAreTraffic() {
    assertThat(SignalFactory.countsFailures(Map.of("outcome", "success"))).isFalse();
    assertThat(SignalFactory.countsFailures(Map.of("http.response.status_code", "200"))).isFalse();
    assertThat(SignalFactory.countsFailures(Map.of())).isFalse();
  }
}
