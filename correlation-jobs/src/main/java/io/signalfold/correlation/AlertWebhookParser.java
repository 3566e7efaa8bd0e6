package io.signalfold.correlation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalfold.correlation.internal.StableIds;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ExternalAlert;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * Parses alert webhook payloads into {@link ExternalAlert} records, one per alert:
 *
 * <ul>
 *   <li>Alertmanager webhook (version 4): {@code {"status", "receiver", "groupLabels",
 *       "commonLabels", "alerts": [{"status", "labels", "annotations", "startsAt", "endsAt",
 *       "generatorURL", "fingerprint"}]}};
 *   <li>Grafana alerting webhook: the same shape plus {@code orgId}, {@code title}, {@code state},
 *       {@code message} and per alert {@code values}, {@code dashboardURL}, {@code panelURL};
 *   <li>legacy Grafana (before unified alerting): {@code {"ruleId", "ruleName", "state",
 *       "evalMatches": [...], "tags", "message", "ruleUrl"}};
 *   <li>a bare JSON array of alerts, as Prometheus posts them to Alertmanager.
 * </ul>
 *
 * Bad input raises {@link InputParseException} with the dead-letter reason. Thread-safe.
 */
public final class AlertWebhookParser {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AlertWebhookParser() {}

  /**
   * @param json the payload
   * @param fallbackTimeMs event time to use when the payload carries none (legacy Grafana), e.g.
   *     the Kafka record timestamp
   */
  public static List<ExternalAlert> parse(String json, long fallbackTimeMs)
      throws InputParseException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InputParseException(
          DeadLetterReason.MALFORMED_JSON, "not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new InputParseException(DeadLetterReason.MALFORMED_JSON, "empty payload");
    }
    List<ExternalAlert> out = new ArrayList<>();
    if (root.isArray()) {
      for (JsonNode a : root) {
        out.add(alert(a, null, "alertmanager", fallbackTimeMs));
      }
      return out;
    }
    if (!root.isObject()) {
      throw new InputParseException(
          DeadLetterReason.UNKNOWN_KIND, "payload is not an object or array");
    }
    if (root.has("alerts") && root.get("alerts").isArray()) {
      boolean grafana =
          root.has("orgId") || root.has("title") || root.has("state") || root.has("message");
      for (JsonNode a : root.get("alerts")) {
        grafana |=
            a.has("dashboardURL") || a.has("panelURL") || a.has("values") || a.has("valueString");
      }
      for (JsonNode a : root.get("alerts")) {
        out.add(alert(a, root, grafana ? "grafana" : "alertmanager", fallbackTimeMs));
      }
      return out;
    }
    if (root.has("ruleName") || root.has("evalMatches") || root.has("ruleId")) {
      out.add(legacyGrafana(root, fallbackTimeMs));
      return out;
    }
    throw new InputParseException(
        DeadLetterReason.UNKNOWN_KIND,
        "neither an Alertmanager/Grafana webhook (no 'alerts' array) nor a legacy Grafana alert"
            + " (no 'ruleName')");
  }

  private static ExternalAlert alert(
      JsonNode a, @Nullable JsonNode root, String source, long fallbackTimeMs)
      throws InputParseException {
    if (!a.isObject()) {
      throw new InputParseException(DeadLetterReason.MALFORMED_JSON, "an alert is not an object");
    }
    Map<String, String> labels = strings(a.get("labels"));
    if (root != null) {
      // Common labels apply to every alert of the group.
      for (Map.Entry<String, String> e : strings(root.get("commonLabels")).entrySet()) {
        labels.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    Map<String, String> annotations = strings(a.get("annotations"));
    String name = labels.get("alertname");
    if (name == null && root != null && root.hasNonNull("title")) {
      name = root.get("title").asText();
    }
    if (name == null || name.isEmpty()) {
      throw new InputParseException(
          DeadLetterReason.MISSING_FIELD, "alert has no labels.alertname");
    }
    String status = text(a, "status");
    if (status == null && root != null) {
      status = text(root, "status");
    }
    Long startsAt = JsonTimes.parse(a.get("startsAt"), "startsAt");
    Long endsAt = JsonTimes.parse(a.get("endsAt"), "endsAt");
    boolean firing =
        status == null
            ? endsAt == null || endsAt > fallbackTimeMs
            : !"resolved".equalsIgnoreCase(status);
    String fingerprint = text(a, "fingerprint");
    String id =
        fingerprint != null && !fingerprint.isEmpty()
            ? fingerprint
            : StableIds.hash(source + "|" + new TreeMap<>(labels));
    return ExternalAlert.newBuilder()
        .setId(id)
        .setSource(source)
        .setName(name)
        .setFiring(firing)
        .setSeverity(first(labels, "severity", "priority", "level"))
        .setService(first(labels, "service", "service_name", "service.name", "app", "job"))
        .setInstance(first(labels, "instance", "pod", "host", "hostname"))
        .setStartsAtMs(startsAt != null ? startsAt : fallbackTimeMs)
        .setEndsAtMs(firing ? null : endsAt != null ? endsAt : fallbackTimeMs)
        .setLabels(labels)
        .setAnnotations(annotations)
        .setGeneratorUrl(text(a, "generatorURL"))
        .build();
  }

  private static ExternalAlert legacyGrafana(JsonNode root, long fallbackTimeMs) {
    Map<String, String> labels = strings(root.get("tags"));
    JsonNode matches = root.get("evalMatches");
    if (matches != null && matches.isArray() && matches.size() > 0) {
      for (Map.Entry<String, String> e : strings(matches.get(0).get("tags")).entrySet()) {
        labels.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    String name = text(root, "ruleName");
    if (name == null) {
      name = text(root, "title");
    }
    if (name == null) {
      name = "grafana-rule-" + text(root, "ruleId");
    }
    labels.putIfAbsent("alertname", name);
    String state = text(root, "state");
    boolean firing =
        state == null || "alerting".equalsIgnoreCase(state) || "firing".equalsIgnoreCase(state);
    Map<String, String> annotations = new TreeMap<>();
    if (root.hasNonNull("message")) {
      annotations.put("message", root.get("message").asText());
    }
    String ruleId = text(root, "ruleId");
    return ExternalAlert.newBuilder()
        .setId(ruleId != null ? "grafana-rule-" + ruleId : StableIds.hash("grafana|" + labels))
        .setSource("grafana")
        .setName(name)
        .setFiring(firing)
        .setSeverity(first(labels, "severity", "priority", "level"))
        .setService(first(labels, "service", "service_name", "app", "job"))
        .setInstance(first(labels, "instance", "pod", "host"))
        .setStartsAtMs(fallbackTimeMs)
        .setEndsAtMs(firing ? null : fallbackTimeMs)
        .setLabels(labels)
        .setAnnotations(annotations)
        .setGeneratorUrl(text(root, "ruleUrl"))
        .build();
  }

  private static Map<String, String> strings(@Nullable JsonNode obj) {
    Map<String, String> out = new TreeMap<>();
    if (obj == null || !obj.isObject()) {
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNull()) {
        out.put(
            e.getKey(),
            e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
      }
    }
    return out;
  }

  @Nullable
  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  @Nullable
  private static String first(Map<String, String> labels, String... keys) {
    for (String k : keys) {
      String v = labels.get(k);
      if (v != null && !v.isEmpty()) {
        return k.equals("severity") || k.equals("priority") || k.equals("level")
            ? v.toLowerCase(Locale.ROOT)
            : v;
      }
    }
    return null;
  }
}
