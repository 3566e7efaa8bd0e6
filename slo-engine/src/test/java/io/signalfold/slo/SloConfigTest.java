package io.signalfold.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.schema.SloAlertSeverity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SloConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    SloConfig c = SloConfig.defaults();
    assertThat(c.fineResolution()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.coarseResolution()).isEqualTo(Duration.ofHours(1));
    assertThat(c.allowedLateness()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.statusInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.defaultPolicy().rules())
        .extracting(BurnRateRule::name)
        .containsExactly("page-1h-5m", "page-6h-30m", "ticket-3d-6h");
    assertThat(c.defaultPolicy().resolveRatio()).isEqualTo(0.9);
  }

  @Test
  void propertiesOverrideDefaults() {
    SloConfig c =
        SloConfig.fromProperties(
            Map.of(
                "slo.fine-resolution", "30s",
                "slo.status-interval", "5m",
                "slo.max-lead", "12h",
                "slo.service-rollup-operation", "",
                "slo.policy.rules", "page:1h:5m:14.4, ticket:1d:2h:3",
                "slo.policy.keep-firing-for", "10m",
                "slo.policy.budget-alerts", "0.75:ticket,1.0:page",
                "other.key", "ignored"));
    assertThat(c.fineResolution()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.statusInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.maxLead()).isEqualTo(Duration.ofHours(12));
    assertThat(c.serviceRollupOperation()).isNull();
    assertThat(c.defaultPolicy().rules())
        .containsExactly(
            BurnRateRule.of(
                SloAlertSeverity.PAGE, Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
            BurnRateRule.of(SloAlertSeverity.TICKET, Duration.ofDays(1), Duration.ofHours(2), 3));
    assertThat(c.defaultPolicy().keepFiringFor()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.defaultPolicy().budgetAlerts())
        .containsExactly(
            new BudgetAlertRule(0.75, SloAlertSeverity.TICKET),
            new BudgetAlertRule(1.0, SloAlertSeverity.PAGE));
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> SloConfig.fromProperties(Map.of("slo.fine-resolution", "fast")))
        .hasMessageStartingWith("slo.fine-resolution=fast: cannot parse duration");
    assertThatThrownBy(() -> SloConfig.fromProperties(Map.of("slo.typo", "1")))
        .hasMessageContaining("slo.typo=1: unknown key");
    assertThatThrownBy(() -> SloConfig.fromProperties(Map.of("slo.coarse-resolution", "90s")))
        .hasMessageContaining("multiple of fineResolution");
  }

  @Test
  void scalingKeepsBudgetFractionsForOtherWindows() {
    BurnRatePolicy p = BurnRatePolicy.sreWorkbook();
    List<BurnRateRule> d28 = p.rulesFor(SloWindow.parse("28d"));
    // 14.4 * 28/30, 6 * 28/30, 1 * 28/30 (up to the last bit of a double).
    assertThat(d28.get(0).burnRate()).isCloseTo(13.44, within(1e-12));
    assertThat(d28.get(1).burnRate()).isCloseTo(5.6, within(1e-12));
    assertThat(d28.get(2).burnRate()).isCloseTo(28.0 / 30, within(1e-12));
    assertThat(d28)
        .extracting(BurnRateRule::longWindow)
        .containsExactly(Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(3));
    // A 1-day SLO cannot have a 3-day window: that rule is dropped.
    assertThat(p.rulesFor(SloWindow.parse("1d")))
        .extracting(BurnRateRule::name)
        .containsExactly("page-1h-5m", "page-6h-30m");
    List<BurnRateRule> w7 =
        p.withRules(p.rules(), BurnRatePolicy.WindowScaling.WINDOWS)
            .rulesFor(SloWindow.parse("7d"));
    assertThat(w7)
        .extracting(BurnRateRule::longWindow)
        .containsExactly(Duration.ofMinutes(14), Duration.ofMinutes(84), Duration.ofMinutes(1008));
    assertThat(w7).extracting(BurnRateRule::burnRate).containsExactly(14.4, 6.0, 1.0);
  }
}
