package io.signalfold.sinks.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalfold.schema.AlertState;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookPayloadsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Redactor redactor = Redactor.defaults();

  static IncidentCandidate summarized(
      IncidentCandidate c, String fallbackReason, String generator) {
    c.setSummary(
        IncidentSummary.newBuilder()
            .setCandidateId(c.getId())
            .setCandidateVersion(c.getVersion())
            .setGenerator(generator)
            .setCreatedAtMs(c.getUpdatedAtMs())
            .setTitle(c.getTitle())
            .setSentences(
                List.of(
                    SummarySentence.newBuilder()
                        .setText(
                            "Most likely cause: the deploy of botforge 2.4.1 <now> & more; mail ops@example.com")
                        .setCitations(List.of("chg-7c1e"))
                        .build()))
            .setFallbackReason(fallbackReason)
            .build());
    return c;
  }

  @Test
  void slackMessageHasBlocksSummaryAndTopHypothesis() throws Exception {
    IncidentCandidate c = summarized(Candidates.badDeployOpen(), null, "deterministic");
    JsonNode m = JSON.readTree(SlackPayloads.message(c, redactor));
    assertThat(m.get("text").asText())
        .startsWith("[CRITICAL] OPEN: Errors in botforge after deploy 2.4.1");
    JsonNode blocks = m.get("blocks");
    assertThat(blocks)
        .extracting(b -> b.get("type").asText())
        .containsExactly("header", "section", "section", "section", "context");
    assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
    assertThat(blocks.get(0).get("text").get("text").asText().length()).isLessThanOrEqualTo(150);
    String summary = blocks.get(1).get("text").get("text").asText();
    assertThat(summary)
        .contains("the deploy of botforge 2.4.1 &lt;now&gt; &amp; more")
        .contains("_[chg-7c1e]_")
        .doesNotContain("ops@example.com");
    assertThat(blocks.get(2).get("fields").size()).isEqualTo(4);
    String top = blocks.get(3).get("text").get("text").asText();
    assertThat(top)
        .contains(
            "*Top hypothesis* (confidence 0.86, correlation in time, not proof of cause): DEPLOYMENT `2.4.1` of `botforge`, change `chg-7c1e`")
        .contains("*Suggested mitigation:* ROLLBACK");
  }

  @Test
  void slackPostsOnOpenAndResolveOnly() {
    var p = SlackPayloads.onOpenAndResolve(redactor);
    assertThat(p.json(summarized(Candidates.badDeployOpen(), null, "deterministic"))).isNotNull();
    assertThat(p.json(summarized(Candidates.badDeployUpdated(), null, "deterministic"))).isNull();
    assertThat(p.json(summarized(Candidates.badDeployResolved(), null, "deterministic")))
        .isNotNull();
    // LLM mode: the provisional record is posted on time; its follow-up is not.
    assertThat(p.json(summarized(Candidates.badDeployOpen(), "llm-pending: x", "deterministic")))
        .isNotNull();
    assertThat(p.json(summarized(Candidates.badDeployOpen(), null, "llm:m"))).isNull();
    assertThat(
            p.json(summarized(Candidates.badDeployOpen(), "unavailable: timeout", "deterministic")))
        .isNull();
  }

  @Test
  void pagerDutyTriggersUpdatesAndResolvesOneAlert() throws Exception {
    JsonNode open =
        JSON.readTree(
            PagerDutyPayloads.event(
                summarized(Candidates.badDeployOpen(), null, "deterministic"),
                "R0UT1NGKEY",
                redactor));
    JsonNode upd =
        JSON.readTree(
            PagerDutyPayloads.event(Candidates.badDeployUpdated(), "R0UT1NGKEY", redactor));
    JsonNode res =
        JSON.readTree(
            PagerDutyPayloads.event(Candidates.badDeployResolved(), "R0UT1NGKEY", redactor));
    assertThat(open.get("event_action").asText()).isEqualTo("trigger");
    assertThat(upd.get("event_action").asText()).isEqualTo("trigger");
    assertThat(res.get("event_action").asText()).isEqualTo("resolve");
    assertThat(open.get("dedup_key").asText())
        .isEqualTo("signalfold/" + Candidates.DEPLOY_ID)
        .isEqualTo(upd.get("dedup_key").asText())
        .isEqualTo(res.get("dedup_key").asText());
    assertThat(open.get("routing_key").asText()).isEqualTo("R0UT1NGKEY");
    JsonNode p = open.get("payload");
    assertThat(p.get("summary").asText()).isEqualTo(Candidates.badDeployOpen().getTitle());
    assertThat(p.get("source").asText()).isEqualTo("botforge");
    assertThat(p.get("severity").asText()).isEqualTo("critical");
    assertThat(Instant.parse(p.get("timestamp").asText()).toEpochMilli())
        .isEqualTo(Candidates.badDeployOpen().getUpdatedAtMs());
    assertThat(p.get("component").asText()).isEqualTo("botforge");
    assertThat(p.get("custom_details").get("basis").asText()).isEqualTo("CORRELATION");
    assertThat(p.get("custom_details").get("summary").get(0).asText())
        .doesNotContain("ops@example.com");
    assertThat(res.has("payload")).isFalse();
    JsonNode high =
        JSON.readTree(PagerDutyPayloads.event(Candidates.throttlingOpen(), "k", redactor));
    assertThat(high.get("payload").get("severity").asText()).isEqualTo("error");
  }

  @Test
  void alertmanagerWebhookShape() throws Exception {
    SloBurnAlert firing =
        SloBurnAlert.newBuilder()
            .setId("gateway-availability/page/1")
            .setSlo("gateway-availability")
            .setService("gateway")
            .setLabels(Map.of("zone", "az-1"))
            .setTimestampMs(Candidates.DEPLOY_T0 + 32 * 60_000)
            .setFiringSinceMs(Candidates.DEPLOY_T0 + 32 * 60_000)
            .setAlertKind(SloAlertKind.BURN_RATE)
            .setSeverity(SloAlertSeverity.PAGE)
            .setState(AlertState.FIRING)
            .setObjective(0.999)
            .setLongWindowMs(3_600_000)
            .setShortWindowMs(300_000)
            .setBurnRateThreshold(14.4)
            .setBurnLong(31.0)
            .setBurnShort(40.2)
            .setBudgetRemainingFraction(0.62)
            .build();
    JsonNode m = JSON.readTree(AlertmanagerPayloads.message(firing, "signalfold"));
    assertThat(m.get("version").asText()).isEqualTo("4");
    assertThat(m.get("status").asText()).isEqualTo("firing");
    assertThat(m.get("receiver").asText()).isEqualTo("signalfold");
    JsonNode a = m.get("alerts").get(0);
    assertThat(a.get("labels").get("alertname").asText()).isEqualTo("SloBurnRate");
    assertThat(a.get("labels").get("slo").asText()).isEqualTo("gateway-availability");
    assertThat(a.get("labels").get("severity").asText()).isEqualTo("page");
    assertThat(a.get("labels").get("zone").asText()).isEqualTo("az-1");
    assertThat(a.get("labels").get("long_window").asText()).isEqualTo("1h");
    assertThat(a.get("startsAt").asText()).isEqualTo("2026-03-16T00:32:00Z");
    assertThat(a.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(a.get("fingerprint").asText()).matches("[0-9a-f]{16}");
    assertThat(a.get("annotations").get("summary").asText())
        .contains("62% of the error budget left");
    assertThat(m.get("commonLabels")).isEqualTo(a.get("labels"));

    firing.setState(AlertState.RESOLVED);
    firing.setTimestampMs(Candidates.DEPLOY_T0 + 80 * 60_000);
    JsonNode r = JSON.readTree(AlertmanagerPayloads.message(firing, "signalfold"));
    assertThat(r.get("status").asText()).isEqualTo("resolved");
    assertThat(r.get("alerts").get(0).get("endsAt").asText()).isEqualTo("2026-03-16T01:20:00Z");
    assertThat(r.get("alerts").get(0).get("fingerprint"))
        .as("same alert, same fingerprint")
        .isEqualTo(a.get("fingerprint"));
  }
}
