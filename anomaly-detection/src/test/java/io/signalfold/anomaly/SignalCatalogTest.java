package io.signalfold.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;
import org.junit.jupiter.api.Test;

class SignalCatalogTest {

  private final SignalCatalog catalog = new SignalCatalog(AnomalyConfig.defaults());

  @Test
  void semanticConventionDefaults() {
    assertThat(catalog.classOf("process.cpu.utilization")).isEqualTo(SignalClass.LEADING);
    assertThat(catalog.classOf("jvm.memory.used")).isEqualTo(SignalClass.LEADING);
    assertThat(catalog.classOf("jvm.gc.duration.mean")).isEqualTo(SignalClass.LEADING);
    assertThat(catalog.classOf("http.server.duration.p95")).isEqualTo(SignalClass.LEADING);
    assertThat(catalog.classOf("system.filesystem.utilization")).isEqualTo(SignalClass.LEADING);
    assertThat(catalog.classOf("http.server.error_rate")).isEqualTo(SignalClass.LAGGING);
    assertThat(catalog.classOf("http.server.request_rate")).isEqualTo(SignalClass.LAGGING);
    assertThat(catalog.classOf("orders.placed.rate")).isEqualTo(SignalClass.LAGGING);
    assertThat(catalog.classOf("log.error.count")).isEqualTo(SignalClass.LAGGING);
  }

  @Test
  void sidesLimitsAndTrendFollowTheSignal() {
    SeriesSpec errors = catalog.specOf("http.server.error_rate", SeriesSpec.NoiseModel.BINOMIAL);
    assertThat(errors.sides()).isEqualTo(Direction.UP);
    assertThat(errors.trend()).isFalse();
    SeriesSpec traffic = catalog.specOf("http.server.request_rate", SeriesSpec.NoiseModel.POISSON);
    assertThat(traffic.sides()).isEqualTo(Direction.NONE);
    SeriesSpec cpu = catalog.specOf("process.cpu.utilization", SeriesSpec.NoiseModel.CONTINUOUS);
    assertThat(cpu.limit()).isEqualTo(1.0);
    assertThat(cpu.trend()).isTrue();
    assertThat(cpu.sides()).isEqualTo(Direction.UP);
  }

  @Test
  void overridesWinByLongestPrefix() {
    SignalCatalog custom =
        new SignalCatalog(
            AnomalyConfig.defaults()
                .withClassOverride("orders.", SignalClass.LEADING)
                .withClassOverride("orders.refunded", SignalClass.LAGGING)
                .withLimit("http.server.duration.p95", 250.0));
    assertThat(custom.classOf("orders.placed.rate")).isEqualTo(SignalClass.LEADING);
    assertThat(custom.classOf("orders.refunded.rate")).isEqualTo(SignalClass.LAGGING);
    assertThat(custom.specOf("http.server.duration.p95", SeriesSpec.NoiseModel.CONTINUOUS).limit())
        .isEqualTo(250.0);
  }

  @Test
  void utilizationsHaveAMinimumDeviationOfOnePoint() {
    SignalCatalog c = new SignalCatalog(AnomalyConfig.defaults());
    assertThat(
            c.specOf("system.filesystem.utilization", SeriesSpec.NoiseModel.CONTINUOUS)
                .minDeviation())
        .isEqualTo(0.01);
    assertThat(
            c.specOf("http.server.duration.p95", SeriesSpec.NoiseModel.CONTINUOUS).minDeviation())
        .isZero();
  }
}
