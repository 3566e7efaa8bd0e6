package io.signalfold.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * Converts Avro records to "natural" JSON: field names as in the schema, unions collapsed to their
 * value (no {@code {"string": ...}} wrappers), enums as their symbol, maps as objects, bytes as
 * base64, longs as numbers, non-finite doubles as the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"} (JSON has no literal for them). This is the {@code data} of every CloudEvent
 * on the {@code .json} topics; Avro's own JSON encoding is meant for Avro readers, not people.
 */
public final class AvroJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  /** The record as a JSON object. */
  public static ObjectNode toJson(IndexedRecord record) {
    return (ObjectNode) value(record.getSchema(), record);
  }

  private static JsonNode value(Schema schema, Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    switch (schema.getType()) {
      case RECORD:
        {
          IndexedRecord r = (IndexedRecord) v;
          ObjectNode o = NODES.objectNode();
          for (Schema.Field f : schema.getFields()) {
            o.set(f.name(), value(f.schema(), r.get(f.pos())));
          }
          return o;
        }
      case UNION:
        return value(branch(schema, v), v);
      case ARRAY:
        {
          ArrayNode a = NODES.arrayNode();
          for (Object item : (Collection<?>) v) {
            a.add(value(schema.getElementType(), item));
          }
          return a;
        }
      case MAP:
        {
          ObjectNode o = NODES.objectNode();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            o.set(e.getKey().toString(), value(schema.getValueType(), e.getValue()));
          }
          return o;
        }
      case ENUM:
      case STRING:
        return NODES.textNode(v.toString());
      case BYTES:
        {
          ByteBuffer b = ((ByteBuffer) v).duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
      case FIXED:
        return NODES.textNode(
            Base64.getEncoder().encodeToString(((org.apache.avro.generic.GenericFixed) v).bytes()));
      case INT:
        return NODES.numberNode((Integer) v);
      case LONG:
        return NODES.numberNode((Long) v);
      case FLOAT:
        return floating(((Float) v).doubleValue());
      case DOUBLE:
        return floating((Double) v);
      case BOOLEAN:
        return NODES.booleanNode((Boolean) v);
      case NULL:
      default:
        return NODES.nullNode();
    }
  }

  private static JsonNode floating(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return NODES.textNode(Double.toString(d));
    }
    return NODES.numberNode(d);
  }

  private static Schema branch(Schema union, Object v) {
    for (Schema s : union.getTypes()) {
      if (s.getType() != Schema.Type.NULL && matches(s, v)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no union branch of " + union + " for " + v.getClass());
  }

  private static boolean matches(Schema s, Object v) {
    switch (s.getType()) {
      case RECORD:
      case ENUM:
      case FIXED:
        return v instanceof GenericContainer
            && ((GenericContainer) v).getSchema().getFullName().equals(s.getFullName());
      case STRING:
        return v instanceof CharSequence;
      case INT:
        return v instanceof Integer;
      case LONG:
        return v instanceof Long;
      case DOUBLE:
        return v instanceof Double;
      case FLOAT:
        return v instanceof Float;
      case BOOLEAN:
        return v instanceof Boolean;
      case BYTES:
        return v instanceof ByteBuffer;
      case ARRAY:
        return v instanceof Collection;
      case MAP:
        return v instanceof Map;
      default:
        return false;
    }
  }
}
