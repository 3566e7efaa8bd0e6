package io.signalfold.ingest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DeadLetterReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the {@code change-events} JSON contract (one object per message, snake_case keys, {@code
 * kind} lowercase from the scenario vocabulary) into {@link ChangeEvent}. {@code time} is ISO-8601
 * or epoch milliseconds; unknown keys are kept in {@code attributes}; a missing kind or time, an
 * unknown kind or malformed JSON is rejected with its reason. camelCase spellings of the known keys
 * are accepted too.
 */
public final class ChangeEventParser {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Set<String> KNOWN =
      Set.of(
          "id",
          "kind",
          "time",
          "service",
          "version",
          "previous_version",
          "previousVersion",
          "rollout",
          "rollout_end",
          "rolloutEnd",
          "commit",
          "source",
          "actor",
          "host",
          "instance",
          "zone",
          "key",
          "old",
          "new",
          "replicas",
          "resource",
          "effect",
          "start",
          "end",
          "description",
          "attributes");

  private final TimestampCheck timestamps;

  public ChangeEventParser(IngestConfig config) {
    this.timestamps = new TimestampCheck(config);
  }

  public void parse(byte[] json, long kafkaTimestampMs, DecodeSink<ChangeEvent> sink) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      sink.reject(
          DeadLetterReason.MALFORMED_JSON, "not valid JSON: " + firstLine(e.getMessage()), json);
      return;
    }
    if (root == null || !root.isObject()) {
      sink.reject(DeadLetterReason.MALFORMED_JSON, "a change event must be a JSON object", json);
      return;
    }
    ObjectNode o = (ObjectNode) root;
    String kindText = text(o, "kind");
    if (kindText == null || kindText.isBlank()) {
      sink.reject(DeadLetterReason.MISSING_FIELD, "field 'kind' is missing", json);
      return;
    }
    ChangeKind kind;
    try {
      kind = ChangeKind.valueOf(kindText.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      sink.reject(
          DeadLetterReason.UNKNOWN_KIND,
          "field 'kind' = '" + kindText + "' is not in the change vocabulary",
          json);
      return;
    }
    JsonNode timeNode = o.get("time");
    if (timeNode == null || timeNode.isNull()) {
      sink.reject(DeadLetterReason.MISSING_FIELD, "field 'time' is missing", json);
      return;
    }
    Long time = instant(timeNode);
    if (time == null) {
      sink.reject(
          DeadLetterReason.MALFORMED_JSON,
          "field 'time' = " + timeNode + " is neither ISO-8601 nor epoch milliseconds",
          json);
      return;
    }
    String bad = timestamps.problem(time, kafkaTimestampMs);
    if (bad != null) {
      bad = "field 'time' " + bad;
    }
    if (bad != null) {
      sink.reject(DeadLetterReason.ABSURD_TIMESTAMP, bad, json);
      return;
    }
    ChangeEvent e = new ChangeEvent();
    e.setKind(kind);
    e.setTimestampMs(time);
    e.setService(text(o, "service"));
    e.setVersion(text(o, "version"));
    e.setPreviousVersion(firstText(o, "previous_version", "previousVersion"));
    e.setCommit(text(o, "commit"));
    e.setSource(text(o, "source"));
    e.setActor(text(o, "actor"));
    e.setInstance(firstText(o, "host", "instance"));
    e.setZone(text(o, "zone"));
    e.setKey(text(o, "key"));
    e.setOldValue(text(o, "old"));
    e.setNewValue(text(o, "new"));
    e.setResourceName(text(o, "resource"));
    e.setEffect(text(o, "effect"));
    e.setDescription(text(o, "description"));
    e.setDerived(false);
    Map<String, String> attributes = new HashMap<>();
    JsonNode given = o.get("attributes");
    if (given != null && given.isObject()) {
      given.fields().forEachRemaining(f -> attributes.put(f.getKey(), asText(f.getValue())));
    }
    Iterator<Map.Entry<String, JsonNode>> it = o.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!KNOWN.contains(f.getKey()) && !f.getValue().isNull()) {
        attributes.put(f.getKey(), asText(f.getValue()));
      }
    }
    JsonNode replicas = o.get("replicas");
    if (replicas != null && !replicas.isNull()) {
      if (replicas.canConvertToInt() && (replicas.isIntegralNumber() || isIntText(replicas))) {
        e.setReplicas(
            replicas.isNumber()
                ? replicas.intValue()
                : Integer.parseInt(replicas.textValue().trim()));
      } else {
        sink.reject(
            DeadLetterReason.MALFORMED_JSON,
            "field 'replicas' = " + replicas + " is not an integer",
            json);
        return;
      }
    }
    String rollout = text(o, "rollout");
    if (rollout != null) {
      attributes.put("rollout", rollout);
    }
    JsonNode rolloutEnd = o.has("rollout_end") ? o.get("rollout_end") : o.get("rolloutEnd");
    Long end = rolloutEnd == null || rolloutEnd.isNull() ? null : instant(rolloutEnd);
    if (end == null && rollout != null) {
      Long d = durationMs(rollout);
      if (d != null) {
        end = time + d;
      }
    }
    e.setRolloutEndMs(end);
    JsonNode start = o.get("start");
    JsonNode stop = o.get("end");
    e.setActivityStartMs(start == null || start.isNull() ? null : instant(start));
    e.setActivityEndMs(stop == null || stop.isNull() ? null : instant(stop));
    e.setAttributes(attributes);
    String id = text(o, "id");
    e.setId(id != null && !id.isBlank() ? id : derivedId(json));
    sink.emit(e);
  }

  private static boolean isIntText(JsonNode n) {
    return n.isTextual() && n.textValue().trim().matches("-?\\d+");
  }

  private static String derivedId(byte[] json) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(json);
      return "chg-" + Hex.encode(java.util.Arrays.copyOf(d, 8));
    } catch (java.security.NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Epoch millis from a number, a numeric string or ISO-8601 text; null when unparseable. */
  static Long instant(JsonNode n) {
    if (n.isIntegralNumber()) {
      // a number beyond a long (say epoch nanoseconds with a typo) is not a time, not an overflow
      return n.canConvertToLong() ? n.longValue() : null;
    }
    if (!n.isTextual()) {
      return null;
    }
    String t = n.textValue().trim();
    if (t.matches("\\d{1,19}")) {
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        return null; // 19 digits beyond Long.MAX_VALUE
      }
    }
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDateTime.parse(t).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** "5m", "90s", "2h", "1d", "250ms" or ISO-8601 "PT5M"; null when unparseable. */
  static Long durationMs(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT)).toMillis();
      }
      if (t.endsWith("ms")) {
        return Long.parseLong(t.substring(0, t.length() - 2).trim());
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
      switch (t.charAt(t.length() - 1)) {
        case 's':
          return n * 1000L;
        case 'm':
          return n * 60_000L;
        case 'h':
          return n * 3_600_000L;
        case 'd':
          return n * 86_400_000L;
        default:
          return null;
      }
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String text(ObjectNode o, String key) {
    JsonNode n = o.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    return asText(n);
  }

  private static String firstText(ObjectNode o, String a, String b) {
    String v = text(o, a);
    return v != null ? v : text(o, b);
  }

  private static String asText(JsonNode n) {
    return n.isValueNode() ? n.asText() : n.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
