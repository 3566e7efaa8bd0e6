package io.signalfold.sinks.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.testing.Candidates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhooks on a MiniCluster against local receivers: payloads arrive, failures become dead letters.
 */
class WebhooksITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static List<IncidentCandidate> candidates() {
    return List.of(
        WebhookPayloadsTest.summarized(Candidates.badDeployOpen(), null, "deterministic"),
        WebhookPayloadsTest.summarized(Candidates.badDeployUpdated(), null, "deterministic"),
        WebhookPayloadsTest.summarized(Candidates.badDeployResolved(), null, "deterministic"),
        WebhookPayloadsTest.summarized(Candidates.throttlingOpen(), null, "deterministic"));
  }

  @Test
  void deliversToSlackAndPagerDutyAndDeadLettersFailures() throws Exception {
    try (CapturingServer slack = new CapturingServer();
        CapturingServer pd = new CapturingServer();
        CapturingServer down = new CapturingServer()) {
      down.status(n -> 503);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      DataStream<IncidentCandidate> in =
          env.fromData(candidates(), new AvroTypeInfo<>(IncidentCandidate.class));
      Redactor r = Redactor.defaults();
      DataStream<DeadLetter> failures =
          Webhooks.slack(
                  in, WebhookConfig.builder("slack", slack.url("/services/T0/B0/x")).build(), r)
              .union(
                  Webhooks.pagerDuty(
                      in,
                      WebhookConfig.builder("pagerduty", pd.url("/v2/enqueue")).build(),
                      "KEY",
                      r))
              .union(
                  Webhooks.pagerDuty(
                      in,
                      WebhookConfig.builder("pagerduty-down", down.url("/v2/enqueue"))
                          .maxAttempts(2)
                          .initialBackoff(Duration.ofMillis(10))
                          .build(),
                      "KEY",
                      r));
      List<DeadLetter> dead = new ArrayList<>();
      try (CloseableIterator<DeadLetter> it = failures.executeAndCollect()) {
        it.forEachRemaining(dead::add);
      }
      ObjectMapper json = new ObjectMapper();
      // Slack: open + resolved of bad-deploy, open of throttling; the update is not posted.
      assertThat(slack.bodies()).hasSize(3);
      for (String b : slack.bodies()) {
        assertThat(json.readTree(b).get("blocks").get(0).get("type").asText()).isEqualTo("header");
      }
      // PagerDuty: every record; one resolve.
      assertThat(pd.bodies()).hasSize(4);
      assertThat(pd.bodies().stream().filter(b -> b.contains("\"event_action\":\"resolve\"")))
          .hasSize(1);
      // The failing endpoint: 2 attempts each, then one dead letter per record.
      assertThat(down.bodies()).hasSize(8);
      assertThat(dead).hasSize(4);
      for (DeadLetter d : dead) {
        assertThat(d.getReason()).isEqualTo(DeadLetterReason.DELIVERY_FAILED);
        assertThat(d.getStage()).isEqualTo("sinks.webhook.pagerduty-down");
        assertThat(d.getDetail())
            .contains("HTTP 503 after 2 attempts")
            .doesNotContain("/v2/enqueue");
        assertThat(d.getTimestampMs()).isGreaterThan(Candidates.DEPLOY_T0);
        String body = StandardCharsets.UTF_8.decode(d.getPayload()).toString();
        assertThat(json.readTree(body).get("dedup_key").asText()).startsWith("signalfold/");
      }
    }
  }
}
