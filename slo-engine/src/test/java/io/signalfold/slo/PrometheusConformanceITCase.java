package io.signalfold.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.signalfold.schema.AlertState;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.slo.internal.CompiledSlo;
import io.signalfold.slo.internal.MetricSliExtractor;
import io.signalfold.slo.internal.SliSample;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance with Prometheus: the same SLO, the same series, evaluated by this engine and by
 * {@code promtool test rules} with the generated multiwindow burn-rate rules. For every minute of
 * every scenario the test asks promtool to confirm exactly the set of alerts the engine has firing
 * at that minute, so firing and resolving must happen at the same evaluation times.
 *
 * <p>How the two line up (see the module README for the full argument): counters are sampled every
 * minute at the bucket ends and rules are evaluated every minute at the same instants. A Prometheus
 * 2.x range selector {@code [w]} at time t is closed, so it holds the samples at t - w and t; with
 * samples exactly on both ends rate() does not extrapolate, and the ratio of two rates is the ratio
 * of the counter increases over (t - w, t], exactly the engine's bucket sum. Early in a series (t <
 * w), the first sample is 0 at time 0, so rate()'s extrapolation to the window start stops at the
 * counter's zero point: again no extrapolation. The only remaining difference is floating point
 * (Prometheus divides two rates, the engine two sums), so each scenario is checked not to put any
 * ratio within 1e-9 of a threshold, where rounding could decide.
 *
 * <p>promtool comes from the Debian package {@code prometheus}. Without it the test is skipped,
 * unless {@code SIGNALFOLD_REQUIRE_PROMTOOL=1} (set by {@code .ci/run}), which makes it fail.
 */
class PrometheusConformanceITCase {

  private static final long MIN = 60_000L;
  private static Path promtool;

  @TempDir Path dir;

  @BeforeAll
  static void findPromtool() {
    promtool = onPath("promtool");
    if (promtool == null) {
      if ("1".equals(System.getenv("SIGNALFOLD_REQUIRE_PROMTOOL"))) {
        fail(
            "promtool is required (SIGNALFOLD_REQUIRE_PROMTOOL=1) but not on PATH: install the"
                + " Debian package prometheus");
      }
      Assumptions.abort(
          "promtool not found on PATH: Prometheus conformance test skipped (apt-get install"
              + " prometheus, or set SIGNALFOLD_REQUIRE_PROMTOOL=1 to make this a failure)");
    }
  }

