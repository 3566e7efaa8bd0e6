package io.signalfold.slo.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML tree that remembers where each node is (line and column), so that validation errors can
 * point at the line. Jackson's own JsonNode drops locations; this reads Jackson's YAML token stream
 * instead.
 */
public final class YamlNode {

  /** Node kinds. */
  public enum Kind {
    MAP,
    LIST,
    SCALAR,
    NULL
  }

  private final Kind kind;
  private final int line;
  private final int column;
  private final Map<String, YamlNode> map;
  private final List<YamlNode> list;
  private final String text;
  private final boolean numeric;

  private YamlNode(
      Kind kind,
      int line,
      int column,
      Map<String, YamlNode> map,
      List<YamlNode> list,
      String text,
      boolean numeric) {
    this.kind = kind;
    this.line = line;
    this.column = column;
    this.map = map;
    this.list = list;
    this.text = text;
    this.numeric = numeric;
  }

  /** Reads every document of a (multi-document) YAML stream. */
  public static List<YamlNode> readAll(Reader reader) throws IOException {
    List<YamlNode> docs = new ArrayList<>();
    try (JsonParser p = new YAMLFactory().createParser(reader)) {
      while (p.nextToken() != null) {
        docs.add(read(p));
      }
    }
    return docs;
  }

  private static YamlNode read(JsonParser p) throws IOException {
    JsonLocation loc = p.currentTokenLocation();
    int line = loc.getLineNr();
    int col = loc.getColumnNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT:
        {
          Map<String, YamlNode> m = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            m.put(key, read(p));
          }
          return new YamlNode(Kind.MAP, line, col, m, null, null, false);
        }
      case START_ARRAY:
        {
          List<YamlNode> l = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            l.add(read(p));
          }
          return new YamlNode(Kind.LIST, line, col, null, l, null, false);
        }
      case VALUE_NULL:
        return new YamlNode(Kind.NULL, line, col, null, null, null, false);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new YamlNode(Kind.SCALAR, line, col, null, null, p.getText(), true);
      default:
        return new YamlNode(Kind.SCALAR, line, col, null, null, p.getText(), false);
    }
  }

  public Kind kind() {
    return kind;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public boolean isMap() {
    return kind == Kind.MAP;
  }

  public boolean isList() {
    return kind == Kind.LIST;
  }

  public boolean isScalar() {
    return kind == Kind.SCALAR;
  }

  /** Whether the scalar was written as a number (unquoted). */
  public boolean isNumber() {
    return numeric;
  }

  /** A map's child, or null. */
  public YamlNode get(String key) {
    return map == null ? null : map.get(key);
  }

  /** A map's entries in file order (empty for other kinds). */
  public Map<String, YamlNode> entries() {
    return map == null ? Collections.emptyMap() : Collections.unmodifiableMap(map);
  }

  /** A list's items (empty for other kinds). */
  public List<YamlNode> items() {
    return list == null ? Collections.emptyList() : Collections.unmodifiableList(list);
  }

  /** A scalar's text, or null. */
  public String text() {
    return text;
  }
}
