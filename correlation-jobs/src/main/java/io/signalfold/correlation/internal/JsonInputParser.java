package io.signalfold.correlation.internal;

import io.signalfold.correlation.AlertWebhookParser;
import io.signalfold.correlation.FeedbackParser;
import io.signalfold.correlation.InputParseException;
import io.signalfold.correlation.JsonMessage;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ExternalAlert;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses JSON messages of the external-alerts or feedback topic into correlation inputs; anything
 * unusable becomes a dead letter with its reason (never an exception that fails the job).
 */
public final class JsonInputParser extends ProcessFunction<JsonMessage, CorrelationInput> {

  private static final long serialVersionUID = 1L;
  private static final int MAX_PAYLOAD = 64 * 1024;

  /** What the messages are. */
  public enum Kind {
    EXTERNAL_ALERTS,
    FEEDBACK
  }

  private final Kind kind;
  private final String topic;

  public JsonInputParser(Kind kind, String topic) {
    this.kind = kind;
    this.topic = topic;
  }

  @Override
  public void processElement(JsonMessage message, Context ctx, Collector<CorrelationInput> out) {
    long fallback = ctx.timestamp() == null ? 0L : ctx.timestamp();
    String json = message.text;
    try {
      if (json == null) {
        throw new InputParseException(
            DeadLetterReason.MISSING_FIELD, "the record has no value (a Kafka tombstone)");
      }
      if (kind == Kind.EXTERNAL_ALERTS) {
        for (ExternalAlert a : AlertWebhookParser.parse(json, fallback)) {
          out.collect(CorrelationInput.of(a));
        }
      } else {
        out.collect(CorrelationInput.of(FeedbackParser.parse(json, fallback)));
      }
    } catch (InputParseException e) {
      byte[] bytes = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      boolean truncated = bytes.length > MAX_PAYLOAD;
      ctx.output(
          CorrelationFunction.DEAD_LETTERS,
          DeadLetter.newBuilder()
              .setTimestampMs(fallback)
              .setSourceTopic(message.topic != null ? message.topic : topic)
              .setSourcePartition(message.partition)
              .setSourceOffset(message.offset)
              .setStage(
                  kind == Kind.EXTERNAL_ALERTS
                      ? "correlation.external-alerts"
                      : "correlation.feedback")
              .setReason(e.reason())
              .setDetail(e.getMessage())
              .setEncoding("json")
              .setPayload(ByteBuffer.wrap(truncated ? Arrays.copyOf(bytes, MAX_PAYLOAD) : bytes))
              .setPayloadTruncated(truncated)
              .build());
    }
  }
}
