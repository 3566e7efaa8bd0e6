package io.signalfold.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.signalfold.schema.Severity;
import io.signalfold.schema.SloAlertSeverity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenSloLoaderTest {

  private static final OpenSloLoader LOADER = OpenSloLoader.create();

  private static SloDefinitionException.Problem onlyProblem(String yaml) {
    SloDefinitionException e =
        catchThrowableOfType(SloDefinitionException.class, () -> LOADER.parse("bad.yaml", yaml));
    assertThat(e).as("expected a validation error").isNotNull();
    assertThat(e.problems()).hasSize(1);
    return e.problems().get(0);
  }

  private static final String HEADER =
      "apiVersion: openslo/v1\n" // line 1
          + "kind: SLO\n" // 2
          + "metadata:\n" // 3
          + "  name: api\n" // 4
          + "spec:\n" // 5
          + "  service: api\n"; // 6

  private static final String SPANS_RATIO =
      "  indicator:\n" // 7
          + "    metadata: {name: api-sli}\n" // 8
          + "    spec:\n" // 9
          + "      ratioMetric:\n" // 10
          + "        good: {metricSource: {type: signalfold, spec: {signal: spans}}}\n" // 11
          + "        total: {metricSource: {type: signalfold, spec: {signal: spans}}}\n"; // 12

  @Test
  void loadsEveryKindFromAFile() throws Exception {
    Path file = Path.of(getClass().getResource("/openslo/checkout.yaml").toURI());
    List<SloDefinition> slos = LOADER.load(file);
    assertThat(slos)
        .extracting(SloDefinition::name)
        .containsExactly(
            "checkout-availability", "checkout-latency", "orders-success", "checkout-clean-logs");

    SloDefinition avail = slos.get(0);
    assertThat(avail.service()).isEqualTo("checkout");
    assertThat(avail.displayName()).isEqualTo("Checkout availability");
    assertThat(avail.sli()).isEqualTo(new Sli.Availability(null));
    assertThat(avail.objective()).isEqualTo(0.999);
    assertThat(avail.window()).isEqualTo(SloWindow.rolling(Duration.ofDays(30)));
    assertThat(avail.groupBy()).containsExactly(GroupDimension.ZONE);
    assertThat(avail.labels()).containsEntry("team", "payments");
    assertThat(avail.policy()).isNull();
    assertThat(avail.origin()).endsWith("checkout.yaml:10");

    SloDefinition latency = slos.get(1);
    assertThat(latency.sli()).isEqualTo(new Sli.Latency(300, "POST /checkout", null));
    assertThat(latency.objective()).isEqualTo(0.99);
    assertThat(latency.window())
        .isEqualTo(
            SloWindow.calendar(
                1,
                SloWindow.CalendarUnit.MONTH,
                LocalDateTime.of(2026, 1, 1, 0, 0),
                ZoneId.of("Europe/Berlin")));
    assertThat(latency.policy().rules())
        .containsExactly(
            new BurnRateRule(
                "fast",
                SloAlertSeverity.PAGE,
                Duration.ofHours(1),
                Duration.ofMinutes(5),
                14.4,
                Duration.ZERO),
            new BurnRateRule(
                "slow",
                SloAlertSeverity.TICKET,
                Duration.ofDays(3),
                Duration.ofHours(6),
                1.0,
                Duration.ofMinutes(10)));
    assertThat(latency.policy().scaling()).isEqualTo(BurnRatePolicy.WindowScaling.NONE);
    assertThat(latency.policy().resolveRatio()).isEqualTo(0.9);

    assertThat(slos.get(2).sli())
        .isEqualTo(
            new Sli.Ratio(
                new SeriesSelector.Metric("orders.failed", null, Map.of(), null),
                false,
                new SeriesSelector.Metric(
                    "orders.attempted", null, Map.of("channel", "web"), null)));
    assertThat(slos.get(2).window()).isEqualTo(SloWindow.rolling(Duration.ofDays(28)));

    assertThat(slos.get(3).sli())
        .isEqualTo(
            new Sli.Ratio(
                new SeriesSelector.Logs(null, Set.of(Severity.ERROR, Severity.FATAL), null, null),
                false,
                new SeriesSelector.Logs(null, Set.of(), null, null)));
  }

  @Test
  void objectiveOutOfRangeNamesFileLineAndField() {
    SloDefinitionException.Problem p =
        onlyProblem(
            HEADER
                + SPANS_RATIO
                + "  timeWindow: [{duration: 30d, isRolling: true}]\n" // 13
                + "  objectives:\n" // 14
                + "    - target: 1.5\n"); // 15
    assertThat(p.file()).isEqualTo("bad.yaml");
    assertThat(p.line()).isEqualTo(15);
    assertThat(p.field()).isEqualTo("spec.objectives[0].target");
    assertThat(p.message()).contains("must be in (0, 1)").contains("1.5");
    assertThat(p.toString()).startsWith("bad.yaml:15:");
  }

  @Test
  void missingSliIsReported() {
    SloDefinitionException.Problem p =
        onlyProblem(
            HEADER
                + "  timeWindow: [{duration: 30d, isRolling: true}]\n"
                + "  objectives: [{target: 0.99}]\n");
    assertThat(p.field()).isEqualTo("spec.indicator");
    assertThat(p.line()).isEqualTo(6); // the spec mapping starts at its first key
    assertThat(p.message()).contains("needs an SLI");
  }

  @Test
  void unknownKindIsReported() {
    SloDefinitionException.Problem p =
        onlyProblem("apiVersion: openslo/v1\nkind: SLX\nmetadata: {name: x}\nspec: {}\n");
    assertThat(p.field()).isEqualTo("kind");
    assertThat(p.line()).isEqualTo(2);
    assertThat(p.message()).contains("unknown kind 'SLX'").contains("SLO, SLI, AlertPolicy");
  }

  @Test
  void unparseableWindowIsReported() {
    SloDefinitionException.Problem p =
        onlyProblem(
            HEADER
                + SPANS_RATIO
                + "  timeWindow:\n" // 13
                + "    - duration: 30 days\n" // 14
                + "      isRolling: true\n"
                + "  objectives: [{target: 0.99}]\n");
    assertThat(p.field()).isEqualTo("spec.timeWindow[0].duration");
    assertThat(p.line()).isEqualTo(14);
    assertThat(p.message()).contains("cannot parse '30 days'");
  }

  @Test
  void rollingMonthsAndMissingCalendarAreReported() {
    SloDefinitionException.Problem p =
        onlyProblem(
            HEADER
                + SPANS_RATIO
                + "  timeWindow: [{duration: 1M, isRolling: true}]\n"
                + "  objectives: [{target: 0.99}]\n");
    assertThat(p.message()).contains("calendar windows (isRolling: false)");

    SloDefinitionException.Problem q =
        onlyProblem(
            HEADER
                + SPANS_RATIO
                + "  timeWindow: [{duration: 1M, isRolling: false}]\n"
                + "  objectives: [{target: 0.99}]\n");
    assertThat(q.field()).isEqualTo("spec.timeWindow[0].calendar");
  }

  @Test
  void everyProblemIsListedAtOnce() {
    SloDefinitionException e =
        catchThrowableOfType(
            SloDefinitionException.class,
            () ->
                LOADER.parse(
                    "two.yaml",
                    HEADER
                        + "  timeWindow: [{duration: 30x}]\n"
                        + "  objectives: [{target: 99.9}]\n"
                        + "  budgetingMethod: Timeslices\n"
                        + "  servce: typo\n"));
    assertThat(e.problems())
        .extracting(SloDefinitionException.Problem::field)
        .containsExactlyInAnyOrder(
            "spec.servce",
            "spec.budgetingMethod",
            "spec.indicator",
            "spec.timeWindow[0].duration",
            "spec.objectives[0].target");
    assertThat(e.getMessage()).startsWith("5 problems in SLO definitions:\ntwo.yaml:");
  }

  @Test
  void yamlSyntaxErrorsCarryTheirLocation() {
    SloDefinitionException.Problem p = onlyProblem("apiVersion: openslo/v1\nkind: [SLO\n");
    assertThat(p.field()).isEqualTo("(yaml)");
    assertThat(p.line()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void unresolvedReferencesAndForeignMetricSourcesAreReported() {
    SloDefinitionException.Problem ref =
        onlyProblem(
            HEADER
                + "  indicatorRef: nowhere\n"
                + "  timeWindow: [{duration: 30d}]\n"
                + "  objectives: [{target: 0.99}]\n");
    assertThat(ref.field()).isEqualTo("spec.indicatorRef");
    assertThat(ref.message()).contains("no SLI named 'nowhere'");

    SloDefinitionException.Problem prom =
        onlyProblem(
            HEADER
                + "  indicator:\n"
                + "    spec:\n"
                + "      ratioMetric:\n"
                + "        good: {metricSource: {type: Prometheus, spec: {query: up}}}\n"
                + "        total: {metricSource: {type: signalfold, spec: {signal: spans}}}\n"
                + "  timeWindow: [{duration: 30d}]\n"
                + "  objectives: [{target: 0.99}]\n");
    assertThat(prom.field()).isEqualTo("spec.indicator.spec.ratioMetric.good.metricSource.type");
    assertThat(prom.message()).contains("'Prometheus' is not supported");
  }

  @Test
  void latencyObjectiveNeedsOpAndValue() {
    SloDefinitionException.Problem p =
        onlyProblem(
            HEADER
                + "  indicator:\n"
                + "    spec:\n"
                + "      thresholdMetric: {metricSource: {type: signalfold, spec: {signal: spans}}}\n"
                + "  timeWindow: [{duration: 30d}]\n"
                + "  objectives: [{op: gte, value: 200, target: 0.99}]\n");
    assertThat(p.field()).isEqualTo("spec.objectives[0].op");
    assertThat(p.message()).contains("use lte");
  }

  @Test
  void severalObjectivesBecomeSeveralSlos() {
    List<SloDefinition> slos =
        LOADER.parse(
            "multi.yaml",
            HEADER
                + "  indicator:\n"
                + "    spec:\n"
                + "      thresholdMetric: {metricSource: {type: signalfold, spec: {signal: spans}}}\n"
                + "  timeWindow: [{duration: 30d}]\n"
                + "  objectives:\n"
                + "    - {name: p90, op: lte, value: 100, target: 0.9}\n"
                + "    - {name: p99, op: lte, value: 400, target: 0.99}\n");
    assertThat(slos).extracting(SloDefinition::name).containsExactly("api-p90", "api-p99");
    assertThat(slos.get(1).sli()).isEqualTo(new Sli.Latency(400, null, null));
  }

  @Test
  void scenarioEntriesBecomeDefinitions() {
    SloDefinition a =
        SloDefinition.fromScenario(
            Map.of(
                "name", "gateway-latency",
                "service", "gateway",
                "objective", 0.99,
                "window", "30d",
                "sli", "latency",
                "threshold_ms", 200));
    assertThat(a.sli()).isEqualTo(new Sli.Latency(200, null, null));
    assertThat(a.window()).isEqualTo(SloWindow.rolling(Duration.ofDays(30)));
    assertThat(a.objective()).isEqualTo(0.99);

    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                SloDefinition.fromScenario(
                    Map.of(
                        "name", "x",
                        "service", "gateway",
                        "objective", 1.5,
                        "window", "30d",
                        "sli", "availability")));
    assertThat(e).hasMessageContaining("objective").hasMessageContaining("1.5");
    IllegalArgumentException f =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                SloDefinition.fromScenario(
                    Map.of(
                        "name", "x",
                        "service", "gateway",
                        "objective", 0.9,
                        "sli", "latency")));
    assertThat(f).hasMessageContaining("threshold_ms");
  }
}
