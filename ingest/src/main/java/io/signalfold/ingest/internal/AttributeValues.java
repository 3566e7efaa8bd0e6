package io.signalfold.ingest.internal;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.Base64;
import java.util.List;

/** OTLP attribute values as the strings the pipeline's records carry. */
public final class AttributeValues {

  private AttributeValues() {}

  /** Text of a value: strings as is, numbers and booleans printed, arrays and maps JSON-like. */
  public static String toText(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case BOOL_VALUE:
        return v.getBoolValue() ? "true" : "false";
      case INT_VALUE:
        return Long.toString(v.getIntValue());
      case DOUBLE_VALUE:
        return Double.toString(v.getDoubleValue());
      case BYTES_VALUE:
        return Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE:
        {
          StringBuilder sb = new StringBuilder("[");
          List<AnyValue> values = v.getArrayValue().getValuesList();
          for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
              sb.append(',');
            }
            sb.append(toText(values.get(i)));
          }
          return sb.append(']').toString();
        }
      case KVLIST_VALUE:
        {
          StringBuilder sb = new StringBuilder("{");
          List<KeyValue> kvs = v.getKvlistValue().getValuesList();
          for (int i = 0; i < kvs.size(); i++) {
            if (i > 0) {
              sb.append(',');
            }
            sb.append(kvs.get(i).getKey()).append('=').append(toText(kvs.get(i).getValue()));
          }
          return sb.append('}').toString();
        }
      default:
        return "";
    }
  }

  /** Integer value of an int or numeric-string attribute, or {@code fallback}. */
  public static long toLong(AnyValue v, long fallback) {
    if (v == null) {
      return fallback;
    }
    switch (v.getValueCase()) {
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return (long) v.getDoubleValue();
      case STRING_VALUE:
        try {
          return Long.parseLong(v.getStringValue().trim());
        } catch (NumberFormatException e) {
          return fallback;
        }
      default:
        return fallback;
    }
  }
}
