package io.signalfold.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalfold.schema.AlertState;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloAlertSeverity;
import io.signalfold.schema.SloBurnAlert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerPayloadTest {

  private static final long START = Instant.parse("2026-03-02T00:38:00Z").toEpochMilli();

  private static SloBurnAlert burn(AlertState state, long at) {
    return SloBurnAlert.newBuilder()
        .setId("checkout-availability{zone=az-1}/page-1h-5m@" + START)
        .setSlo("checkout-availability")
        .setService("checkout")
        .setLabels(Map.of("zone", "az-1"))
        .setTimestampMs(at)
        .setFiringSinceMs(START)
        .setAlertKind(SloAlertKind.BURN_RATE)
        .setSeverity(SloAlertSeverity.PAGE)
        .setState(state)
        .setObjective(0.999)
        .setLongWindowMs(3_600_000)
        .setShortWindowMs(300_000)
        .setBurnRateThreshold(14.4)
        .setBurnLong(15.0)
        .setBurnShort(50.0)
        .setBudgetRemainingFraction(0.8)
        .setDescription("checkout-availability firing: ...")
        .build();
  }

  @Test
  void firingBurnAlertBecomesAVersion4WebhookBody() throws Exception {
    JsonNode p =
        new ObjectMapper()
            .readTree(AlertmanagerPayload.of(List.of(burn(AlertState.FIRING, START))));
    assertThat(p.get("version").asText()).isEqualTo("4");
    assertThat(p.get("status").asText()).isEqualTo("firing");
    assertThat(p.get("receiver").asText()).isEqualTo("signalfold");
    assertThat(p.get("truncatedAlerts").asInt()).isZero();
    assertThat(p.get("groupKey").asText()).isEqualTo("{}:{slo=\"checkout-availability\"}");
    assertThat(p.get("groupLabels").get("slo").asText()).isEqualTo("checkout-availability");
    JsonNode a = p.get("alerts").get(0);
    assertThat(a.get("status").asText()).isEqualTo("firing");
    assertThat(a.get("startsAt").asText()).isEqualTo("2026-03-02T00:38:00Z");
    assertThat(a.get("endsAt").asText()).isEqualTo(AlertmanagerPayload.ZERO_TIME);
    JsonNode labels = a.get("labels");
    assertThat(labels.get("alertname").asText()).isEqualTo("SloBurnRate");
    assertThat(labels.get("severity").asText()).isEqualTo("page");
    assertThat(labels.get("long_window").asText()).isEqualTo("1h");
    assertThat(labels.get("short_window").asText()).isEqualTo("5m");
    assertThat(labels.get("zone").asText()).isEqualTo("az-1");
    assertThat(labels.get("service").asText()).isEqualTo("checkout");
    assertThat(a.get("annotations").get("burn_long").asText()).isEqualTo("15.0000");
    assertThat(a.get("fingerprint").asText()).matches("[0-9a-f]{16}");
    assertThat(p.get("commonLabels")).isEqualTo(labels);
  }

  @Test
  void resolvedTransitionReplacesTheFiringOneOfTheSameAlert() throws Exception {
    long end = START + 16 * 60_000;
    JsonNode p =
        new ObjectMapper()
            .readTree(
                AlertmanagerPayload.of(
                    List.of(burn(AlertState.FIRING, START), burn(AlertState.RESOLVED, end))));
    assertThat(p.get("alerts")).hasSize(1);
    assertThat(p.get("status").asText()).isEqualTo("resolved");
    assertThat(p.get("alerts").get(0).get("endsAt").asText()).isEqualTo("2026-03-02T00:54:00Z");
  }

  @Test
  void budgetAlertsAndCommonLabelsAcrossSeveralAlerts() throws Exception {
    SloBurnAlert budget =
        SloBurnAlert.newBuilder(burn(AlertState.FIRING, START))
            .setAlertKind(SloAlertKind.BUDGET_CONSUMED)
            .setSeverity(SloAlertSeverity.TICKET)
            .setLabels(Map.of("zone", "az-2"))
            .setBudgetConsumedThreshold(0.5)
            .build();
    JsonNode p =
        new ObjectMapper()
            .readTree(AlertmanagerPayload.of(List.of(burn(AlertState.FIRING, START), budget)));
    assertThat(p.get("alerts")).hasSize(2);
    JsonNode second = p.get("alerts").get(1).get("labels");
    assertThat(second.get("alertname").asText()).isEqualTo("SloBudgetConsumed");
    assertThat(second.get("budget_consumed").asText()).isEqualTo("0.5000");
    assertThat(p.get("commonLabels").has("zone")).isFalse();
    assertThat(p.get("commonLabels").get("slo").asText()).isEqualTo("checkout-availability");
  }

  @Test
  void fingerprintIsPrometheusFnv1aOverTheLabelSet() {
    // The empty label set hashes to the FNV-1a 64 offset basis, as in prometheus/common model.
    assertThat(AlertmanagerPayload.fingerprint(Map.of())).isEqualTo("cbf29ce484222325");
    // prometheus/common model.LabelsToSignature test vector: 5799056148416392346.
    assertThat(
            AlertmanagerPayload.fingerprint(
                Map.of("name", "garland, briggs", "fear", "love is not enough")))
        .isEqualTo(Long.toHexString(5799056148416392346L));
    // Order of insertion does not matter, values do.
    assertThat(AlertmanagerPayload.fingerprint(Map.of("a", "1", "b", "2")))
        .isEqualTo(
            AlertmanagerPayload.fingerprint(new java.util.TreeMap<>(Map.of("b", "2", "a", "1"))))
        .isNotEqualTo(AlertmanagerPayload.fingerprint(Map.of("a", "1", "b", "3")));
  }
}
