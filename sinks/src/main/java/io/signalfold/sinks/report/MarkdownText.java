package io.signalfold.sinks.report;

import java.util.regex.Pattern;

/**
 * Text from telemetry (titles, change descriptions, log lines, names) written into Markdown as
 * data: every character Markdown or inline HTML could read as markup is backslash-escaped
 * (CommonMark escapes any ASCII punctuation this way), and line breaks become spaces so the text
 * cannot start a heading, a list or a table row of its own. One definition for the incident report
 * and the summarizer's post-incident draft.
 */
public final class MarkdownText {

  /** The characters escaped. */
  private static final String MARKUP = "\\`*_{}[]<>#+!|~&";

  private static final Pattern ESCAPED = Pattern.compile("\\\\([" + classOf(MARKUP) + "])");

  private MarkdownText() {}

  /** {@code text} as literal Markdown; null is empty. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (MARKUP.indexOf(ch) >= 0) {
        sb.append('\\');
      }
      sb.append(ch == '\n' || ch == '\r' ? ' ' : ch);
    }
    return sb.toString();
  }

  /** Drops the escapes {@link #escape} adds, for output that escapes on its own (HTML). */
  public static String unescape(String markdown) {
    return ESCAPED.matcher(markdown).replaceAll("$1");
  }

  private static String classOf(String chars) {
    StringBuilder sb = new StringBuilder();
    for (char ch : chars.toCharArray()) {
      sb.append('\\').append(ch);
    }
    return sb.toString();
  }
}
