package io.signalfold.sinks.webhook;

import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.webhook.internal.WebhookDeliveryFunction;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Attaches webhook deliveries to streams. Each returns the stream of {@link DeadLetter}s (reason
 * DELIVERY_FAILED) for records whose delivery failed after all retries; wire it to the dead-letter
 * topic ({@code KafkaOutputs.deadLetters}).
 *
 * <pre>{@code
 * DataStream<DeadLetter> failed = Webhooks.slack(candidates, slackConfig, redactor)
 *     .union(Webhooks.pagerDuty(candidates, pdConfig, "env:PD_ROUTING_KEY", redactor))
 *     .union(Webhooks.alertmanager(sloAlerts, amConfig, AlertmanagerPayloads.webhook("signalfold")));
 * }</pre>
 *
 * Deliveries run in Flink's async I/O operator (uid {@code webhook-<name>}) with at most {@code
 * maxInFlight} calls per subtask; the per-record path never waits for HTTP. When all slots are busy
 * (endpoint slow), the operator backpressures; each delivery is bounded by {@link
 * WebhookConfig#worstCaseLatency()}, so the stall is bounded too.
 */
public final class Webhooks {

  private Webhooks() {}

  /**
   * Slack incoming webhook; posts on open and on resolve ({@link SlackPayloads#onOpenAndResolve}).
   */
  public static DataStream<DeadLetter> slack(
      DataStream<IncidentCandidate> candidates, WebhookConfig config, Redactor redactor) {
    return deliver(
        candidates, config, SlackPayloads.onOpenAndResolve(redactor), Webhooks::candidateTime);
  }

  /** PagerDuty Events v2: trigger on open/update, resolve on resolved, dedup key per candidate. */
  public static DataStream<DeadLetter> pagerDuty(
      DataStream<IncidentCandidate> candidates,
      WebhookConfig config,
      String routingKey,
      Redactor redactor) {
    return deliver(
        candidates,
        config,
        PagerDutyPayloads.events(routingKey, redactor),
        Webhooks::candidateTime);
  }

  /** An Alertmanager-compatible receiver for SLO burn alerts, with the given payload mapping. */
  public static DataStream<DeadLetter> alertmanager(
      DataStream<SloBurnAlert> alerts, WebhookConfig config, WebhookPayload<SloBurnAlert> payload) {
    return deliver(alerts, config, payload, SloBurnAlert::getTimestampMs);
  }

  /** Any record type, any JSON payload. */
  public static <T> DataStream<DeadLetter> deliver(
      DataStream<T> stream,
      WebhookConfig config,
      WebhookPayload<T> payload,
      SerializableFunction<T, Long> eventTime) {
    long timeoutMs = config.worstCaseLatency().toMillis() + 5_000;
    TypeInformation<DeadLetter> type = new AvroTypeInfo<>(DeadLetter.class);
    return AsyncDataStream.unorderedWait(
            stream,
            new WebhookDeliveryFunction<>(config, payload, eventTime),
            timeoutMs,
            TimeUnit.MILLISECONDS,
            config.maxInFlight())
        .returns(type)
        .uid("webhook-" + config.name())
        .name("webhook " + config.name());
  }

  private static Long candidateTime(IncidentCandidate c) {
    return c.getResolvedAtMs() != null ? c.getResolvedAtMs() : c.getUpdatedAtMs();
  }
}
