package io.signalfold.summarizer;

import io.signalfold.sinks.Redactor;
import java.util.regex.Pattern;

/**
 * Text that came from telemetry (log bodies, templates, attributes, and descriptions built from
 * them) made safe to show: secrets redacted, control characters and line breaks flattened, URLs
 * defanged ({@code http[:]//...}) so no renderer turns them into links, and a length cap. Such text
 * is only ever quoted as data, never placed where an instruction would be.
 */
final class UntrustedText {

  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]+");
  private static final Pattern SPACES = Pattern.compile("\\s{2,}");
  private static final Pattern SCHEME = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]{1,15})://");

  private UntrustedText() {}

  static String clean(String raw, Redactor redactor, int maxChars) {
    if (raw == null) {
      return null;
    }
    String s = redactor.redact(raw);
    s = CONTROL.matcher(s).replaceAll(" ");
    s = SPACES.matcher(s).replaceAll(" ").trim();
    s = SCHEME.matcher(s).replaceAll("$1[:]//");
    if (s.length() > maxChars) {
      s = s.substring(0, maxChars) + "...";
    }
    return s;
  }
}
