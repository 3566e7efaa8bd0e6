package io.signalfold.summarizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The facts as the JSON an LLM reads. Jackson escapes every string, and {@code < > & ` '} are
 * written as unicode escapes, so no text from telemetry can close the data block of the prompt or
 * look like markup inside it.
 */
final class FactsJson {

  private static final ObjectMapper MAPPER = mapper();

  private FactsJson() {}

  static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper();
    m.configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    m.getFactory().setCharacterEscapes(new DataEscapes());
    return m;
  }

  static String write(IncidentFacts facts) {
    try {
      return MAPPER.writeValueAsString(facts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("facts are not serializable", e);
    }
  }

  static JsonNode tree(IncidentFacts facts) {
    return MAPPER.valueToTree(facts);
  }

  /** Longest list of each kind a prompt carries; the first entries are the most relevant. */
  private static final Map<String, Integer> PROMPT_CAPS =
      Map.of(
          "evidenceIds", 3,
          "hypotheses", 4,
          "evidence", 6,
          "affected", 10,
          "timeline", 20,
          "ruledOut", 8,
          "linkedChanges", 6,
          "operations", 6,
          "gaps", 6);

  /**
   * The facts as a prompt carries them: every list capped ({@link #PROMPT_CAPS}; a candidate can
   * group hundreds of signals, and listing every id made a request of some 17 k tokens, past the
   * default budget, so no request was ever sent) and the candidate-wide list of citable ids left
   * out (each fact carries its own). The model can only cite ids it sees, and all of them stay
   * citable: the grounding check still reads the full facts.
   */
  static String writeForPrompt(IncidentFacts facts) {
    JsonNode tree = tree(facts);
    if (tree instanceof ObjectNode o) {
      o.remove("evidenceIds");
    }
    cap(tree);
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("facts are not serializable", e);
    }
  }

  private static void cap(JsonNode node) {
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> it = o.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        Integer max = PROMPT_CAPS.get(e.getKey());
        if (max != null && e.getValue() instanceof ArrayNode a) {
          while (a.size() > max) {
            a.remove(a.size() - 1);
          }
        }
        cap(e.getValue());
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode n : a) {
        cap(n);
      }
    }
  }

  /** Escapes characters that could read as delimiters or markup. */
  private static final class DataEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] escapes;

    DataEscapes() {
      escapes = standardAsciiEscapesForJSON();
      escapes['<'] = ESCAPE_STANDARD;
      escapes['>'] = ESCAPE_STANDARD;
      escapes['&'] = ESCAPE_STANDARD;
      escapes['`'] = ESCAPE_STANDARD;
      escapes['\''] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }
}
