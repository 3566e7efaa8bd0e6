package io.signalfold.slo.internal;

import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.slo.BudgetAlertRule;
import io.signalfold.slo.BurnRatePolicy;
import io.signalfold.slo.BurnRateRule;
import io.signalfold.slo.SloConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parses {@code slo.*} configuration keys into a {@link SloConfig}. */
public final class SloConfigKeys {

  private SloConfigKeys() {}

  public static SloConfig apply(SloConfig base, Map<String, String> props) {
    SloConfig c = base;
    BurnRatePolicy p = base.defaultPolicy();
    for (Map.Entry<String, String> e : props.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("slo.")) {
        continue;
      }
      String v = e.getValue() == null ? "" : e.getValue().trim();
      try {
        switch (key) {
          case "slo.fine-resolution":
            c = c.withFineResolution(DurationText.parse(v));
            break;
          case "slo.coarse-resolution":
            c = c.withCoarseResolution(DurationText.parse(v));
            break;
          case "slo.max-ahead":
            c = c.withMaxAhead(DurationText.parse(v));
            break;
          case "slo.max-lead":
            c = c.withMaxLead(DurationText.parse(v));
            break;
          case "slo.allowed-lateness":
            c = c.withAllowedLateness(DurationText.parse(v));
            break;
          case "slo.status-interval":
            c = c.withStatusInterval(DurationText.parse(v));
            break;
          case "slo.warning-budget-remaining":
            c = c.withWarningBudgetRemaining(Double.parseDouble(v));
            break;
          case "slo.budget-alert-min-events":
            c = c.withBudgetAlertMinEvents(Double.parseDouble(v));
            break;
          case "slo.service-rollup-operation":
            c = c.withServiceRollupOperation(v.isEmpty() ? null : v);
            break;
          case "slo.policy.rules":
            p = p.withRules(rules(v), p.scaling());
            break;
          case "slo.policy.scaling":
            p =
                p.withRules(
                    p.rules(), BurnRatePolicy.WindowScaling.valueOf(v.toUpperCase(Locale.ROOT)));
            break;
          case "slo.policy.resolve-ratio":
            p = p.withResolveRatio(Double.parseDouble(v));
            break;
          case "slo.policy.keep-firing-for":
            p = p.withKeepFiringFor(DurationText.parse(v));
            break;
          case "slo.policy.budget-alerts":
            p = p.withBudgetAlerts(budgetAlerts(v));
            break;
          default:
            throw new IllegalArgumentException("unknown key");
        }
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException(key + "=" + v + ": " + ex.getMessage(), ex);
      }
    }
    return c.withDefaultPolicy(p);
  }

  /** {@code page:1h:5m:14.4,ticket:3d:6h:1}. */
  static List<BurnRateRule> rules(String v) {
    List<BurnRateRule> out = new ArrayList<>();
    for (String item : v.split(",")) {
      String[] f = item.trim().split(":");
      if (f.length != 4) {
        throw new IllegalArgumentException(
            "expected severity:long:short:burnRate, e.g. page:1h:5m:14.4, got '" + item + "'");
      }
      out.add(
          BurnRateRule.of(
              SloAlertSeverity.valueOf(f[0].trim().toUpperCase(Locale.ROOT)),
              DurationText.parse(f[1]),
              DurationText.parse(f[2]),
              Double.parseDouble(f[3].trim())));
    }
    return out;
  }

  /** {@code 0.5:ticket,1.0:page}. */
  static List<BudgetAlertRule> budgetAlerts(String v) {
    List<BudgetAlertRule> out = new ArrayList<>();
    if (v.isEmpty()) {
      return out;
    }
    for (String item : v.split(",")) {
      String[] f = item.trim().split(":");
      SloAlertSeverity sev =
          f.length > 1
              ? SloAlertSeverity.valueOf(f[1].trim().toUpperCase(Locale.ROOT))
              : SloAlertSeverity.TICKET;
      out.add(new BudgetAlertRule(Double.parseDouble(f[0].trim()), sev));
    }
    return out;
  }
}
