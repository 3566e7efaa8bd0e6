package io.signalfold.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalfold.schema.AlertState;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.slo.internal.DurationText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps SloBurnAlert records to the Alertmanager webhook payload (version 4), the JSON body
 * Alertmanager POSTs to a {@code webhook_config} receiver, so tools that take Alertmanager webhooks
 * can take ours. A pure function: delivery (HTTP, retries) belongs to the sinks module.
 *
 * <p>Per alert: labels {@code alertname} ({@code SloBurnRate} or {@code SloBudgetConsumed}), {@code
 * slo}, {@code service}, {@code severity} ({@code page}/{@code ticket}), {@code long_window} and
 * {@code short_window} (burn rate) or {@code budget_consumed} (budget alerts), plus the SLO's
 * labels and group labels; annotations {@code summary}, {@code burn_long}, {@code burn_short},
 * {@code budget_remaining}, {@code alert_id}. {@code startsAt} is when it began firing, {@code
 * endsAt} the resolve time or Alertmanager's zero time while firing. The fingerprint is
 * Prometheus's label-set fingerprint (64-bit FNV-1a over sorted names and values). Several
 * transitions of one alert in a batch collapse to the latest, as Alertmanager would send it.
 */
public final class AlertmanagerPayload {

  /** Alertmanager's zero time, the {@code endsAt} of a firing alert. */
  public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertmanagerPayload() {}

  /** The payload with receiver {@code signalfold} and no external URL. */
  public static String of(List<SloBurnAlert> alerts) {
    return of(alerts, "signalfold", "");
  }

  /** The payload as JSON text. */
  public static String of(List<SloBurnAlert> alerts, String receiver, String externalUrl) {
    try {
      return JSON.writeValueAsString(toJson(alerts, receiver, externalUrl));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render payload", e);
    }
  }

  /** The payload as a Jackson tree. */
  public static ObjectNode toJson(List<SloBurnAlert> alerts, String receiver, String externalUrl) {
    Map<String, SloBurnAlert> latest = new LinkedHashMap<>();
    Map<String, Map<String, String>> labelsByFp = new LinkedHashMap<>();
    for (SloBurnAlert a : alerts) {
      Map<String, String> labels = labels(a);
      String fp = fingerprint(labels);
      SloBurnAlert prev = latest.get(fp);
      if (prev == null || prev.getTimestampMs() <= a.getTimestampMs()) {
        latest.put(fp, a);
        labelsByFp.put(fp, labels);
      }
    }
    ObjectNode root = JSON.createObjectNode();
    ArrayNode items = JSON.createArrayNode();
    Map<String, String> common = null;
    Map<String, String> commonAnnotations = null;
    boolean anyFiring = false;
    for (Map.Entry<String, SloBurnAlert> e : latest.entrySet()) {
      SloBurnAlert a = e.getValue();
      Map<String, String> labels = labelsByFp.get(e.getKey());
      Map<String, String> annotations = annotations(a);
      boolean firing = a.getState() == AlertState.FIRING;
      anyFiring |= firing;
      ObjectNode item = items.addObject();
      item.put("status", firing ? "firing" : "resolved");
      item.set("labels", JSON.valueToTree(labels));
      item.set("annotations", JSON.valueToTree(annotations));
      item.put("startsAt", Instant.ofEpochMilli(a.getFiringSinceMs()).toString());
      item.put("endsAt", firing ? ZERO_TIME : Instant.ofEpochMilli(a.getTimestampMs()).toString());
      item.put("generatorURL", externalUrl);
      item.put("fingerprint", e.getKey());
      common = intersect(common, labels);
      commonAnnotations = intersect(commonAnnotations, annotations);
    }
    if (common == null) {
      common = new TreeMap<>();
      commonAnnotations = new TreeMap<>();
    }
    Map<String, String> group = new TreeMap<>();
    if (common.containsKey("slo")) {
      group.put("slo", common.get("slo"));
    }
    root.put("version", "4");
    root.put("groupKey", "{}:" + promLabels(group));
    root.put("truncatedAlerts", 0);
    root.put("status", anyFiring ? "firing" : "resolved");
    root.put("receiver", receiver);
    root.set("groupLabels", JSON.valueToTree(group));
    root.set("commonLabels", JSON.valueToTree(common));
    root.set("commonAnnotations", JSON.valueToTree(commonAnnotations));
    root.put("externalURL", externalUrl);
    root.set("alerts", items);
    return root;
  }

  /** The Alertmanager labels of one alert, sorted by name. */
  public static Map<String, String> labels(SloBurnAlert a) {
    Map<String, String> l = new TreeMap<>(a.getLabels());
    boolean burn = a.getAlertKind() == SloAlertKind.BURN_RATE;
    l.put("alertname", burn ? "SloBurnRate" : "SloBudgetConsumed");
    l.put("slo", a.getSlo());
    if (a.getService() != null) {
      l.put("service", a.getService());
    }
    l.put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT));
    if (burn) {
      l.put("long_window", DurationText.format(Duration.ofMillis(a.getLongWindowMs())));
      l.put("short_window", DurationText.format(Duration.ofMillis(a.getShortWindowMs())));
    } else if (a.getBudgetConsumedThreshold() != null) {
      l.put("budget_consumed", fraction(a.getBudgetConsumedThreshold()));
    }
    return l;
  }

  private static Map<String, String> annotations(SloBurnAlert a) {
    Map<String, String> m = new TreeMap<>();
    if (a.getDescription() != null) {
      m.put("summary", a.getDescription());
    }
    if (a.getAlertKind() == SloAlertKind.BURN_RATE) {
      m.put("burn_long", fraction(a.getBurnLong()));
      m.put("burn_short", fraction(a.getBurnShort()));
      m.put("burn_rate_threshold", fraction(a.getBurnRateThreshold()));
    }
    m.put("budget_remaining", fraction(a.getBudgetRemainingFraction()));
    m.put("alert_id", a.getId());
    return m;
  }

  private static String fraction(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static Map<String, String> intersect(Map<String, String> acc, Map<String, String> m) {
    if (acc == null) {
      return new TreeMap<>(m);
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : acc.entrySet()) {
      if (e.getValue().equals(m.get(e.getKey()))) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static String promLabels(Map<String, String> labels) {
    List<String> parts = new ArrayList<>();
    labels.forEach((k, v) -> parts.add(k + "=" + JSON.valueToTree(v).toString()));
    return "{" + String.join(",", parts) + "}";
  }

  /**
   * Prometheus's fingerprint of a label set: FNV-1a 64 over each (sorted) name and value, each
   * followed by the 0xff separator, as 16 hex digits.
   */
  public static String fingerprint(Map<String, String> labels) {
    long h = 0xcbf29ce484222325L;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      h = fnv(h, e.getKey().getBytes(StandardCharsets.UTF_8));
      h = fnv(h, (byte) 0xff);
      h = fnv(h, e.getValue().getBytes(StandardCharsets.UTF_8));
      h = fnv(h, (byte) 0xff);
    }
    return String.format("%016x", h);
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h = fnv(h, b);
    }
    return h;
  }

  private static long fnv(long h, byte b) {
    return (h ^ (b & 0xff)) * 0x100000001b3L;
  }
}
