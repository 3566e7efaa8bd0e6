package io.signalfold.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.FeedbackVerdict;
import io.signalfold.schema.HypothesisFeedback;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertWebhookParserTest {

  private static final long FALLBACK = Instant.parse("2026-03-02T01:00:00Z").toEpochMilli();

  @Test
  void alertmanagerWebhookGivesOneAlertPerEntryWithCommonLabels() throws Exception {
    String json =
        """
        {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\"}","truncatedAlerts":0,"status":"firing",
         "receiver":"signalfold","groupLabels":{"alertname":"HighErrorRate"},
         "commonLabels":{"alertname":"HighErrorRate","severity":"critical","cluster":"eu-1"},
         "commonAnnotations":{},"externalURL":"http://alertmanager:9093",
         "alerts":[
          {"status":"firing","labels":{"alertname":"HighErrorRate","service":"checkout","instance":"checkout-1:8080","zone":"az-2"},
           "annotations":{"summary":"5xx above 5%"},"startsAt":"2026-03-02T00:31:15.123+01:00","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"http://prometheus:9090/graph?g0.expr=x","fingerprint":"0a1b2c3d4e5f6071"},
          {"status":"resolved","labels":{"alertname":"HighErrorRate","service":"cart"},
           "annotations":{},"startsAt":"2026-03-02T00:10:00Z","endsAt":"2026-03-02T00:20:00Z","fingerprint":"ffee"}]}
        """;
    List<ExternalAlert> alerts = AlertWebhookParser.parse(json, FALLBACK);
    assertThat(alerts).hasSize(2);
    ExternalAlert a = alerts.get(0);
    assertThat(a.getSource()).isEqualTo("alertmanager");
    assertThat(a.getId()).isEqualTo("0a1b2c3d4e5f6071");
    assertThat(a.getName()).isEqualTo("HighErrorRate");
    assertThat(a.getFiring()).isTrue();
    assertThat(a.getSeverity()).isEqualTo("critical");
    assertThat(a.getService()).isEqualTo("checkout");
    assertThat(a.getInstance()).isEqualTo("checkout-1:8080");
    assertThat(a.getStartsAtMs())
        .isEqualTo(Instant.parse("2026-03-01T23:31:15.123Z").toEpochMilli());
    assertThat(a.getEndsAtMs()).isNull();
    assertThat(a.getLabels()).containsEntry("cluster", "eu-1").containsEntry("zone", "az-2");
    assertThat(a.getAnnotations()).containsEntry("summary", "5xx above 5%");
    assertThat(a.getGeneratorUrl()).startsWith("http://prometheus");
    ExternalAlert r = alerts.get(1);
    assertThat(r.getFiring()).isFalse();
    assertThat(r.getEndsAtMs()).isEqualTo(Instant.parse("2026-03-02T00:20:00Z").toEpochMilli());
  }

  @Test
  void grafanaUnifiedAlertingWebhookIsRecognised() throws Exception {
    String json =
        """
        {"receiver":"My Webhook","status":"firing","orgId":1,"title":"[FIRING:1] High memory usage",
         "state":"alerting","message":"memory above 90%",
         "alerts":[{"status":"firing","labels":{"alertname":"High memory usage","team":"blue","service":"api"},
           "annotations":{"description":"The system has high memory usage"},
           "startsAt":"2026-03-02T00:40:00Z","endsAt":"0001-01-01T00:00:00Z",
           "generatorURL":"https://grafana/alerting/1/edit","fingerprint":"c6eadffa33fcdf37",
           "silenceURL":"https://grafana/silence","dashboardURL":"","panelURL":"","values":{"B":44.2,"C":1}}]}
        """;
    ExternalAlert a = AlertWebhookParser.parse(json, FALLBACK).get(0);
    assertThat(a.getSource()).isEqualTo("grafana");
    assertThat(a.getName()).isEqualTo("High memory usage");
    assertThat(a.getService()).isEqualTo("api");
    assertThat(a.getSeverity()).isNull();
    assertThat(a.getId()).isEqualTo("c6eadffa33fcdf37");
  }

  @Test
  void legacyGrafanaAndBareAlertArraysAreAccepted() throws Exception {
    String legacy =
        """
        {"dashboardId":1,"evalMatches":[{"value":1,"metric":"Count","tags":{"service":"search"}}],
         "message":"Notification Message","orgId":1,"panelId":2,"ruleId":7,"ruleName":"Search latency",
         "ruleUrl":"http://grafana/d/abc","state":"alerting","tags":{"severity":"High"},"title":"[Alerting] Search latency"}
        """;
    ExternalAlert a = AlertWebhookParser.parse(legacy, FALLBACK).get(0);
    assertThat(a.getSource()).isEqualTo("grafana");
    assertThat(a.getId()).isEqualTo("grafana-rule-7");
    assertThat(a.getService()).isEqualTo("search");
    assertThat(a.getSeverity()).isEqualTo("high");
    assertThat(a.getStartsAtMs()).isEqualTo(FALLBACK);
    assertThat(a.getFiring()).isTrue();

    String array =
        "[{\"labels\":{\"alertname\":\"Up\",\"job\":\"node\"},\"startsAt\":\"2026-03-02T00:00:00Z\"}]";
    ExternalAlert b = AlertWebhookParser.parse(array, FALLBACK).get(0);
    assertThat(b.getService()).isEqualTo("node");
    assertThat(b.getId()).hasSize(16);
    assertThat(AlertWebhookParser.parse(array, FALLBACK).get(0).getId()).isEqualTo(b.getId());
  }

  @Test
  void unusableAlertPayloadsNameTheirDeadLetterReason() {
    assertThatThrownBy(() -> AlertWebhookParser.parse("{not json", FALLBACK))
        .isInstanceOfSatisfying(
            InputParseException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON));
    assertThatThrownBy(() -> AlertWebhookParser.parse("{\"hello\":1}", FALLBACK))
        .isInstanceOfSatisfying(
            InputParseException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_KIND));
    assertThatThrownBy(() -> AlertWebhookParser.parse("{\"alerts\":[{\"labels\":{}}]}", FALLBACK))
        .isInstanceOfSatisfying(
            InputParseException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD));
    assertThatThrownBy(
            () ->
                AlertWebhookParser.parse(
                    "{\"alerts\":[{\"labels\":{\"alertname\":\"x\"},\"startsAt\":\"yesterday\"}]}",
                    FALLBACK))
        .isInstanceOfSatisfying(
            InputParseException.class, e -> assertThat(e.getMessage()).contains("startsAt"));
  }

  @Test
  void feedbackMessagesParseWithBothKeyStyles() throws Exception {
    HypothesisFeedback f =
        FeedbackParser.parse(
            "{\"candidate_id\":\"inc-1\",\"hypothesis_id\":\"hyp-2\",\"verdict\":\"Confirm\",\"note\":\"rolled back\",\"author\":\"alice\",\"time\":\"2026-03-02T01:20:00Z\"}",
            FALLBACK);
    assertThat(f.getVerdict()).isEqualTo(FeedbackVerdict.CONFIRM);
    assertThat(f.getCandidateId()).isEqualTo("inc-1");
    assertThat(f.getHypothesisId()).isEqualTo("hyp-2");
    assertThat(f.getTimestampMs()).isEqualTo(Instant.parse("2026-03-02T01:20:00Z").toEpochMilli());
    HypothesisFeedback n =
        FeedbackParser.parse(
            "{\"candidateId\":\"inc-1\",\"note\":\"customer impact confirmed\"}", FALLBACK);
    assertThat(n.getVerdict()).isEqualTo(FeedbackVerdict.NOTE);
    assertThat(n.getTimestampMs()).isEqualTo(FALLBACK);
    assertThatThrownBy(
            () ->
                FeedbackParser.parse(
                    "{\"candidate_id\":\"inc-1\",\"verdict\":\"maybe\"}", FALLBACK))
        .isInstanceOfSatisfying(
            InputParseException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_KIND));
    assertThatThrownBy(
            () ->
                FeedbackParser.parse("{\"verdict\":\"reject\",\"hypothesis_id\":\"h\"}", FALLBACK))
        .isInstanceOfSatisfying(
            InputParseException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD));
    assertThatThrownBy(
            () ->
                FeedbackParser.parse(
                    "{\"candidate_id\":\"inc-1\",\"verdict\":\"reject\"}", FALLBACK))
        .isInstanceOfSatisfying(
            InputParseException.class, e -> assertThat(e.getMessage()).contains("hypothesis_id"));
  }
}
