package io.signalfold.sinks.report;

/** Escaping for HTML text and attribute values (also valid XML). */
final class Html {

  private Html() {}

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          sb.append("&amp;");
          break;
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        case '\'':
          sb.append("&#39;");
          break;
        default:
          // Control characters are not allowed in XML 1.0; drop them.
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            sb.append(' ');
          } else {
            sb.append(c);
          }
      }
    }
    return sb.toString();
  }

  /** An id usable as an HTML anchor. */
  static String anchor(String evidenceId) {
    return "ev-" + evidenceId.replaceAll("[^A-Za-z0-9_-]", "_");
  }
}
