package io.signalfold.sinks.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalfold.schema.AlertState;
import io.signalfold.schema.SloBurnAlert;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Alertmanager webhook payload (version 4, what Alertmanager POSTs to a {@code webhook_config}
 * receiver) for SLO burn alerts, one alert per message, so any receiver written for Alertmanager
 * (alert routers, chat bridges) accepts signalfold's SLO alerts unchanged.
 *
 * <p>This is the sink's built-in mapping. The SLO engine may provide its own mapping (e.g. an
 * {@code AlertmanagerPayload} in slo-engine): pass it to {@link Webhooks#alertmanager} as a {@link
 * WebhookPayload} instead; sinks does not depend on slo-engine.
 */
public final class AlertmanagerPayloads {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Alertmanager's zero time, used as endsAt of firing alerts. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private AlertmanagerPayloads() {}

  /** The built-in mapping with receiver name {@code receiver}. */
  public static WebhookPayload<SloBurnAlert> webhook(String receiver) {
    return a -> message(a, receiver);
  }

  public static String message(SloBurnAlert a, String receiver) {
    Map<String, String> labels = labels(a);
    String status = a.getState() == AlertState.FIRING ? "firing" : "resolved";
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "4");
    root.put(
        "groupKey",
        "{}:{alertname=\"" + labels.get("alertname") + "\", slo=\"" + a.getSlo() + "\"}");
    root.put("truncatedAlerts", 0);
    root.put("status", status);
    root.put("receiver", receiver);
    ObjectNode group = root.putObject("groupLabels");
    group.put("alertname", labels.get("alertname"));
    group.put("slo", a.getSlo());
    ObjectNode common = root.putObject("commonLabels");
    labels.forEach(common::put);
    ObjectNode annotations = annotations(a);
    root.set("commonAnnotations", annotations.deepCopy());
    root.put("externalURL", "");
    ObjectNode alert = root.putArray("alerts").addObject();
    alert.put("status", status);
    ObjectNode l = alert.putObject("labels");
    labels.forEach(l::put);
    alert.set("annotations", annotations);
    alert.put("startsAt", Instant.ofEpochMilli(a.getFiringSinceMs()).toString());
    alert.put(
        "endsAt",
        a.getState() == AlertState.FIRING
            ? ZERO_TIME
            : Instant.ofEpochMilli(a.getTimestampMs()).toString());
    alert.put("generatorURL", "");
    alert.put("fingerprint", fingerprint(labels));
    return root.toString();
  }

  static Map<String, String> labels(SloBurnAlert a) {
    Map<String, String> labels = new TreeMap<>(a.getLabels());
    labels.put(
        "alertname",
        a.getAlertKind().name().equals("BURN_RATE") ? "SloBurnRate" : "SloBudgetConsumed");
    labels.put("slo", a.getSlo());
    if (a.getService() != null) {
      labels.put("service", a.getService());
    }
    labels.put("severity", a.getSeverity().name().toLowerCase(Locale.ROOT));
    if (a.getLongWindowMs() > 0) {
      labels.put("long_window", duration(a.getLongWindowMs()));
      labels.put("short_window", duration(a.getShortWindowMs()));
    }
    return labels;
  }

  private static ObjectNode annotations(SloBurnAlert a) {
    ObjectNode an = JSON.createObjectNode();
    an.put(
        "summary",
        String.format(
            Locale.ROOT,
            "SLO %s: %s (objective %.4g), %.0f%% of the error budget left",
            a.getSlo(),
            a.getAlertKind() == null
                ? ""
                : a.getAlertKind().name().toLowerCase(Locale.ROOT).replace('_', ' '),
            a.getObjective(),
            a.getBudgetRemainingFraction() * 100));
    if (a.getBurnRateThreshold() > 0) {
      an.put(
          "burn_rate",
          String.format(
              Locale.ROOT,
              "long %.2f, short %.2f, threshold %.2f",
              a.getBurnLong(),
              a.getBurnShort(),
              a.getBurnRateThreshold()));
    }
    an.put("budget_remaining", String.format(Locale.ROOT, "%.4f", a.getBudgetRemainingFraction()));
    if (a.getDescription() != null) {
      an.put("description", a.getDescription());
    }
    an.put("alert_id", a.getId());
    return an;
  }

  private static String duration(long ms) {
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    return ms / 1000 + "s";
  }

  /** Prometheus' label-set fingerprint: FNV-1a 64 over sorted name, 0xff, value, 0xff. */
  static String fingerprint(Map<String, String> labels) {
    long h = 0xcbf29ce484222325L;
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      h = fnv(h, e.getKey().getBytes(StandardCharsets.UTF_8));
      h = (h ^ 0xff) * 0x100000001b3L;
      h = fnv(h, e.getValue().getBytes(StandardCharsets.UTF_8));
      h = (h ^ 0xff) * 0x100000001b3L;
    }
    return String.format("%016x", h);
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
