package io.signalfold.summarizer;

import java.util.regex.Pattern;

/**
 * Text from telemetry (titles, change descriptions, log lines) written into Markdown as data: every
 * character Markdown or inline HTML could read as markup is backslash-escaped (CommonMark escapes
 * any ASCII punctuation this way), and line breaks become spaces so the text cannot start a
 * heading, a list or a table row of its own.
 */
public final class MarkdownText {

  private static final Pattern MARKUP = Pattern.compile("([\\\\`*_{}\\[\\]<>#+!|~&])");

  private MarkdownText() {}

  /** {@code text} as literal Markdown. */
  public static String escape(String text) {
    return MARKUP.matcher(text.replaceAll("[\\r\\n]+", " ")).replaceAll("\\\\$1");
  }
}
