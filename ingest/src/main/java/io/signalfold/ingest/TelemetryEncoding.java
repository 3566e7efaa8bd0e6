package io.signalfold.ingest;

import java.util.Locale;

/**
 * How an OTLP request is laid out in one Kafka message, as the OpenTelemetry Collector's Kafka
 * exporter writes it.
 */
public enum TelemetryEncoding {
  /** One serialized {@code Export*ServiceRequest} protobuf per message. */
  OTLP_PROTO("otlp_proto"),
  /** The same request in the OTLP/JSON encoding (hex trace/span ids, integer enums). */
  OTLP_JSON("otlp_json");

  private final String configName;

  TelemetryEncoding(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration and in the collector's {@code encoding} setting. */
  public String configName() {
    return configName;
  }

  /** Parses {@code otlp_proto} / {@code otlp_json} (case-insensitive). */
  public static TelemetryEncoding fromConfigName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (TelemetryEncoding e : values()) {
      if (e.configName.equals(n)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown encoding '" + name + "': expected otlp_proto or otlp_json");
  }
}
