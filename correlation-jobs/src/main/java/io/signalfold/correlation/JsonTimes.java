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
      if (!node.canConvertToLong()) {
        throw notATime(field, node.asText(), null);
      }
      return node.asLong();
    }
    String text = node.asText().trim();
    if (text.isEmpty()) {
      return null;
    }
    if (text.chars().allMatch(Character::isDigit)) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw notATime(field, text, e); // more digits than a long holds
      }
    }
    try {
      Instant i = OffsetDateTime.parse(text).toInstant();
      if (i.isBefore(Instant.parse("1971-01-01T00:00:00Z"))) {
        return null; // zero time: "not set"
      }
      return i.toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw notATime(field, text, e); // unparseable, or a year beyond epoch milliseconds
    }
  }

  private static InputParseException notATime(String field, String text, @Nullable Exception e) {
    String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    String detail = "field '" + field + "' is not an RFC 3339 time or epoch millis: " + shown;
    return e == null
        ? new InputParseException(io.signalfold.schema.DeadLetterReason.MALFORMED_JSON, detail)
        : new InputParseException(io.signalfold.schema.DeadLetterReason.MALFORMED_JSON, detail, e);
  }
}
