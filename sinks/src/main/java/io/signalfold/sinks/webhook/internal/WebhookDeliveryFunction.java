package io.signalfold.sinks.webhook.internal;

import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.sinks.webhook.WebhookConfig;
import io.signalfold.sinks.webhook.WebhookPayload;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Delivers each record to a webhook from Flink's async I/O operator (bounded in flight by the
 * operator's capacity; when full, the operator backpressures and Flink's backpressure metrics show
 * it). Emits nothing on success and one {@link DeadLetter} (reason DELIVERY_FAILED, the body as
 * payload) when every attempt failed, so a notification is never lost silently. The URL is never
 * written to a dead letter: Slack webhook URLs are credentials.
 */
public final class WebhookDeliveryFunction<T> extends RichAsyncFunction<T, DeadLetter> {

  private static final long serialVersionUID = 1L;

  private final WebhookConfig config;
  private final WebhookPayload<T> payload;
  private final SerializableFunction<T, Long> eventTime;
  private transient HttpDelivery delivery;
  private transient ExecutorService httpExecutor;
  private transient ScheduledExecutorService scheduler;
  private transient AtomicInteger inFlight;
  private transient Counter delivered;
  private transient Counter failed;
  private transient Counter skipped;

  public WebhookDeliveryFunction(
      WebhookConfig config, WebhookPayload<T> payload, SerializableFunction<T, Long> eventTime) {
    this.config = config;
    this.payload = payload;
    this.eventTime = eventTime;
  }

  @Override
  public void open(OpenContext ctx) {
    AtomicInteger n = new AtomicInteger();
    httpExecutor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t =
                  new Thread(r, "signalfold-webhook-" + config.name() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "signalfold-webhook-retry-" + config.name());
              t.setDaemon(true);
              return t;
            });
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(config.requestTimeout())
            .executor(httpExecutor)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    delivery = new HttpDelivery(config, http, scheduler);
    inFlight = new AtomicInteger();
    var group = getRuntimeContext().getMetricGroup().addGroup("webhook", config.name());
    delivered = group.counter("delivered");
    failed = group.counter("deadLettered");
    skipped = group.counter("skipped");
    group.gauge("inFlight", inFlight::get);
  }

  @Override
  public void asyncInvoke(T record, ResultFuture<DeadLetter> out) {
    String json;
    try {
      json = payload.json(record);
    } catch (RuntimeException e) {
      failed.inc();
      out.complete(List.of(deadLetter(record, "payload mapping failed: " + e, new byte[0])));
      return;
    }
    if (json == null) {
      skipped.inc();
      out.complete(List.of());
      return;
    }
    inFlight.incrementAndGet();
    delivery
        .post(json)
        .whenComplete(
            (r, err) -> {
              inFlight.decrementAndGet();
              if (r != null && r.delivered()) {
                delivered.inc();
                out.complete(List.of());
              } else {
                failed.inc();
                String detail = r != null ? r.detail() : "internal: " + err;
                out.complete(
                    List.of(deadLetter(record, detail, json.getBytes(StandardCharsets.UTF_8))));
              }
            });
  }

  @Override
  public void timeout(T record, ResultFuture<DeadLetter> out) {
    failed.inc();
    String json = payload.json(record);
    out.complete(
        List.of(
            deadLetter(
                record,
                "timed out in the async operator",
                json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8))));
  }

  private DeadLetter deadLetter(T record, String detail, byte[] body) {
    int limit = config.deadLetterPayloadLimit();
    boolean truncated = body.length > limit;
    byte[] kept = truncated ? Arrays.copyOf(body, limit) : body;
    Long ts = eventTime.apply(record);
    return DeadLetter.newBuilder()
        .setTimestampMs(ts == null ? 0L : ts)
        .setSourceTopic("webhook:" + config.name())
        .setSourcePartition(-1)
        .setSourceOffset(-1L)
        .setStage("sinks.webhook." + config.name())
        .setReason(DeadLetterReason.DELIVERY_FAILED)
        .setDetail(
            "delivery to " + config.name() + " (" + config.url().getHost() + ") failed: " + detail)
        .setEncoding("json")
        .setPayload(ByteBuffer.wrap(kept))
        .setPayloadTruncated(truncated)
        .build();
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (httpExecutor != null) {
      httpExecutor.shutdownNow();
    }
  }
}
