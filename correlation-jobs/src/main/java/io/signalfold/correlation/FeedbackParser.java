package io.signalfold.correlation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.FeedbackVerdict;
import io.signalfold.schema.HypothesisFeedback;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * Parses human feedback messages (topic {@code incident-feedback}) into {@link HypothesisFeedback}:
 *
 * <pre>{"candidate_id": "inc-...", "hypothesis_id": "hyp-...", "verdict": "confirm",
 *  "note": "rolled back, errors gone", "author": "alice", "time": "2026-03-02T01:20:00Z"}</pre>
 *
 * camelCase keys are accepted too; verdict is confirm, reject or note (a message with only a note
 * is a note on the whole candidate); time is RFC 3339 or epoch millis (default: the record time).
 */
public final class FeedbackParser {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FeedbackParser() {}

  public static HypothesisFeedback parse(String json, long fallbackTimeMs)
      throws InputParseException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InputParseException(
          DeadLetterReason.MALFORMED_JSON, "not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InputParseException(
          DeadLetterReason.MALFORMED_JSON, "feedback is not a JSON object");
    }
    String candidate = text(root, "candidate_id", "candidateId", "incident_id");
    if (candidate == null || candidate.isEmpty()) {
      throw new InputParseException(DeadLetterReason.MISSING_FIELD, "feedback has no candidate_id");
    }
    String hypothesis = text(root, "hypothesis_id", "hypothesisId");
    String note = text(root, "note", "comment");
    String verdictText = text(root, "verdict", "label");
    FeedbackVerdict verdict;
    if (verdictText == null) {
      if (note == null) {
        throw new InputParseException(
            DeadLetterReason.MISSING_FIELD, "feedback has neither verdict nor note");
      }
      verdict = FeedbackVerdict.NOTE;
    } else {
      verdict =
          switch (verdictText.trim().toLowerCase(Locale.ROOT)) {
            case "confirm", "confirmed", "correct", "accept", "accepted" -> FeedbackVerdict.CONFIRM;
            case "reject", "rejected", "wrong", "incorrect" -> FeedbackVerdict.REJECT;
            case "note", "comment" -> FeedbackVerdict.NOTE;
            default ->
                throw new InputParseException(
                    DeadLetterReason.UNKNOWN_KIND,
                    "unknown verdict '" + verdictText + "' (confirm, reject, note)");
          };
    }
    if (verdict != FeedbackVerdict.NOTE && hypothesis == null) {
      throw new InputParseException(
          DeadLetterReason.MISSING_FIELD,
          verdict.name().toLowerCase(Locale.ROOT) + " needs a hypothesis_id");
    }
    Long t = JsonTimes.parse(root.has("time") ? root.get("time") : root.get("timestamp"), "time");
    return HypothesisFeedback.newBuilder()
        .setCandidateId(candidate)
        .setHypothesisId(hypothesis)
        .setVerdict(verdict)
        .setNote(note)
        .setAuthor(text(root, "author", "user"))
        .setTimestampMs(t != null ? t : fallbackTimeMs)
        .build();
  }

  @Nullable
  private static String text(JsonNode n, String... fields) {
    for (String f : fields) {
      JsonNode v = n.get(f);
      if (v != null && !v.isNull()) {
        return v.asText();
      }
    }
    return null;
  }
}
