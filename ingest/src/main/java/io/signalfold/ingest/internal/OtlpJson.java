package io.signalfold.ingest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The OTLP/JSON encoding on top of protobuf's {@link JsonFormat}. OTLP/JSON is the proto3 JSON
 * mapping with a few differences (OTLP specification, "JSON Protobuf Encoding"): trace and span ids
 * are lowercase hex strings instead of base64, enums are integers, keys are lowerCamelCase, and
 * receivers ignore unknown fields. JsonFormat already accepts integer enums, both key spellings and
 * 64-bit integers given as strings or numbers, so only the id fields need translating, in both
 * directions.
 */
public final class OtlpJson {

  /** Id fields that OTLP/JSON writes as hex (spans, span links, log records, exemplars). */
  private static final Set<String> ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace();

  private OtlpJson() {}

  /**
   * Parses OTLP/JSON into {@code builder}.
   *
   * @throws OtlpJsonException with a message naming the problem (not JSON, a bad id field, a type
   *     mismatch reported by JsonFormat)
   */
  public static void merge(byte[] json, Message.Builder builder) throws OtlpJsonException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new OtlpJsonException("not valid JSON: " + firstLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new OtlpJsonException("OTLP/JSON request must be a JSON object", null);
    }
    hexIdsToBase64(root, "$");
    try {
      PARSER.merge(MAPPER.writeValueAsString(root), builder);
    } catch (InvalidProtocolBufferException | JsonProcessingException | RuntimeException e) {
      throw new OtlpJsonException(
          "not a valid OTLP/JSON "
              + builder.getDescriptorForType().getName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Prints a message in OTLP/JSON (hex ids, integer enums, compact). */
  public static byte[] print(Message message) {
    try {
      String proto3Json = PRINTER.print(message);
      JsonNode root = MAPPER.readTree(proto3Json);
      base64IdsToHex(root);
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType(), e);
    }
  }

  /** Prints a message in OTLP/JSON as a string. */
  public static String printString(Message message) {
    return new String(print(message), StandardCharsets.UTF_8);
  }

  private static void hexIdsToBase64(JsonNode node, String path) throws OtlpJsonException {
    if (node.isObject()) {
      ObjectNode obj = (ObjectNode) node;
      Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (ID_FIELDS.contains(e.getKey()) && v.isTextual()) {
          e.setValue(new TextNode(hexToBase64(v.textValue(), path + "." + e.getKey())));
        } else if (v.isContainerNode()) {
          hexIdsToBase64(v, path + "." + e.getKey());
        }
      }
    } else if (node.isArray()) {
      ArrayNode arr = (ArrayNode) node;
      for (int i = 0; i < arr.size(); i++) {
        hexIdsToBase64(arr.get(i), path + "[" + i + "]");
      }
    }
  }

  private static void base64IdsToHex(JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = ((ObjectNode) node).fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (ID_FIELDS.contains(e.getKey()) && v.isTextual()) {
          e.setValue(new TextNode(Hex.encode(Base64.getDecoder().decode(v.textValue()))));
        } else if (v.isContainerNode()) {
          base64IdsToHex(v);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        base64IdsToHex(child);
      }
    }
  }

  private static String hexToBase64(String hex, String path) throws OtlpJsonException {
    if (hex.isEmpty()) {
      return hex;
    }
    byte[] bytes = Hex.decode(hex);
    if (bytes == null) {
      throw new OtlpJsonException(
          path + " must be a hex string (OTLP/JSON ids are hex, not base64): '" + clip(hex) + "'",
          null);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A request that is not valid OTLP/JSON; the message says why. */
  public static final class OtlpJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    OtlpJsonException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
