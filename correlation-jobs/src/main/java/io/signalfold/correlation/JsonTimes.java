package io.signalfold.correlation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import javax.annotation.Nullable;

/** Timestamps in webhook payloads: RFC 3339 strings (any offset) or epoch milliseconds. */
final class JsonTimes {

  private JsonTimes() {}

  /** Epoch millis, or null for absent, empty, or Go's zero time (0001-01-01T00:00:00Z). */
  @Nullable
  static Long parse(@Nullable JsonNode node, String field) throws InputParseException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isNumber()) {
      return node.asLong();
    }
    String text = node.asText().trim();
    if (text.isEmpty()) {
      return null;
    }
    if (text.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(text);
    }
    try {
      Instant i = OffsetDateTime.parse(text).toInstant();
      if (i.isBefore(Instant.parse("1971-01-01T00:00:00Z"))) {
        return null; // zero time: "not set"
      }
      return i.toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new InputParseException(
          io.signalfold.schema.DeadLetterReason.MALFORMED_JSON,
          "field '" + field + "' is not an RFC 3339 time or epoch millis: " + text,
          e);
    }
  }
}
