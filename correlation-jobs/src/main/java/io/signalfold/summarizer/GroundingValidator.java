package io.signalfold.summarizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.summarizer.IncidentFacts.AffectedFact;
import io.signalfold.summarizer.IncidentFacts.ChangeFact;
import io.signalfold.summarizer.IncidentFacts.EvidenceFact;
import io.signalfold.summarizer.IncidentFacts.HypothesisFact;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that summary sentences say nothing the facts do not show, before an LLM-written summary is
 * used; on any finding the caller falls back to the deterministic text and records the reason.
 *
 * <p>Design note: a closed-vocabulary check in the spirit of attribution/grounding evaluation
 * (every claim must be attributable to a cited source, cf. "Attributable to Identified Sources",
 * Rashkin et al. 2021), made mechanical because incident text is dense with checkable tokens. A
 * sentence is rejected when it:
 *
 * <ul>
 *   <li>cites nothing, or cites an id that is not evidence of this candidate;
 *   <li>names an identifier-like token (service, host, instance, metric, version, change id, IP,
 *       URL: anything with a digit, dash, dot, underscore, slash, colon or inner capitals) absent
 *       from the facts, or a plain word in a naming position ("the payments service", "host db7")
 *       absent from the facts, or a capitalized word mid-sentence absent from the facts;
 *   <li>contains a number absent from the facts (roundings and percent forms of fact numbers count
 *       as present);
 *   <li>contains a quote that is not verbatim in the facts, markup (HTML, Markdown links or code),
 *       a URL, a secret, or a phrase typical of followed injections or of dismissing the incident
 *       ("ignore previous", "false alarm", "no action needed", "rm -rf", "disable alerting");
 *   <li>blames an entity that no hypothesis names ("the root cause is bot-service" when bot-service
 *       is only a symptom);
 *   <li>takes another stance than the ranked facts ({@link StanceCheck}): blames a lower-ranked
 *       hypothesis without hedging, exonerates a hypothesis the facts do not rule out, or argues
 *       against the top mitigation.
 * </ul>
 *
 * Quoted text that is verbatim in the facts is data and is not checked word by word. When the top
 * hypothesis rests on correlation only, the summary must say so ("correlat..."). Semantic
 * paraphrase with only fact words cannot be caught this way; the citation rule and the
 * structured-facts-only prompt keep that surface small.
 */
public final class GroundingValidator {

  /** Outcome: grounded, or the first reason found. */
  public record Verdict(boolean grounded, String reason) {
    static final Verdict OK = new Verdict(true, null);

    static Verdict reject(String reason) {
      return new Verdict(false, reason);
    }
  }

  private static final int MAX_SENTENCES = 24;
  private static final int MAX_SENTENCE_CHARS = 500;
  private static final int MAX_CITATIONS = 10;

