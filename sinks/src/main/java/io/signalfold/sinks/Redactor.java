package io.signalfold.sinks;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets and personal data from free text before it leaves the pipeline (LLM prompts,
 * summaries, webhooks, reports, output topics).
 *
 * <p>Design note: a fixed list of well-known credential formats (AWS access key ids, JWTs, bearer
 * and basic authorization values, GitHub/Slack/Stripe/Google/OpenAI-style tokens, PEM private keys,
 * bare AWS secret keys), credentials in URLs, after an {@code Authorization} scheme, after
 * command-line flags and in {@code key=value} / {@code "key": "value"} pairs whose key ends in a
 * secret-sounding word (PGPASSWORD, userPassword, clientSecret, Azure SAS {@code sig}), e-mail
 * addresses, payment card numbers (issuer prefix, length and the Luhn checksum, so timestamps and
 * ids are not mistaken for cards) and, when configured, IP addresses. The formats follow the public
 * detectors of secret scanners (gitleaks, GitHub secret scanning). Every match becomes {@code
 * [REDACTED:<kind>]} so a reader still sees that something was there. Order matters: URL
 * credentials and authorization schemes run before the generic key=value rule so "Authorization:
 * Bearer x" loses the token, not just the word "Bearer".
 */
public final class Redactor implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The marker prefix every redaction starts with. */
  public static final String MARKER_PREFIX = "[REDACTED:";

  private static final Redactor DEFAULT = new Redactor(false);

  private final boolean redactIpAddresses;
  private final List<Rule> rules;

  private Redactor(boolean redactIpAddresses) {
    this.redactIpAddresses = redactIpAddresses;
    List<Rule> r = new ArrayList<>();
    r.add(
        new Rule(
            "private-key",
            "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\\s\\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE"
                + " KEY-----|\\z)",
            0,
            "-----BEGIN "));
    // scheme://user:password@host -> keep user and host
    r.add(new Rule("password", "(?i)\\b([a-z][a-z0-9+.-]*://[^\\s:/@]+:)([^\\s@/]+)(@)", 2, "://"));
    r.add(
        new Rule(
            "jwt",
            "\\beyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\b",
            0,
            "eyJ"));
    r.add(new Rule("token", "(?i)\\b(bearer\\s+)([A-Za-z0-9._~+/=-]{8,})", 2, "bearer"));
    r.add(new Rule("token", "(?i)\\b(basic\\s+)([A-Za-z0-9+/]{8,}={0,2})", 2, "basic"));
    r.add(
        new Rule(
            "aws-key",
            "\\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[A-Z0-9]{16}\\b",
            0,
            "AKIA",
            "ASIA",
            "ABIA",
            "ACCA",
            "AGPA",
            "AIDA",
            "AROA"));
    r.add(
        new Rule(
            "token",
            "\\bgh[pousr]_[A-Za-z0-9]{30,}\\b",
            0,
            "ghp_",
            "gho_",
            "ghu_",
            "ghs_",
            "ghr_"));
    r.add(new Rule("token", "\\bgithub_pat_[A-Za-z0-9_]{22,}\\b", 0, "github_pat_"));
    r.add(new Rule("token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}\\b", 0, "xox"));
    r.add(
        new Rule(
            "token",
            "(?i)https://hooks\\.slack\\.com/services/[A-Za-z0-9/_-]+",
            0,
            "hooks.slack.com/services/"));
    r.add(new Rule("token", "\\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\\b", 0, "k_live_", "k_test_"));
    r.add(new Rule("token", "\\bAIza[0-9A-Za-z_-]{35}\\b", 0, "AIza"));
    r.add(new Rule("token", "\\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\\b", 0, "sk-"));
    r.add(new Rule("token", "\\bglpat-[A-Za-z0-9_-]{20,}\\b", 0, "glpat-"));
    // "Authorization: Token x", "Authorization: Digest x": the credential after any scheme word
    // (Bearer and Basic values are already gone above).
    r.add(
        new Rule(
            "token",
            "(?i)(\\b(?:proxy-)?authorization[\"']?\\s*[:=]\\s*[\"']?(?:[a-z0-9-]+\\s+)?)"
                + "(?!\\[REDACTED)([^\\s\"',;]{6,}+)(?!\\s+\\[REDACTED)",
            2,
            "authorization"));
    // Command-line flags with a space: "--password x", "--client-secret x".
    r.add(
        new Rule(
            "secret",
            "(?i)(--(?:[a-z0-9]+-)*(?:password|passwd|pwd|secret|token|api-?key|access-key|"
                + "secret-key|private-key|credentials?)\\s+)(?!\\[REDACTED|-)([^\\s\"',;]{3,})",
            2,
            "--"));
    // key = value, key: value, "key": "value" with a secret-sounding key; keep the key. The key may
    // carry any prefix: PGPASSWORD, userPassword, clientSecret, accessToken, csrf_token.
    r.add(
        new Rule(
            "secret",
            "(?i)((?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|"
                + "access[_-]?key(?:_id)?|private[_-]?key|auth|authorization|credentials?|"
                + "session[_-]?id|cookie|signature|\\bsig)\\b[\"']?\\s*[:=]\\s*[\"']?)"
                + "(?!\\[REDACTED)([^\\s\"',;&}<>]{3,}+)(?!\\s+\\[REDACTED)",
            2,
            ":",
            "="));
    r.add(new Rule("email", "\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}\\b", 0, "@"));
    if (redactIpAddresses) {
      r.add(
          new Rule(
              "ip",
              "\\b(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\b",
              0,
              "."));
      r.add(
          new Rule(
              "ip",
              "(?i)(?<![\\w:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){0,6}"
                  + "[0-9a-f]{0,4}::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})(?![\\w:])",
              0,
              ":"));
    }
    this.rules = List.copyOf(r);
  }

  /** The default redactor: IP addresses are kept (they are often the only host name). */
  public static Redactor defaults() {
    return DEFAULT;
  }

  /** A redactor that also removes IPv4 and IPv6 addresses when {@code redactIpAddresses}. */
  public static Redactor create(boolean redactIpAddresses) {
    return redactIpAddresses ? new Redactor(true) : DEFAULT;
  }

  public boolean redactsIpAddresses() {
    return redactIpAddresses;
  }

  /** Returns the text with every secret replaced by a marker; null stays null. */
  public String redact(String text) {
    if (text == null || text.length() < 6) {
      return text;
    }
    String out = text;
    String lower = null;
    for (Rule rule : rules) {
      if (rule.ignoreCase && lower == null) {
        lower = out.toLowerCase(Locale.ROOT);
      }
      if (rule.cannotMatch(out, lower)) {
        continue;
      }
      String next = rule.apply(out);
      if (!next.equals(out)) {
        out = next;
        lower = null;
      }
    }
    return redactCards(redactBareAwsSecrets(out));
  }

  /** True when {@link #redact} would change the text. */
  public boolean containsSecret(String text) {
    return text != null && !text.equals(redact(text));
  }

  /** 40 characters of the AWS secret key alphabet, not part of a longer token. */
  private static final Pattern BARE_AWS_SECRET =
      Pattern.compile("(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");

  /**
   * An AWS secret access key printed without its label: 40 characters mixing upper case, lower case
   * and digits (hex digests such as git commit ids have no upper case and are kept).
   */
  private static String redactBareAwsSecrets(String text) {
    if (text.length() < 40) {
      return text;
    }
    Matcher m = BARE_AWS_SECRET.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    do {
      if (mixesCaseAndDigits(m.group())) {
        sb.append(text, last, m.start()).append(MARKER_PREFIX).append("aws-secret]");
        last = m.end();
      }
    } while (m.find());
    sb.append(text, last, text.length());
    return sb.toString();
  }

  private static boolean mixesCaseAndDigits(String s) {
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
    }
    return upper && lower && digit;
  }

  private static final Pattern CARD =
      Pattern.compile("(?<![\\w.-])(?:\\d[ -]?){12,18}\\d(?![\\w])");

  private static String redactCards(String text) {
    Matcher m = CARD.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    do {
      String digits = m.group().replace(" ", "").replace("-", "");
      if (isCardNumber(digits)) {
        sb.append(text, last, m.start()).append(MARKER_PREFIX).append("card]");
        last = m.end();
      }
    } while (m.find());
    sb.append(text, last, text.length());
    return sb.toString();
  }

  /** Issuer prefix (Visa, Mastercard, Amex, Discover, JCB, Diners), length and Luhn checksum. */
  static boolean isCardNumber(String digits) {
    int n = digits.length();
    if (n < 13 || n > 19) {
      return false;
    }
    int p2 = Integer.parseInt(digits.substring(0, 2));
    int p4 = Integer.parseInt(digits.substring(0, 4));
    boolean issuer =
        digits.charAt(0) == '4'
            || (p2 >= 51 && p2 <= 55)
            || (p4 >= 2221 && p4 <= 2720)
            || p2 == 34
            || p2 == 37
            || p4 == 6011
            || p2 == 65
            || p2 == 35
            || p2 == 36
            || p2 == 38
            || p2 == 30;
    return issuer && luhnValid(digits);
  }

  static boolean luhnValid(String digits) {
    int sum = 0;
    boolean dbl = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  private static final class Rule implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final Pattern pattern;

    /** 0 = replace the whole match; n = replace only group n, keep the others. */
    private final int secretGroup;

    /**
     * Every match contains one of these literals (lower case when the regex is case-insensitive),
     * so text without any of them skips the regex: most strings of a record contain none, and
     * scanning them with every rule was the bulk of the sinks' CPU.
     */
    private final String[] anyOf;

    private final boolean ignoreCase;

    Rule(String kind, String regex, int secretGroup, String... anyOf) {
      this.kind = kind;
      this.pattern = Pattern.compile(regex);
      this.secretGroup = secretGroup;
      this.anyOf = anyOf;
      this.ignoreCase = regex.startsWith("(?i)");
    }

    /** True when the text contains none of the literals every match needs. */
    boolean cannotMatch(String text, String lower) {
      if (anyOf.length == 0) {
        return false;
      }
      String t = ignoreCase ? lower : text;
      for (String literal : anyOf) {
        if (t.contains(literal)) {
          return false;
        }
      }
      return true;
    }

    String apply(String text) {
      Matcher m = pattern.matcher(text);
      if (!m.find()) {
        return text;
      }
      StringBuilder sb = new StringBuilder(text.length());
      int last = 0;
      do {
        int start = secretGroup == 0 ? m.start() : m.start(secretGroup);
        int end = secretGroup == 0 ? m.end() : m.end(secretGroup);
        sb.append(text, last, start).append(MARKER_PREFIX).append(kind).append(']');
        last = end;
      } while (m.find());
      sb.append(text, last, text.length());
      return sb.toString();
    }
  }
}
