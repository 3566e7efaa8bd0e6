package io.signalfold.correlation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalCategoryTest {

  @Test
  void aRequestCounterOfFailuresCountsFailures() {
    assertThat(SignalCategory.countsFailures(Map.of("outcome", "failure"))).isTrue();
    assertThat(SignalCategory.countsFailures(Map.of("http.response.status_code", "503"))).isTrue();
    assertThat(SignalCategory.countsFailures(Map.of("error.type", "timeout"))).isTrue();
  }

  @Test
  void successesAndUnlabelledCountersAreTraffic() {
    assertThat(SignalCategory.countsFailures(Map.of("outcome", "success"))).isFalse();
    assertThat(SignalCategory.countsFailures(Map.of("http.response.status_code", "200"))).isFalse();
    assertThat(SignalCategory.countsFailures(Map.of())).isFalse();
  }

  @Test
  void aFailedOutcomeCounterIsClassifiedAsErrorsAndItsSuccessTwinAsTraffic() {
    assertThat(
            SignalCategory.classify(
                "http.server.requests.rate",
                "SPIKE",
                "METRIC",
                null,
                Map.of(),
                Map.of("outcome", "failure")))
        .isEqualTo(SignalCategory.ERRORS);
    assertThat(
            SignalCategory.classify(
                "http.server.requests.rate",
                "DIP",
                "METRIC",
                null,
                Map.of(),
                Map.of("outcome", "success")))
        .isEqualTo(SignalCategory.TRAFFIC);
  }
}