  private static final Pattern TOKEN =
      Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}_.\\-/{}:@*+#$%~=]*");
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?%?|[-+]?\\d+(?:\\.\\d+)?%?");
  private static final Pattern QUOTE = Pattern.compile("\"([^\"]*)\"|\u201c([^\u201d]*)\u201d");
  private static final Pattern URL =
      Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*(?::|\\[:\\])//|\\bwww\\.");
  private static final Pattern MARKUP =
      Pattern.compile("<\\s*[a-zA-Z/!]|!\\[|\\]\\(|```|\\{\\{|\\$\\{");
  private static final Pattern PARTS = Pattern.compile("[/:=]");
  private static final Pattern HHMMSS = Pattern.compile("(\\d\\d:\\d\\d):\\d\\d");
  private static final Pattern CAUSAL =
      Pattern.compile(
          "root[ -]cause(?: is| was|:)?|caused by|\\bcaused\\b|culprit(?: is| was)?|to blame(?: is)?|\\bblamed? on|"
              + "responsible for|triggered by|\\bdue to\\b|because of");
  private static final Pattern SUSPICIOUS =
      Pattern.compile(
          "(?i)ignore (?:all |any |the )?(?:previous|prior|above|earlier)|disregard|system prompt|"
              + "as an ai\\b|language model|(?:my|new|hidden|these) instructions?|developer mode|"
              + "jailbreak|false alarm|false positive|no action (?:is |was )?(?:needed|required)|"
              + "nothing to (?:do|worry)|safe to ignore|can be ignored|not an incident|not a real|"
              + "all clear|everything is (?:fine|ok|normal|healthy)|\\brm -|\\bdel /|drop (?:table|database)|"
              + "truncate table|\\bsudo\\b|\\bcurl\\b|\\bwget\\b|\\bchmod\\b|powershell|"
              + "disable (?:the )?(?:alert|alerts|alerting|monitor|monitoring|paging|pager|slo)|"
              + "delete (?:the |all )?(?:database|table|data|cluster|bucket|volume|namespace|logs)|"
              + "exfiltrat|base64|api[ _-]?key|credential|\\bpassword|\\btoken\\b|secret|"
              // dismissal in other words
              + "no (?:further )?(?:action|attention|investigation|follow-up|escalation)|"
              + "negligible|\\bbenign\\b|\\bharmless\\b|expected behaviou?r|"
              + "nothing (?:serious|wrong|unusual|to see)|"
              + "not (?:a|an) (?:real )?(?:problem|issue|concern|outage|emergency)|"
              + "(?:can|may|should) (?:safely )?be (?:closed|dismissed|silenced|muted|snoozed)|"
              + "no (?:real|actual|customer|user) impact|(?:close|dismiss|silence|mute) (?:this|the) "
              + "(?:alert|incident|page|candidate)");
  private static final Pattern NAMING_AFTER =
      Pattern.compile(
          "(?i)\\b(?:service|services|host|hosts|instance|instances|pod|pods|node|nodes|table|database|db|"
              + "cluster|queue|topic|bucket|dependency|metric|version|release|commit|zone|region|"
              + "cell|container|endpoint|server|machine)\\s+([\\p{L}][\\p{L}\\p{N}_.\\-]*)");
  private static final Pattern NAMING_BEFORE =
      Pattern.compile(
          "(?i)\\b([\\p{L}][\\p{L}\\p{N}_.\\-]*)\\s+(?:service|host|instance|pod|node|table|database|"
              + "cluster|queue|bucket|container|server|machine|region|zone|cell)\\b");

  /** Words that may stand in a naming position without being a name. */
  private static final Set<String> NAMING_WORDS =
      Set.of(
          "the",
          "a",
          "an",
          "this",
          "that",
          "these",
          "those",
          "its",
          "their",
          "our",
          "of",
          "is",
          "was",
          "were",
          "are",
          "be",
          "been",
          "to",
          "from",
          "in",
          "on",
          "at",
          "by",
          "for",
          "with",
          "and",
          "or",
          "but",
          "not",
          "no",
          "as",
          "which",
          "it",
          "each",
          "every",
          "all",
          "any",
          "some",
          "one",
          "same",
          "other",
          "another",
          "new",
          "previous",
          "prior",
          "upstream",
          "downstream",
          "affected",
          "failing",
          "failed",
          "implicated",
          "calling",
          "called",
          "dependent",
          "backing",
          "entire",
          "whole",
          "healthy",
          "bad",
          "faulty",
          "top",
          "root",
          "main",
          "last",
          "first",
          "next",
          "recent",
          "single",
          "both",
          "multiple",
          "several",
          "many",
          "most",
          "more",
          "had",
          "has",
          "have",
          "did",
          "shows",
          "show",
          "showed",
          "began",
          "started",
          "rolled",
          "rollout",
          "deploy",
          "deployed",
          "change",
          "changes",
          "errors",
          "error",
          "latency",
          "requests",
          "calls",
          "itself",
          "level",
          "objective",
          "whose",
          "when",
          "where",
          "then",
          "than",
          "also",
          "still",
          "only",
          "now",
          "since",
          "after",
          "before",
          "availability",
          "rate",
          "budget",
          "burn",
          "throttling",
          "throttled",
          "user",
          "users",
          "customer",
          "customers",
          "client",
          "caller",
          "callers",
          "database",
          "table",
          "service",
          "dependency",
          "instance",
          "version",
          "zone",
          "cell",
          "container",
          "host",
          "cluster",
          "metric",
          "owning",
          "underlying",
          "shared",
          "common",
          "specific",
          "cache",
          "what",
          "likely",
          "problematic",
          "suspect",
          "suspected",
          "broken",
          "impacted",
          "degraded",
          "slow",
          "overloaded",
          "saturated",
          "during",
          "under",
          "over",
          "between");

  /** Capitalized words that are ordinary in incident prose. */
  private static final Set<String> CAPITALS =
      Set.of("UTC", "SLO", "SLOs", "I", "OK", "HTTP", "API", "ID");

  private final Redactor redactor;

  private GroundingValidator(Redactor redactor) {
    this.redactor = redactor;
  }

  public static GroundingValidator create(Redactor redactor) {
    return new GroundingValidator(redactor);
  }

  /** Validates summary sentences against the facts they claim to summarize. */
  public Verdict validate(IncidentFacts facts, List<SummarySentence> sentences) {
    if (sentences == null || sentences.isEmpty()) {
      return Verdict.reject("empty: no sentences");
    }
    if (sentences.size() > MAX_SENTENCES) {
      return Verdict.reject("too-long: " + sentences.size() + " sentences");
    }
    Vocabulary vocab = vocabulary(facts);
    StanceCheck stance = new StanceCheck(facts);
    StringBuilder all = new StringBuilder();
    for (SummarySentence s : sentences) {
      Verdict v = validateSentence(facts, vocab, stance, s);
      if (!v.grounded()) {
        return v;
      }
      all.append(s.getText()).append(' ');
    }
    HypothesisFact top = facts.topHypothesis();
    if (top != null
        && top.correlationOnly()
        && !all.toString().toLowerCase(Locale.ROOT).contains("correlat")) {
      return Verdict.reject("missing-correlation-caveat: top hypothesis rests on correlation only");
    }
    return Verdict.OK;
  }

  private Verdict validateSentence(
      IncidentFacts facts, Vocabulary vocab, StanceCheck stance, SummarySentence s) {
    String text = s.getText();
    if (text == null || text.isBlank()) {
      return Verdict.reject("empty: blank sentence");
    }
    if (text.length() > MAX_SENTENCE_CHARS) {
      return Verdict.reject("too-long: sentence of " + text.length() + " chars");
    }
    if (s.getCitations() == null || s.getCitations().isEmpty()) {
      return Verdict.reject("uncited: \"" + abbreviate(text) + "\"");
    }
    if (s.getCitations().size() > MAX_CITATIONS) {
      return Verdict.reject("too-many-citations: " + s.getCitations().size());
    }
    for (String c : s.getCitations()) {
      if (!facts.evidenceIds().contains(c)) {
        return Verdict.reject("unknown-citation: " + abbreviate(c));
      }
    }
    if (redactor.containsSecret(text)) {
      return Verdict.reject("secret: sentence contains a credential or personal data");
    }
    // Quoted spans must be verbatim facts; then they are data and leave the word checks.
    StringBuilder outside = new StringBuilder();
    Matcher q = QUOTE.matcher(text);
    int last = 0;
    while (q.find()) {
      String quoted = q.group(1) != null ? q.group(1) : q.group(2);
      if (!quoted.isBlank() && !vocab.text.contains(quoted.toLowerCase(Locale.ROOT))) {
        return Verdict.reject("invented-quote: \"" + abbreviate(quoted) + "\"");
      }
      outside.append(text, last, q.start()).append(" ");
      last = q.end();
    }
    outside.append(text.substring(last));
    String free = outside.toString();
    if (URL.matcher(free).find()) {
      return Verdict.reject("url: sentence links outside the facts");
    }
    if (MARKUP.matcher(free).find()) {
      return Verdict.reject("markup: sentence contains markup");
    }
    Matcher sus = SUSPICIOUS.matcher(free);
    if (sus.find()) {
      return Verdict.reject("suspicious-instruction: \"" + sus.group() + "\"");
    }
    Matcher t = TOKEN.matcher(free);
    boolean sentenceStart = true;
    int prevEnd = 0;
    while (t.find()) {
      String raw = t.group();
      String tok = trimPunctuation(raw);
      String between = free.substring(prevEnd, t.start());
      boolean afterBreak =
          sentenceStart
              || between.contains(":")
              || between.contains("(")
              || between.contains(";")
              || between.contains("-") && between.trim().equals("-");
      prevEnd = t.end();
      sentenceStart = false;
      if (tok.isEmpty()) {
        continue;
      }
      String lower = tok.toLowerCase(Locale.ROOT);
      if (NUMBER.matcher(tok).matches()) {
        if (!vocab.allowsNumber(tok)) {
          return Verdict.reject("ungrounded-number: " + tok);
        }
        continue;
      }
      if (CAPITALS.contains(tok)) {
        continue;
      }
      if (isIdentifierLike(tok)) {
        if (!vocab.tokens.contains(lower)) {
          return Verdict.reject("ungrounded-name: " + abbreviate(tok));
        }
        continue;
      }
      if (!afterBreak
          && Character.isUpperCase(tok.charAt(0))
          && !CAPITALS.contains(tok)
          && !vocab.tokens.contains(lower)) {
        return Verdict.reject("ungrounded-name: " + abbreviate(tok));
      }
    }
    Verdict naming = checkNaming(free, vocab);
    if (!naming.grounded()) {
      return naming;
    }
    String lowerFree = free.toLowerCase(Locale.ROOT);
    Matcher cm = CAUSAL.matcher(lowerFree);
    while (cm.find()) {
      // "X caused ...": the subject before; "... caused by X", "root cause is X": the object after.
      boolean subjectBefore = cm.group().equals("caused") && !lowerFree.startsWith(" by", cm.end());
      String clause;
      if (subjectBefore) {
        int start = Math.max(lastIndexOfAny(lowerFree, ",;.", cm.start()) + 1, 0);
        clause = lowerFree.substring(start, cm.start());
      } else {
        int end = indexOfAny(lowerFree, ",;", cm.end());
        clause = lowerFree.substring(cm.end(), end < 0 ? lowerFree.length() : end);
      }
      String named = subjectBefore ? lastEntity(clause, vocab) : firstEntity(clause, vocab);
      if (named != null && !vocab.causeNames.contains(named)) {
        return Verdict.reject("unsupported-cause: blames " + named + ", which no hypothesis names");
      }
      if (named != null) {
        Verdict order = stance.blame(lowerFree, named);
        if (!order.grounded()) {
          return order;
        }
      }
    }
    return stance.check(lowerFree);
  }

  private static Verdict checkNaming(String free, Vocabulary vocab) {
    for (Pattern p : List.of(NAMING_AFTER, NAMING_BEFORE)) {
      Matcher m = p.matcher(free);
      while (m.find()) {
        String word = trimPunctuation(m.group(1)).toLowerCase(Locale.ROOT);
        if (word.isEmpty() || NAMING_WORDS.contains(word) || vocab.tokens.contains(word)) {
          continue;
        }
        if (NUMBER.matcher(word).matches()) {
          continue; // numbers are checked on their own
        }
        return Verdict.reject("ungrounded-name: " + abbreviate(word));
      }
    }
    return Verdict.OK;
  }

  static boolean isIdentifierLike(String tok) {
    for (int i = 0; i < tok.length(); i++) {
      char c = tok.charAt(i);
      if (Character.isDigit(c) || "_-./{}:@*+#$%~=".indexOf(c) >= 0) {
        return true;
      }
      if (i > 0 && Character.isUpperCase(c)) {
        return true;
      }
    }
    return false;
  }

  private static String trimPunctuation(String s) {
    int end = s.length();
    while (end > 0 && ".,:;!?-/".indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String firstEntity(String clause, Vocabulary vocab) {
    String best = null;
    int bestAt = Integer.MAX_VALUE;
    for (String name : vocab.entityNames) {
      int at = indexOfWord(clause, name);
      if (at >= 0 && (at < bestAt || at == bestAt && name.length() > best.length())) {
        best = name;
        bestAt = at;
      }
    }
    return best;
  }

  private static String lastEntity(String clause, Vocabulary vocab) {
    String best = null;
    int bestAt = -1;
    for (String name : vocab.entityNames) {
      int at = lastIndexOfWord(clause, name);
      if (at > bestAt) {
        best = name;
        bestAt = at;
      }
    }
    return best;
  }

  private static int indexOfAny(String s, String chars, int from) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0
          && !(s.charAt(i) == '.' && i + 1 < s.length() && isNameChar(s.charAt(i + 1)))) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOfAny(String s, String chars, int before) {
    for (int i = before - 1; i >= 0; i--) {
      if (chars.indexOf(s.charAt(i)) >= 0
          && !(s.charAt(i) == '.' && i + 1 < s.length() && isNameChar(s.charAt(i + 1)))) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOfWord(String text, String word) {
    int found = -1;
    int i = indexOfWord(text, word);
    while (i >= 0) {
      found = i;
      int next = indexOfWord(text.substring(i + 1), word);
      i = next < 0 ? -1 : i + 1 + next;
    }
    return found;
  }

  private static int indexOfWord(String text, String word) {
    int i = text.indexOf(word);
    while (i >= 0) {
      boolean startOk = i == 0 || !isNameChar(text.charAt(i - 1));
      int end = i + word.length();
      boolean endOk =
          end == text.length()
              || !isNameChar(text.charAt(end))
              || text.charAt(end) == '.'
                  && (end + 1 == text.length() || !isNameChar(text.charAt(end + 1)));
      if (startOk && endOk) {
        return i;
      }
      i = text.indexOf(word, i + 1);
    }
    return -1;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.';
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  // ---- the facts' vocabulary -----------------------------------------------------------------

  private static final class Vocabulary {
    final Set<String> tokens = new HashSet<>();
    final Set<BigDecimal> numbers = new HashSet<>();
    final Set<String> entityNames = new HashSet<>();
    final Set<String> causeNames = new HashSet<>();
    final String text;

    Vocabulary(String text) {
      this.text = text;
    }

    boolean allowsNumber(String tok) {
      BigDecimal d = parse(tok);
      return d != null && numbers.contains(d);
    }
  }

  /** Fields of {@link IncidentFacts} that hold free text from telemetry. */
  private static final Set<String> FREE_TEXT =
      Set.of("title", "description", "logTemplate", "what", "reason", "text");

  private static Vocabulary vocabulary(IncidentFacts facts) {
    StringBuilder text = new StringBuilder();
    StringBuilder all = new StringBuilder();
    JsonNode tree = FactsJson.tree(facts);
    collect(tree, text, false);
    collect(tree, all, true);
    Vocabulary v = new Vocabulary(all.toString().toLowerCase(Locale.ROOT));
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      String tok = trimPunctuation(m.group());
      addToken(v, tok);
      // Parts of compound tokens ("GET /forge/{id}" -> forge/{id}, {id}; "00:31:10" -> 00:31).
      for (String part : PARTS.split(tok)) {
        addToken(v, trimPunctuation(part));
      }
      Matcher hm = HHMMSS.matcher(tok);
      if (hm.matches()) {
        v.tokens.add(hm.group(1));
      }
    }
    for (AffectedFact a : facts.affected()) {
      addName(v.entityNames, a.name());
    }
    for (ChangeFact c : facts.linkedChanges()) {
      addName(v.entityNames, c.service());
    }
    for (HypothesisFact h : facts.hypotheses()) {
      addName(v.causeNames, h.entity());
      addName(v.causeNames, h.service());
      addName(v.causeNames, h.version());
      addName(v.causeNames, h.changeId());
      for (EvidenceFact e : h.evidence()) {
        addName(v.entityNames, e.entity());
      }
    }
    v.entityNames.addAll(v.causeNames);
    return v;
  }

  private static void addToken(Vocabulary v, String tok) {
    if (tok.isEmpty()) {
      return;
    }
    v.tokens.add(tok.toLowerCase(Locale.ROOT));
    if (NUMBER.matcher(tok).matches()) {
      BigDecimal d = parse(tok);
      if (d != null) {
        addNumber(v.numbers, d);
        if (!tok.endsWith("%") && d.abs().compareTo(BigDecimal.ONE) <= 0) {
          addNumber(v.numbers, d.movePointRight(2)); // a raw fraction said as a percentage
        }
      }
    }
  }

  private static void addNumber(Set<BigDecimal> numbers, BigDecimal d) {
    numbers.add(d.stripTrailingZeros());
    numbers.add(d.setScale(0, RoundingMode.HALF_UP).stripTrailingZeros());
    numbers.add(d.setScale(1, RoundingMode.HALF_UP).stripTrailingZeros());
    numbers.add(d.setScale(2, RoundingMode.HALF_UP).stripTrailingZeros());
    numbers.add(d.negate().stripTrailingZeros());
  }

  private static BigDecimal parse(String tok) {
    String s = tok.replace(",", "").replace("%", "").replace("+", "");
    try {
      return new BigDecimal(s).stripTrailingZeros();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void addName(Set<String> names, String name) {
    if (name != null && !name.isBlank()) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Appends the text of a facts tree. Free text that came from telemetry ({@link #FREE_TEXT}
   * fields) is only included with {@code withFreeText}: it may be quoted verbatim, but a name or
   * number that appears only there (e.g. planted by an injection) is not a fact.
   */
  private static void collect(JsonNode node, StringBuilder out, boolean withFreeText) {
    if (node.isObject()) {
      // Field names too: map keys such as attribute names (robot.id) are facts.
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!withFreeText && FREE_TEXT.contains(e.getKey())) {
          continue;
        }
        out.append(e.getKey()).append('\n');
        collect(e.getValue(), out, withFreeText);
      }
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        collect(n, out, withFreeText);
      }
    } else if (node.isTextual()) {
      out.append(node.asText()).append('\n');
    } else if (node.isNumber()) {
      out.append(node.asText()).append('\n');
    }
  }
}