  private static Path onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, exe);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** One scenario: an SLO and per-minute counts (minute m covers ((m-1) min, m min]). */
  private record Scenario(
      String name,
      SloDefinition slo,
      SloConfig config,
      int minutes,
      IntToLongFunction total,
      IntToLongFunction bad,
      Map<String, IntToLongFunction> counters,
      String badRate,
      String totalRate,
      IntFunction<List<MetricPoint>> metricPoints) {}

  private static SloDefinition availability(String name) {
    return SloDefinition.builder(name)
        .service("checkout")
        .sli(new Sli.Availability(null))
        .objective(0.999)
        .window(SloWindow.parse("30d"))
        .build();
  }

  private static Scenario availabilityScenario(
      String name, SloConfig config, int minutes, long perMinute, IntToLongFunction bad) {
    IntToLongFunction total = m -> perMinute;
    return new Scenario(
        name,
        availability(name),
        config,
        minutes,
        total,
        bad,
        Map.of("http_requests_total", total, "http_request_errors_total", bad),
        "sum(rate(http_request_errors_total[" + PrometheusBurnRateRules.WINDOW + "]))",
        "sum(rate(http_requests_total[" + PrometheusBurnRateRules.WINDOW + "]))",
        null);
  }

  @Test
  void fastBurnFiresAndResolvesAtTheSameMinutes() throws Exception {
    // 1000 requests a minute, 0.05% errors, then 10% errors for 30 minutes.
    Scenario s =
        availabilityScenario(
            "fast-burn",
            SloConfig.defaults(),
            480,
            1000,
            m -> m > 120 && m <= 150 ? 100 : (m % 2 == 0 ? 1 : 0));
    List<SloBurnAlert> alerts = conform(s);
    assertThat(transitions(alerts, SloAlertSeverity.PAGE, AlertState.FIRING)).isGreaterThan(0);
    assertThat(transitions(alerts, SloAlertSeverity.PAGE, AlertState.RESOLVED))
        .isEqualTo(transitions(alerts, SloAlertSeverity.PAGE, AlertState.FIRING));
  }

  @Test
  void slowBurnRaisesATicketNotAPage() throws Exception {
    // 997 requests a minute (not a round number, so no window ratio lands exactly on a
    // threshold): a day at 0.05% errors, 1.5 days at 0.3% (3x), then 0.05% again; 3 days and 8
    // hours in all,
    // so the 3-day window's far edge moves through data at the end.
    Scenario s =
        availabilityScenario(
            "slow-burn",
            SloConfig.defaults(),
            4800,
            997,
            m -> m > 1440 && m <= 3600 ? 3 : (m % 2 == 0 ? 1 : 0));
    List<SloBurnAlert> alerts = conform(s);
    assertThat(transitions(alerts, SloAlertSeverity.TICKET, AlertState.FIRING)).isEqualTo(1);
    assertThat(transitions(alerts, SloAlertSeverity.TICKET, AlertState.RESOLVED)).isEqualTo(1);
    assertThat(transitions(alerts, SloAlertSeverity.PAGE, AlertState.FIRING)).isZero();
  }

  @Test
  void burnThatStopsBeforeTheLongWindowConfirmsAlertsNeither() throws Exception {
    // After 400 quiet minutes (0.01% errors), 4 minutes at 6%: the 5m and 30m windows exceed
    // 14.4x and 6x, the 1h, 6h and 3d windows never exceed theirs, so no rule fires in either
    // system. (With less history before it, the 3d/6h ticket would fire: its windows would hold
    // too few good events to dilute the burst.)
    IntToLongFunction bad = m -> m > 400 && m <= 404 ? 60 : (m % 10 == 0 ? 1 : 0);
    Scenario s = availabilityScenario("short-burn", SloConfig.defaults(), 720, 997, bad);
    assertThat(maxBurn(s, 5, 720))
        .as("the short window did exceed the page threshold")
        .isGreaterThan(14.4);
    List<SloBurnAlert> alerts = conform(s);
    assertThat(alerts).isEmpty();
  }

  @Test
  void latencySloFromHistogramBuckets() throws Exception {
    // 1000 requests a minute; 0.1% slower than 200 ms, then 20% for an hour. Objective 99%.
    // The engine reads OpenTelemetry histogram points (seconds, bounds 0.1 0.2 0.5) through the
    // stage's metric SLI extraction; Prometheus reads the same buckets as _bucket/_count
    // counters. The threshold sits on a bucket bound, so no interpolation is involved.
    SloDefinition slo =
        SloDefinition.builder("checkout-latency")
            .service("checkout")
            .sli(
                new Sli.Latency(
                    200,
                    null,
                    new SeriesSelector.Metric(
                        "http.server.request.duration", null, Map.of(), null)))
            .objective(0.99)
            .window(SloWindow.parse("30d"))
            .build();
    IntToLongFunction total = m -> 1000;
    IntToLongFunction fast = m -> m > 120 && m <= 180 ? 800 : 999;
    IntToLongFunction bad = m -> total.applyAsLong(m) - fast.applyAsLong(m);
    Map<String, IntToLongFunction> counters = new LinkedHashMap<>();
    counters.put("http_server_request_duration_seconds_bucket{le=\"0.2\"}", fast);
    counters.put("http_server_request_duration_seconds_count", total);
    IntFunction<List<MetricPoint>> points =
        m -> {
          long f = fast.applyAsLong(m);
          long slow = total.applyAsLong(m) - f;
          return List.of(
              TestRecords.explicitHistogram(
                  "http.server.request.duration",
                  "s",
                  TestRecords.resource("checkout", "i-1", null),
                  m * MIN,
                  List.of(0.1, 0.2, 0.5),
                  List.of(f / 2, f - f / 2, slow - slow / 3, slow / 3)));
        };
    String w = PrometheusBurnRateRules.WINDOW;
    Scenario s =
        new Scenario(
            "latency",
            slo,
            SloConfig.defaults(),
            360,
            total,
            bad,
            counters,
            "sum(rate(http_server_request_duration_seconds_count["
                + w
                + "])) - sum(rate(http_server_request_duration_seconds_bucket{le=\"0.2\"}["
                + w
                + "]))",
            "sum(rate(http_server_request_duration_seconds_count[" + w + "]))",
            points);
    List<SloBurnAlert> alerts = conform(s);
    assertThat(transitions(alerts, SloAlertSeverity.PAGE, AlertState.FIRING)).isEqualTo(2);
    assertThat(transitions(alerts, SloAlertSeverity.PAGE, AlertState.RESOLVED)).isEqualTo(2);
  }

  @Test
  void hysteresisAndKeepFiringForMatchPrometheus() throws Exception {
    // A burn that wobbles around 14.4x, pauses, comes back: value hysteresis (ALERTS self
    // reference) and keep_firing_for decide when it resolves, in both systems.
    SloConfig config =
        SloConfig.defaults()
            .withDefaultPolicy(
                BurnRatePolicy.sreWorkbook().withKeepFiringFor(Duration.ofMinutes(5)));
    Scenario s =
        availabilityScenario(
            "wobble",
            config,
            300,
            9973,
            m -> {
              if (m > 60 && m <= 200) {
                return m % 2 == 0 ? 130 : 160;
              }
              return m > 206 && m <= 240 ? 150 : 0;
            });
    List<SloBurnAlert> alerts = conform(s);
    assertThat(transitions(alerts, SloAlertSeverity.PAGE, AlertState.FIRING)).isGreaterThan(0);
  }

  // ---------------------------------------------------------------------------------------------

  private static long transitions(
      List<SloBurnAlert> alerts, SloAlertSeverity severity, AlertState state) {
    return alerts.stream()
        .filter(a -> a.getSeverity() == severity && a.getState() == state)
        .count();
  }

  private static double maxBurn(Scenario s, int windowMinutes, int upTo) {
    double max = 0;
    for (int m = windowMinutes; m <= upTo; m++) {
      long bad = 0;
      long total = 0;
      for (int k = m - windowMinutes + 1; k <= m; k++) {
        bad += s.bad().applyAsLong(k);
        total += s.total().applyAsLong(k);
      }
      max = Math.max(max, (double) bad / total / s.slo().errorBudget());
    }
    return max;
  }

  /**
   * Runs the engine over the scenario, writes the rules and a promtool unit test that expects the
   * engine's firing set at every minute, runs promtool, and returns the engine's burn alerts.
   */
  private List<SloBurnAlert> conform(Scenario s) throws Exception {
    List<BurnRateRule> rules = s.config().policyFor(s.slo()).rulesFor(s.slo().window());
    checkNoRatioSitsOnAThreshold(s, rules);

    SloEvaluator ev = SloEvaluator.create(s.slo(), s.config());
    MetricSliExtractor extractor = new MetricSliExtractor(List.of(s.slo()));
    CollectingOutput out = new CollectingOutput();
    Map<String, Boolean> firing = new LinkedHashMap<>();
    rules.forEach(r -> firing.put(r.name(), false));
    List<Map<String, Boolean>> perMinute = new ArrayList<>();
    perMinute.add(new LinkedHashMap<>(firing));
    int seen = 0;
    for (int m = 1; m <= s.minutes(); m++) {
      long t = m * MIN;
      long total = s.total().applyAsLong(m);
      if (s.metricPoints() == null) {
        ev.record(t, total - s.bad().applyAsLong(m), total, out);
      } else {
        List<SliSample> samples = new ArrayList<>();
        ListCollector<SliSample> c = new ListCollector<>(samples);
        for (MetricPoint p : s.metricPoints().apply(m)) {
          extractor.flatMap(p, c);
        }
        assertThat(samples).as("samples at minute %d", m).isNotEmpty();
        for (SliSample sample : samples) {
          ev.recordContribution(sample.eventTimeMs(), sample.bad(), sample.total(), out);
        }
      }
      ev.evaluate(t, out);
      for (; seen < out.alerts.size(); seen++) {
        SloBurnAlert a = out.alerts.get(seen);
        if (a.getAlertKind() == SloAlertKind.BURN_RATE) {
          firing.put(CollectingOutput.ruleOf(a), a.getState() == AlertState.FIRING);
        }
      }
      perMinute.add(new LinkedHashMap<>(firing));
    }

    Path rulesFile = dir.resolve(s.name() + "-rules.yml");
    Files.writeString(
        rulesFile,
        PrometheusBurnRateRules.rulesYaml(
            s.slo(), s.config(), s.badRate(), s.totalRate(), Duration.ofMinutes(1)),
        StandardCharsets.UTF_8);
    Path testFile = dir.resolve(s.name() + "-test.yml");
    Files.writeString(
        testFile, promtoolTest(s, rules, rulesFile, perMinute), StandardCharsets.UTF_8);

    Process p =
        new ProcessBuilder(promtool.toString(), "test", "rules", testFile.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("promtool finished").isTrue();
    assertThat(p.exitValue())
        .as(
            "promtool disagrees with the engine on scenario %s (engine transitions %s):%n%s",
            s.name(), out.transitions(0), tail(log))
        .isZero();
    return out.burnAlerts();
  }

  private static String tail(String log) {
    return log.length() > 6000 ? log.substring(0, 6000) + "\n..." : log;
  }

  private static String promtoolTest(
      Scenario s, List<BurnRateRule> rules, Path rulesFile, List<Map<String, Boolean>> perMinute) {
    StringBuilder y = new StringBuilder();
    y.append("rule_files: ['").append(rulesFile).append("']\n");
    y.append("evaluation_interval: 1m\n");
    y.append("tests:\n  - interval: 1m\n    input_series:\n");
    for (Map.Entry<String, IntToLongFunction> c : s.counters().entrySet()) {
      y.append("      - series: '").append(c.getKey()).append("'\n        values: '0");
      long sum = 0;
      for (int m = 1; m <= s.minutes(); m++) {
        sum += c.getValue().applyAsLong(m);
        y.append(' ').append(sum);
      }
      y.append("'\n");
    }
    y.append("    alert_rule_test:\n");
    for (int m = 1; m <= s.minutes(); m++) {
      for (BurnRateRule r : rules) {
        y.append("      - eval_time: ").append(m).append("m\n");
        y.append("        alertname: ").append(PrometheusBurnRateRules.alertName(r.name()));
        if (!perMinute.get(m).get(r.name())) {
          y.append("\n        exp_alerts: []\n");
          continue;
        }
        y.append("\n        exp_alerts:\n          - exp_labels: {");
        Map<String, String> labels = PrometheusBurnRateRules.alertLabels(s.slo(), r);
        int i = 0;
        for (Map.Entry<String, String> l : labels.entrySet()) {
          y.append(i++ == 0 ? "" : ", ").append(l.getKey()).append(": '").append(l.getValue());
          y.append('\'');
        }
        y.append("}\n");
      }
    }
    return y.toString();
  }

  /**
   * Fails if a window's error ratio comes within 1e-9 (relative) of a fire or hold threshold at any
   * minute: there, Prometheus's rate division and the engine's sum division could round to
   * different sides, and agreement would be luck rather than semantics.
   */
  private static void checkNoRatioSitsOnAThreshold(Scenario s, List<BurnRateRule> rules) {
    double budget = s.slo().errorBudget();
    double resolve = s.config().policyFor(s.slo()).resolveRatio();
    for (BurnRateRule r : rules) {
      double fire = CompiledSlo.fireRatio(r.burnRate(), budget);
      double hold = CompiledSlo.holdRatio(r.burnRate(), resolve, budget);
      for (Duration w : List.of(r.longWindow(), r.shortWindow())) {
        int n = (int) w.toMinutes();
        for (int m = 1; m <= s.minutes(); m++) {
          long bad = 0;
          long total = 0;
          for (int k = Math.max(1, m - n + 1); k <= m; k++) {
            bad += s.bad().applyAsLong(k);
            total += s.total().applyAsLong(k);
          }
          double ratio = (double) bad / total;
          for (double th : new double[] {fire, hold}) {
            if (Math.abs(ratio - th) <= 1e-9 * th) {
              fail(
                  String.format(
                      Locale.ROOT,
                      "scenario %s: the %s error ratio at minute %d is %s, on the threshold %s;"
                          + " change the scenario",
                      s.name(),
                      w,
                      m,
                      ratio,
                      th));
            }
          }
        }
      }
    }
  }
}
