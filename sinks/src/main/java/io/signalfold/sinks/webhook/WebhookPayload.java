package io.signalfold.sinks.webhook;

import java.io.Serializable;

/**
 * Maps one record to the JSON body of a webhook call, or to null when the record is not sent (a
 * filtered update). Implementations must be serializable (they run inside Flink operators).
 */
@FunctionalInterface
public interface WebhookPayload<T> extends Serializable {

  /** The JSON body for {@code record}, or null to skip it. */
  String json(T record);
}
