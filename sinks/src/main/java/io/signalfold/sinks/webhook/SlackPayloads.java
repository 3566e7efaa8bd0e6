package io.signalfold.sinks.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisBasis;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.OperationImpact;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.RecordRedaction;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.SummaryUpdates;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Slack incoming-webhook messages for incident candidates: a fallback {@code text} and Block Kit
 * {@code blocks} (header, summary, fields, top hypothesis with its basis, context). Text is
 * redacted and escaped for Slack mrkdwn ({@code & < >}), and kept within Slack's block limits.
 */
public final class SlackPayloads {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_SENTENCES = 5;

  private SlackPayloads() {}

  /**
   * The default Slack payload: one message when a candidate opens and one when it resolves, on time
   * (the deterministic summary). Updates and the LLM follow-ups are not posted: an incoming webhook
   * cannot edit a message, and a channel must not get an alert storm.
   */
  public static WebhookPayload<IncidentCandidate> onOpenAndResolve(Redactor redactor) {
    return c -> {
      if (c.getStatus() == CandidateStatus.UPDATED || isLlmModeFollowUp(c.getSummary())) {
        return null;
      }
      return message(c, redactor);
    };
  }

  /** Every record (opens, updates, resolutions, LLM follow-ups). */
  public static WebhookPayload<IncidentCandidate> everyUpdate(Redactor redactor) {
    return c -> message(c, redactor);
  }

  /** The final record of a version in LLM mode (its provisional twin was already emitted). */
  static boolean isLlmModeFollowUp(IncidentSummary s) {
    return s != null
        && !SummaryUpdates.isProvisional(s)
        && (SummaryUpdates.isLlm(s) || s.getFallbackReason() != null);
  }

  /** The message JSON. */
  public static String message(IncidentCandidate candidate, Redactor redactor) {
    IncidentCandidate c = RecordRedaction.redact(candidate, redactor);
    String icon =
        c.getStatus() == CandidateStatus.RESOLVED ? ":large_green_circle:" : ":red_circle:";
    ObjectNode root = JSON.createObjectNode();
    root.put("text", esc("[" + c.getSeverity() + "] " + c.getStatus() + ": " + c.getTitle()));
    ArrayNode blocks = root.putArray("blocks");

    ObjectNode header = blocks.addObject().put("type", "header");
    header
        .putObject("text")
        .put("type", "plain_text")
        .put("text", cap(c.getStatus() + " \u00b7 " + c.getSeverity() + ": " + c.getTitle(), 150))
        .put("emoji", true);

    IncidentSummary s = c.getSummary();
    if (s != null && !s.getSentences().isEmpty()) {
      StringBuilder sb = new StringBuilder(icon).append(' ');
      int n = 0;
      for (SummarySentence x : s.getSentences()) {
        if (n++ == MAX_SENTENCES) {
          break;
        }
        sb.append(esc(x.getText()))
            .append(" _[")
            .append(esc(String.join(", ", x.getCitations())))
            .append("]_\n");
      }
      section(blocks, cap(sb.toString(), 3000));
    }

    ObjectNode fields = blocks.addObject().put("type", "section");
    ArrayNode f = fields.putArray("fields");
    field(f, "*Onset*\n" + Instant.ofEpochMilli(c.getOnsetMs()));
    field(f, "*Status*\n" + c.getStatus() + " (version " + c.getVersion() + ")");
    OperationImpact worst = null;
    for (OperationImpact o : c.getImpact().getOperations()) {
      if (worst == null || o.getErrors() > worst.getErrors()) {
        worst = o;
      }
    }
    if (worst != null) {
      field(
          f,
          "*Worst impact*\n"
              + esc(
                  worst.getService()
                      + (worst.getOperation() == null ? "" : " " + worst.getOperation()))
              + String.format(Locale.ROOT, ": %.1f%% failing", worst.getFailureRate() * 100));
    }
    for (Map.Entry<String, Long> d : c.getImpact().getDistinctCounts().entrySet()) {
      field(f, "*Distinct " + esc(d.getKey()) + "*\n" + d.getValue());
      break;
    }

    Hypothesis top = null;
    for (Hypothesis h : c.getHypotheses()) {
      if (top == null || h.getRank() < top.getRank()) {
        top = h;
      }
    }
    if (top != null) {
      String basis =
          top.getPlanned()
              ? "planned activity, not a fault"
              : top.getBasis() == HypothesisBasis.CORRELATION
                  ? "correlation in time, not proof of cause"
                  : "direct evidence";
      section(
          blocks,
          cap(
              "*Top hypothesis* ("
                  + String.format(Locale.ROOT, "confidence %.2f", top.getConfidence())
                  + ", "
                  + basis
                  + "): "
                  + top.getKind()
                  + " `"
                  + esc(top.getEntity().getName())
                  + "`"
                  + (top.getEntity().getService() == null
                      ? ""
                      : " of `" + esc(top.getEntity().getService()) + "`")
                  + (top.getChangeId() == null ? "" : ", change `" + esc(top.getChangeId()) + "`")
                  + "\n*Suggested mitigation:* "
                  + top.getMitigation(),
              3000));
    }
    ObjectNode context = blocks.addObject().put("type", "context");
    context
        .putArray("elements")
        .addObject()
        .put("type", "mrkdwn")
        .put(
            "text",
            cap(
                "candidate `"
                    + esc(c.getId())
                    + "` \u00b7 summary: "
                    + (s == null ? "none" : esc(s.getGenerator()))
                    + " \u00b7 signalfold",
                300));
    return root.toString();
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    blocks
        .addObject()
        .put("type", "section")
        .putObject("text")
        .put("type", "mrkdwn")
        .put("text", mrkdwn);
  }

  private static void field(ArrayNode fields, String mrkdwn) {
    fields.addObject().put("type", "mrkdwn").put("text", cap(mrkdwn, 2000));
  }

  /** Slack mrkdwn control characters. */
  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }
}
