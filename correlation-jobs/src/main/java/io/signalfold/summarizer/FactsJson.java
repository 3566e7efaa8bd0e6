package io.signalfold.summarizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

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
