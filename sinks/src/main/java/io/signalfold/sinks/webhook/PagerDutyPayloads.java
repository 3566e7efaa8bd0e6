package io.signalfold.sinks.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalfold.schema.AffectedEntity;
import io.signalfold.schema.AffectedRole;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.RecordRedaction;
import io.signalfold.sinks.Redactor;
import java.time.Instant;
import java.util.Locale;

/**
 * PagerDuty Events API v2 ({@code POST https://events.pagerduty.com/v2/enqueue}) events for
 * incident candidates: {@code trigger} on open and on every update (same {@code dedup_key}, so
 * PagerDuty updates one alert), {@code resolve} when the candidate resolves. The dedup key is
 * {@code signalfold/<candidate id>}: stable across versions and replays.
 */
public final class PagerDutyPayloads {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PagerDutyPayloads() {}

  /**
   * @param routingKey the integration key, or {@code env:NAME} to read it from the environment
   */
  public static WebhookPayload<IncidentCandidate> events(String routingKey, Redactor redactor) {
    return c -> event(c, resolve(routingKey), redactor);
  }

  /** The stable dedup key of a candidate. */
  public static String dedupKey(String candidateId) {
    String k = "signalfold/" + candidateId;
    return k.length() <= 255 ? k : k.substring(0, 255);
  }

  public static String event(IncidentCandidate candidate, String routingKey, Redactor redactor) {
    IncidentCandidate c = RecordRedaction.redact(candidate, redactor);
    ObjectNode root = JSON.createObjectNode();
    root.put("routing_key", routingKey);
    root.put("dedup_key", dedupKey(c.getId()));
    if (c.getStatus() == CandidateStatus.RESOLVED) {
      root.put("event_action", "resolve");
      return root.toString();
    }
    root.put("event_action", "trigger");
    root.put("client", "signalfold");
    ObjectNode p = root.putObject("payload");
    p.put("summary", cap(c.getTitle(), 1024));
    String source = "signalfold";
    for (AffectedEntity a : c.getAffected()) {
      if (a.getRole() == AffectedRole.CAUSE_CANDIDATE) {
        source = a.getEntity().getName();
        break;
      }
    }
    p.put("source", source);
    p.put("severity", severity(c));
    p.put("timestamp", Instant.ofEpochMilli(c.getUpdatedAtMs()).toString());
    p.put("class", "incident-candidate");
    Hypothesis top = null;
    for (Hypothesis h : c.getHypotheses()) {
      if (top == null || h.getRank() < top.getRank()) {
        top = h;
      }
    }
    if (top != null) {
      p.put(
          "component",
          top.getEntity().getService() != null
              ? top.getEntity().getService()
              : top.getEntity().getName());
      p.put("group", top.getKind().name().toLowerCase(Locale.ROOT));
    }
    ObjectNode d = p.putObject("custom_details");
    d.put("candidate_id", c.getId());
    d.put("version", c.getVersion());
    d.put("status", c.getStatus().name());
    d.put("onset", Instant.ofEpochMilli(c.getOnsetMs()).toString());
    if (top != null) {
      d.put(
          "top_hypothesis",
          top.getKind()
              + " "
              + top.getEntity().getName()
              + (top.getEntity().getService() == null
                  ? ""
                  : " (" + top.getEntity().getService() + ")"));
      d.put("confidence", top.getConfidence());
      d.put("basis", top.getBasis().name());
      d.put("mitigation", top.getMitigation().name());
      if (top.getChangeId() != null) {
        d.put("change_id", top.getChangeId());
      }
    }
    if (c.getSummary() != null) {
      d.put("summary_generator", c.getSummary().getGenerator());
      ArrayNode sentences = d.putArray("summary");
      for (SummarySentence s : c.getSummary().getSentences()) {
        sentences.add(s.getText() + " [" + String.join(", ", s.getCitations()) + "]");
      }
    }
    return root.toString();
  }

  static String severity(IncidentCandidate c) {
    switch (c.getSeverity()) {
      case CRITICAL:
        return "critical";
      case HIGH:
        return "error";
      case MEDIUM:
        return "warning";
      default:
        return "info";
    }
  }

  static String resolve(String value) {
    if (value != null && value.startsWith("env:")) {
      String v = System.getenv(value.substring(4));
      if (v == null) {
        throw new IllegalStateException(
            "environment variable " + value.substring(4) + " is not set");
      }
      return v;
    }
    return value;
  }

  private static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }
}
