package io.signalfold.summarizer;

import io.signalfold.summarizer.IncidentFacts.HypothesisFact;
import io.signalfold.summarizer.IncidentFacts.RuledOutFact;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a summary sentence takes the stance the ranked facts take. A model that follows an
 * instruction planted in telemetry can paraphrase it with words the facts contain ("the 2.4.1
 * rollout is unrelated", "robots-table caused it", "do not roll back"); every name then checks out,
 * but the sentence contradicts the ranking. So, on top of the word checks of {@link
 * GroundingValidator}:
 *
 * <ul>
 *   <li>a causal claim names the top hypothesis, or is hedged as an alternative ("may", "less
 *       likely", "second"...);
 *   <li>no hypothesis is exonerated ("unrelated", "not the cause", "is fine", "keep it running")
 *       unless the facts themselves rule it out;
 *   <li>the top hypothesis' mitigation is not argued against ("do not roll back").
 * </ul>
 */
final class StanceCheck {

  private static final Pattern HEDGE =
      Pattern.compile(
          "\\b(?:may|might|could|possibl[ey]|perhaps|alternative(?:ly)?|less likely|unlikely|"
              + "second|third|lower[- ]ranked|another|other hypothes[ie]s|also considered|"
              + "cannot be excluded|not excluded)\\b");

  private static final Pattern EXONERATION =
      Pattern.compile(
          "\\b(?:is|was|are|were|be)(?: not|n't)(?: the)? (?:cause|culprit|responsible|related|"
              + "involved|at fault|to blame|the problem|an issue)\\b"
              + "|\\bnot (?:caused|responsible|related|involved|at fault|to blame)\\b"
              + "|\\bunrelated\\b|\\bnothing to do with\\b|\\bno (?:link|connection|relation)\\b"
              + "|\\binnocent\\b|\\bexonerat|\\bcan be excluded\\b|\\bruled out\\b"
              + "|\\bkeep (?:\\S+ ){0,3}(?:running|deployed|in place|as is)\\b");

  /** "X is fine": exonerating, unless said of a recovery ("healthy again after the rollback"). */
  private static final Pattern STATE =
      Pattern.compile(
          "\\b(?:is|was|are|were|remains?|stays?) (?:fine|healthy|ok|okay|unaffected|working"
              + "(?: (?:fine|normally|correctly))?)\\b");

  private static final Pattern RECOVERY =
      Pattern.compile("\\b(?:again|recover\\w*|restored|after the|since the|once)\\b");

  /** Verbs that argue against a mitigation class when negated ("do not roll back"). */
  private static final Map<String, String> MITIGATION_VERBS =
      Map.ofEntries(
          Map.entry("ROLLBACK", "roll(?:ing)? ?back|revert|downgrad"),
          Map.entry("REVERT_CONFIG", "revert|roll(?:ing)? ?back|undo"),
          Map.entry("REVERT_PERMISSION", "revert|restor|roll(?:ing)? ?back|undo"),
          Map.entry("REPLACE_INSTANCE", "replac|drain|restart|recycl"),
          Map.entry("SCALE_OUT", "scal|add (?:capacity|instances|replicas)"),
          Map.entry("RAISE_DEPENDENCY_CAPACITY", "rais|increas|scal"),
          Map.entry("RESTORE_CAPACITY", "restor|scal|bring back"),
          Map.entry("SHIFT_TRAFFIC", "shift|mov|fail ?over|drain"),
          Map.entry("END_SESSION", "end|stop|terminat|kill"));

  private static final String NEGATED_IMPERATIVE =
      "\\b(?:do not|don't|avoid|never|no need to|not necessary to|unnecessary to|should not|"
          + "shouldn't|must not|refrain from)\\s+(?:\\w+\\s+){0,2}(?:";

  private final Set<String> topNames = new HashSet<>();
  private final Set<String> hypothesisNames = new HashSet<>();
  private final List<String> ruledOutWhat = new ArrayList<>();
  private final String ruledOutText;
  private final Pattern againstMitigation;

  StanceCheck(IncidentFacts facts) {
    HypothesisFact top = facts.topHypothesis();
    StringBuilder ruled = new StringBuilder();
    for (HypothesisFact h : facts.hypotheses()) {
      Set<String> names = h == top ? topNames : hypothesisNames;
      for (String n : new String[] {h.entity(), h.version(), h.changeId()}) {
        if (n != null && !n.isBlank()) {
          names.add(n.toLowerCase(Locale.ROOT));
        }
      }
      // The service of a hypothesis about its version or host is named too ("botforge's rollout").
      if (h.service() != null && !h.service().isBlank() && h == top) {
        topNames.add(h.service().toLowerCase(Locale.ROOT));
      }
      for (RuledOutFact r : h.ruledOut()) {
        ruled(r, ruled);
      }
    }
    hypothesisNames.addAll(topNames);
    for (RuledOutFact r : facts.ruledOut()) {
      ruled(r, ruled);
    }
    // Longest first, so "botforge instance botforge-1" goes before "botforge".
    ruledOutWhat.sort((a, b) -> b.length() - a.length());
    this.ruledOutText = ruled.toString().toLowerCase(Locale.ROOT);
    String verbs =
        facts.mitigation() == null
            ? null
            : MITIGATION_VERBS.get(facts.mitigation().mitigationClass());
    this.againstMitigation =
        verbs == null ? null : Pattern.compile(NEGATED_IMPERATIVE + verbs + ")");
  }

  private void ruled(RuledOutFact r, StringBuilder text) {
    text.append(r.what()).append(' ').append(r.reason()).append('\n');
    if (r.what() != null && !r.what().isBlank()) {
      ruledOutWhat.add(r.what().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * A causal claim that blames {@code named} (a name some hypothesis carries): rejected when it is
   * not the top hypothesis and the sentence does not present it as an alternative.
   */
  GroundingValidator.Verdict blame(String lowerSentence, String named) {
    if (topNames.contains(named) || HEDGE.matcher(lowerSentence).find()) {
      return GroundingValidator.Verdict.OK;
    }
    return GroundingValidator.Verdict.reject(
        "wrong-cause: blames " + named + ", which is not the top hypothesis, without saying so");
  }

  /** Exoneration of a hypothesis the facts do not rule out, or advice against the mitigation. */
  GroundingValidator.Verdict check(String lowerSentence) {
    Matcher ex = EXONERATION.matcher(lowerSentence);
    Matcher state = STATE.matcher(lowerSentence);
    String cue =
        ex.find()
            ? ex.group()
            : state.find() && !RECOVERY.matcher(lowerSentence).find() ? state.group() : null;
    if (cue != null) {
      // What the facts rule out may be said to be ruled out; the rest of the sentence may not
      // exonerate the top hypothesis, nor a lower one the facts do not rule out.
      String rest = lowerSentence;
      for (String what : ruledOutWhat) {
        rest = rest.replace(what, " ");
      }
      for (String name : hypothesisNames) {
        boolean exonerable = !topNames.contains(name) && ruledOutText.contains(name);
        if (containsWord(rest, name) && !exonerable) {
          return GroundingValidator.Verdict.reject(
              "contradicts-ranking: \"" + cue + "\" about " + name + ", a hypothesis");
        }
      }
    }
    if (againstMitigation != null) {
      Matcher m = againstMitigation.matcher(lowerSentence);
      if (m.find()) {
        return GroundingValidator.Verdict.reject("contradicts-mitigation: \"" + m.group() + "\"");
      }
    }
    return GroundingValidator.Verdict.OK;
  }

  private static boolean containsWord(String text, String word) {
    int i = text.indexOf(word);
    while (i >= 0) {
      int end = i + word.length();
      boolean startOk = i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1));
      boolean endOk = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
      if (startOk && endOk) {
        return true;
      }
      i = text.indexOf(word, i + 1);
    }
    return false;
  }
}
