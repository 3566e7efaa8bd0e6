package io.signalfold.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.signalfold.slo.internal.CompiledSlo;
import io.signalfold.slo.internal.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Prometheus recording and alerting rules that evaluate an SLO the way this engine does, in the
 * shape Sloth and Pyrra generate: one recording rule per window, {@code slo:sli_error:ratio_rate<w>
 * = bad rate / total rate}, then one alert per burn-rate rule,
 *
 * <pre>
 *   (ratio_long > T and ratio_short > T)
 *   or (ratio_long > H and ratio_short > H and on(slo) ALERTS{alertname=..., alertstate="firing"})
 * </pre>
 *
 * <p>with {@code T = burnRate * (1 - objective)} and {@code H = T * resolveRatio} (the engine's
 * value hysteresis; the second branch is left out when the ratio is 1), {@code for} from the rule
 * and {@code keep_firing_for} from the policy (Prometheus 2.42+).
 *
 * <p>Used by the conformance test against {@code promtool}, and by anyone who wants the same alerts
 * from Prometheus. Thresholds are written with {@link Double#toString} of the very doubles the
 * engine compares with, so both compare the same numbers.
 */
public final class PrometheusBurnRateRules {

  /** Placeholder for the range in query templates: {@code sum(rate(errors_total[{{window}}]))}. */
  public static final String WINDOW = "{{window}}";

  private PrometheusBurnRateRules() {}

  /** Alert name of a rule: {@code SloBurnRate_page_1h_5m}. */
  public static String alertName(String ruleName) {
    StringBuilder b = new StringBuilder("SloBurnRate_");
    for (char ch : ruleName.toCharArray()) {
      b.append(Character.isLetterOrDigit(ch) ? ch : '_');
    }
    return b.toString();
  }

  /** Recorded series of the error ratio over a window: {@code slo:sli_error:ratio_rate5m}. */
  public static String ratioSeries(Duration window) {
    return "slo:sli_error:ratio_rate" + DurationText.format(window);
  }

  /**
   * The rules file (YAML) for one SLO.
   *
   * @param badRate PromQL of the rate of bad events with {@link #WINDOW} as the range
   * @param totalRate PromQL of the rate of all events, same placeholder
   * @param evaluationInterval the rule group's interval
   */
  public static String rulesYaml(
      SloDefinition slo,
      SloConfig config,
      String badRate,
      String totalRate,
      Duration evaluationInterval) {
    Objects.requireNonNull(badRate, "badRate");
    Objects.requireNonNull(totalRate, "totalRate");
    if (!badRate.contains(WINDOW) || !totalRate.contains(WINDOW)) {
      throw new IllegalArgumentException("queries need the " + WINDOW + " placeholder");
    }
    BurnRatePolicy policy = config.policyFor(slo);
    List<BurnRateRule> rules = policy.rulesFor(slo.window());
    double budget = slo.errorBudget();
    String sloLabel = slo.name();
    String selector = "{slo=\"" + sloLabel + "\"}";

    List<Map<String, Object>> out = new ArrayList<>();
    Set<Duration> windows = new LinkedHashSet<>();
    for (BurnRateRule r : rules) {
      windows.add(r.shortWindow());
      windows.add(r.longWindow());
    }
    for (Duration w : windows) {
      String range = DurationText.format(w);
      Map<String, Object> rec = new LinkedHashMap<>();
      rec.put("record", ratioSeries(w));
      rec.put(
          "expr",
          "(" + badRate.replace(WINDOW, range) + ") / (" + totalRate.replace(WINDOW, range) + ")");
      rec.put("labels", Map.of("slo", sloLabel));
      out.add(rec);
    }
    for (BurnRateRule r : rules) {
      String name = alertName(r.name());
      double fire = CompiledSlo.fireRatio(r.burnRate(), budget);
      double hold = CompiledSlo.holdRatio(r.burnRate(), policy.resolveRatio(), budget);
      String lng = ratioSeries(r.longWindow()) + selector;
      String sht = ratioSeries(r.shortWindow()) + selector;
      String expr = "(" + lng + " > " + fire + " and " + sht + " > " + fire + ")";
      if (policy.resolveRatio() < 1.0) {
        expr +=
            "\nor\n("
                + lng
                + " > "
                + hold
                + " and "
                + sht
                + " > "
                + hold
                + " and on(slo) ALERTS{alertname=\""
                + name
                + "\", alertstate=\"firing\", slo=\""
                + sloLabel
                + "\"})";
      }
      Map<String, Object> alert = new LinkedHashMap<>();
      alert.put("alert", name);
      alert.put("expr", expr);
      alert.put("for", DurationText.format(r.forDuration()));
      if (!policy.keepFiringFor().isZero()) {
        alert.put("keep_firing_for", DurationText.format(policy.keepFiringFor()));
      }
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("severity", r.severity().name().toLowerCase(Locale.ROOT));
      labels.put("long_window", DurationText.format(r.longWindow()));
      labels.put("short_window", DurationText.format(r.shortWindow()));
      alert.put("labels", labels);
      out.add(alert);
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", "slo-" + sloLabel);
    group.put("interval", DurationText.format(evaluationInterval));
    group.put("rules", out);
    try {
      return new ObjectMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .writeValueAsString(Map.of("groups", List.of(group)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render rules", e);
    }
  }

  /** The labels an alert of {@code rule} carries in Prometheus (without alertname). */
  public static Map<String, String> alertLabels(SloDefinition slo, BurnRateRule rule) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("slo", slo.name());
    labels.put("severity", rule.severity().name().toLowerCase(Locale.ROOT));
    labels.put("long_window", DurationText.format(rule.longWindow()));
    labels.put("short_window", DurationText.format(rule.shortWindow()));
    return labels;
  }
}
