package io.signalfold.ingest.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Online log template mining after Drain (P. He, J. Zhu, Z. Zheng, M. R. Lyu, "Drain: An Online Log
 * Parsing Approach with Fixed Depth Tree", IEEE ICWS 2017). A message is reduced to its first line
 * (a stack trace is one event named by its first line), tokenized on blanks, and tokens holding
 * digits are masked as {@code <*>} (Drain's preprocessing step). A fixed-depth parse tree routes it
 * by token count and then by its first {@code depth - 3} tokens (the paper's depth counts the root,
 * the length layer and the leaf layer) to a leaf of log groups; the group with the highest share of
 * equal tokens wins if that share reaches the similarity threshold, and its template turns the
 * differing positions into {@code <*>}. Otherwise a new group starts.
 *
 * <p>Departures from the paper, and why: (1) template ids are a hash of the template text, so the
 * same template gets the same id after a restart or a replay (a counter would not); (2) when the
 * exact path has no match, the leaves reached through {@code <*>} branches are searched too, so a
 * template restored from its text (which may have {@code <*>} where the original path had a
 * constant) is found again; (3) the number of groups is bounded with least-recently-seen eviction
 * and an idle time-out, so state stays bounded.
 *
 * <p>Not thread-safe; one instance per service.
 */
public final class LogTemplateMiner {

  public static final String WILDCARD = "<*>";
  private static final int MAX_TOKENS = 64;

  private final int depth;
  private final double similarity;
  private final int maxChildren;
  private final int maxTemplates;

  private final Map<Integer, Node> byLength = new HashMap<>();

  /** Access-ordered: the eldest entry is the least recently seen template. */
  private final LinkedHashMap<String, Group> groups = new LinkedHashMap<>(16, 0.75f, true);

  /** The outcome of {@link #add}. */
  public static final class Match {
    public final String templateId;
    public final String template;

    /** A new group was created, or its template changed (so its id did). */
    public final boolean newId;

    /** The id this group had before the template generalized, or null. */
    public final String replacedId;

    public final long firstSeenMs;

    Match(String templateId, String template, boolean newId, String replacedId, long firstSeenMs) {
      this.templateId = templateId;
      this.template = template;
      this.newId = newId;
      this.replacedId = replacedId;
      this.firstSeenMs = firstSeenMs;
    }
  }

  private static final class Node {
    final Map<String, Node> children = new HashMap<>();
    final List<Group> groups = new ArrayList<>(2);
  }

  private static final class Group {
    String[] tokens;
    String template;
    String id;
    long firstSeenMs;
    long lastSeenMs;
    Node leaf;
  }

  public LogTemplateMiner(int depth, double similarity, int maxChildren, int maxTemplates) {
    if (depth < 3) {
      throw new IllegalArgumentException("depth must be >= 3: " + depth);
    }
    this.depth = depth;
    this.similarity = similarity;
    this.maxChildren = maxChildren;
    this.maxTemplates = maxTemplates;
  }

  public int size() {
    return groups.size();
  }

  /** Mines one message seen at {@code timeMs}; evicted template ids go to {@code onEvict}. */
  public Match add(String message, long timeMs, Consumer<String> onEvict) {
    String[] tokens = tokenize(message);
    Group best = null;
    double bestSim = -1;
    for (Node leaf : candidateLeaves(tokens)) {
      for (Group g : leaf.groups) {
        double sim = similarity(g.tokens, tokens);
        if (sim > bestSim) {
          bestSim = sim;
          best = g;
        }
      }
    }
    if (best != null && bestSim >= similarity - 1e-3) {
      groups.get(best.id); // touch for LRU order
      best.lastSeenMs = Math.max(best.lastSeenMs, timeMs);
      boolean changed = false;
      for (int i = 0; i < tokens.length; i++) {
        if (!best.tokens[i].equals(tokens[i]) && !best.tokens[i].equals(WILDCARD)) {
          best.tokens[i] = WILDCARD;
          changed = true;
        }
      }
      if (!changed) {
        return new Match(best.id, best.template, false, null, best.firstSeenMs);
      }
      String oldId = best.id;
      groups.remove(oldId);
      best.template = String.join(" ", best.tokens);
      best.id = templateId(best.template);
      Group existing = groups.get(best.id);
      if (existing != null && existing != best) {
        // The generalized template already exists as another group: fold into it.
        best.leaf.groups.remove(best);
        existing.lastSeenMs = Math.max(existing.lastSeenMs, timeMs);
        return new Match(existing.id, existing.template, false, oldId, existing.firstSeenMs);
      }
      groups.put(best.id, best);
      return new Match(best.id, best.template, true, oldId, best.firstSeenMs);
    }
    Group g = insert(tokens, timeMs, timeMs);
    evictOverflow(onEvict);
    return new Match(g.id, g.template, true, null, g.firstSeenMs);
  }

  /** Re-creates a template (from persisted state) without mining. */
  public void restore(String template, long firstSeenMs, long lastSeenMs) {
    String[] tokens = template.isEmpty() ? new String[0] : template.split(" ", -1);
    if (groups.containsKey(templateId(template))) {
      return;
    }
    insert(tokens, firstSeenMs, lastSeenMs);
  }

  /** Removes templates last seen before {@code cutoffMs}; returns their ids via the consumer. */
  public void evictIdle(long cutoffMs, Consumer<String> onEvict) {
    Iterator<Group> it = groups.values().iterator();
    while (it.hasNext()) {
      Group g = it.next();
      if (g.lastSeenMs < cutoffMs) {
        it.remove();
        g.leaf.groups.remove(g);
        onEvict.accept(g.id);
      }
    }
  }

  private void evictOverflow(Consumer<String> onEvict) {
    while (groups.size() > maxTemplates) {
      Iterator<Group> it = groups.values().iterator();
      Group eldest = it.next();
      it.remove();
      eldest.leaf.groups.remove(eldest);
      onEvict.accept(eldest.id);
    }
  }

  private Group insert(String[] tokens, long firstSeenMs, long lastSeenMs) {
    Node node = byLength.computeIfAbsent(tokens.length, k -> new Node());
    int layers = Math.min(depth - 3, tokens.length);
    for (int i = 0; i < layers; i++) {
      String t = tokens[i];
      Node next = node.children.get(t);
      if (next == null) {
        if (!t.equals(WILDCARD) && node.children.size() < maxChildren) {
          next = new Node();
          node.children.put(t, next);
        } else {
          next = node.children.computeIfAbsent(WILDCARD, k -> new Node());
        }
      }
      node = next;
    }
    Group g = new Group();
    g.tokens = tokens.clone();
    g.template = String.join(" ", tokens);
    g.id = templateId(g.template);
    g.firstSeenMs = firstSeenMs;
    g.lastSeenMs = lastSeenMs;
    g.leaf = node;
    node.groups.add(g);
    groups.put(g.id, g);
    return g;
  }

  /** The leaf of the exact path plus those reached through wildcard branches. */
  private List<Node> candidateLeaves(String[] tokens) {
    List<Node> level = new ArrayList<>(2);
    Node root = byLength.get(tokens.length);
    if (root == null) {
      return level;
    }
    level.add(root);
    int layers = Math.min(depth - 3, tokens.length);
    for (int i = 0; i < layers; i++) {
      List<Node> next = new ArrayList<>(2);
      for (Node n : level) {
        Node exact = n.children.get(tokens[i]);
        if (exact != null) {
          next.add(exact);
        }
        Node wild = n.children.get(WILDCARD);
        if (wild != null && wild != exact) {
          next.add(wild);
        }
      }
      level = next;
      if (level.isEmpty()) {
        break;
      }
    }
    return level;
  }

  /**
   * Share of positions where the template has the message's token or a wildcard (Drain's simSeq
   * with parameters counted, as Drain3 does), minus a tiny penalty per wildcard so that, between
   * equal shares, the more specific template wins.
   */
  private static double similarity(String[] template, String[] tokens) {
    if (tokens.length == 0) {
      return 1.0;
    }
    int same = 0;
    int wild = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (template[i].equals(WILDCARD)) {
        wild++;
        same++;
      } else if (template[i].equals(tokens[i])) {
        same++;
      }
    }
    return (double) same / tokens.length - wild * 1e-6;
  }

  /** First line, blank-separated tokens, digit-bearing tokens masked. */
  static String[] tokenize(String message) {
    int nl = message.indexOf('\n');
    String line = (nl < 0 ? message : message.substring(0, nl)).trim();
    if (line.isEmpty()) {
      return new String[0];
    }
    String[] raw = line.split("\\s+");
    int n = Math.min(raw.length, MAX_TOKENS);
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = mask(raw[i]);
    }
    return out;
  }

  private static String mask(String token) {
    boolean digit = false;
    for (int i = 0; i < token.length(); i++) {
      if (Character.isDigit(token.charAt(i))) {
        digit = true;
        break;
      }
    }
    if (!digit) {
      return token;
    }
    int eq = token.indexOf('=');
    if (eq > 0 && eq < token.length() - 1) {
      boolean keyHasDigit = false;
      for (int i = 0; i < eq; i++) {
        if (Character.isDigit(token.charAt(i))) {
          keyHasDigit = true;
          break;
        }
      }
      if (!keyHasDigit) {
        return token.substring(0, eq + 1) + WILDCARD;
      }
    }
    return WILDCARD;
  }

  /** Stable id of a template: the first 64 bits of SHA-256 of its text, hex. */
  public static String templateId(String template) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(template.getBytes(StandardCharsets.UTF_8));
      return "tpl-" + Hex.encode(java.util.Arrays.copyOf(d, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a record is the continuation of a multi-line event (a stack frame, "Caused by"). */
  public static boolean isContinuation(String body) {
    if (body.isEmpty()) {
      return false;
    }
    char c = body.charAt(0);
    if (c == '\t') {
      return true;
    }
    String t = body.stripLeading();
    return (c == ' ' && t.startsWith("at "))
        || t.startsWith("Caused by:")
        || (t.startsWith("... ") && t.endsWith(" more"))
        || t.startsWith("Suppressed:");
  }
}
