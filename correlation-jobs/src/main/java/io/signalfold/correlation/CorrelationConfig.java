package io.signalfold.correlation;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Configuration of the correlation stage. {@link #defaults()} gives the documented defaults; {@link
 * #builder()} changes single values; {@link #fromMap(Map)} reads the flat {@code correlation.*}
 * keys of a job config file (see README "Correlation" for every key). All times are event-time
 * durations in milliseconds.
 */
public final class CorrelationConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The key prefix of {@link #fromMap(Map)}. */
  public static final String PREFIX = "correlation.";

  // grouping
  final long openDelayMs;
  final long joinWindowMs;
  final int maxHops;
  final long factorOnsetWindowMs;
  final int minFactorServices;
  final long supportLookbackMs;
  final long leadingSupportLookbackMs;
  final int minOpenersIfRecovered;
  // lifecycle
  final long updateIntervalMs;
  final long impactUpdateIntervalMs;
  final long quietPeriodMs;
  final long reopenWindowMs;
  final long slowFaultReopenWindowMs;
  final long signalStaleAfterMs;
  final long resolvedRetentionMs;
  final int maxSignalsPerCandidate;
  final long idBucketMs;
  // ranking
  final long changeLookbackMs;
  final long leadingChangeLookbackMs;
  final long changeDecayMs;
  final long leadingChangeDecayMs;
  final long onsetGraceMs;
  final long warmupWindowMs;
  final int maxHypotheses;
  final RankingWeights weights;
  // topology
  final long edgeExpiryMs;
  final long edgeRetentionMs;
  final long newEdgeWarmupMs;
  // impact
  final List<String> impactAttributes;
  final int hllLgK;
  final long redIntervalMs;
  final int redRingSlots;
  final int sketchRingSlots;
  final long baselineWindowMs;
  // business metric
  @Nullable final String businessMetric;
  @Nullable final String businessService;
  final boolean businessSum;
  final long businessBucketMs;
  final long businessRetentionMs;
  // openers
  final Set<String> externalOpenSeverities;
  final Set<String> sloOpenSeverities;
  // inputs
  final long outOfOrdernessMs;
  final long idlenessMs;
  final String externalAlertsTopic;
  final String feedbackTopic;
  final String cellAttribute;
  final boolean reassignTimestamps;
  // inventory
  final long inventoryRetentionMs;
  final long inventoryRefreshMs;
  // state bounds
  final int maxChanges;
  final int maxEdges;
  final int maxSignals;
  final int maxRedSeries;
  final long cleanupIntervalMs;
  // evidence bounds
  final int maxSamples;
  final int maxEvidencePerHypothesis;
  final int maxTimeline;
  // signal categories: name fragment -> category name, checked before the built-in rules
  final Map<String, String> categoryOverrides;

  private CorrelationConfig(Builder b) {
    openDelayMs = b.openDelayMs;
    joinWindowMs = b.joinWindowMs;
    maxHops = b.maxHops;
    factorOnsetWindowMs = b.factorOnsetWindowMs;
    minFactorServices = b.minFactorServices;
    supportLookbackMs = b.supportLookbackMs;
    leadingSupportLookbackMs = b.leadingSupportLookbackMs;
    minOpenersIfRecovered = b.minOpenersIfRecovered;
    updateIntervalMs = b.updateIntervalMs;
    impactUpdateIntervalMs = b.impactUpdateIntervalMs;
    quietPeriodMs = b.quietPeriodMs;
    reopenWindowMs = b.reopenWindowMs;
    slowFaultReopenWindowMs = b.slowFaultReopenWindowMs;
    signalStaleAfterMs = b.signalStaleAfterMs;
    resolvedRetentionMs = b.resolvedRetentionMs;
    maxSignalsPerCandidate = b.maxSignalsPerCandidate;
    idBucketMs = b.idBucketMs;
    changeLookbackMs = b.changeLookbackMs;
    leadingChangeLookbackMs = b.leadingChangeLookbackMs;
    changeDecayMs = b.changeDecayMs;
    leadingChangeDecayMs = b.leadingChangeDecayMs;
    onsetGraceMs = b.onsetGraceMs;
    warmupWindowMs = b.warmupWindowMs;
    maxHypotheses = b.maxHypotheses;
    weights = b.weights;
    edgeExpiryMs = b.edgeExpiryMs;
    edgeRetentionMs = b.edgeRetentionMs;
    newEdgeWarmupMs = b.newEdgeWarmupMs;
    impactAttributes = List.copyOf(b.impactAttributes);
    hllLgK = b.hllLgK;
    redIntervalMs = b.redIntervalMs;
    redRingSlots = b.redRingSlots;
    sketchRingSlots = b.sketchRingSlots;
    baselineWindowMs = b.baselineWindowMs;
    businessMetric = b.businessMetric;
    businessService = b.businessService;
    businessSum = b.businessSum;
    businessBucketMs = b.businessBucketMs;
    businessRetentionMs = b.businessRetentionMs;
    externalOpenSeverities = Collections.unmodifiableSet(new TreeSet<>(b.externalOpenSeverities));
    sloOpenSeverities = Collections.unmodifiableSet(new TreeSet<>(b.sloOpenSeverities));
    outOfOrdernessMs = b.outOfOrdernessMs;
    idlenessMs = b.idlenessMs;
    externalAlertsTopic = b.externalAlertsTopic;
    feedbackTopic = b.feedbackTopic;
    cellAttribute = b.cellAttribute;
    reassignTimestamps = b.reassignTimestamps;
    inventoryRetentionMs = b.inventoryRetentionMs;
    inventoryRefreshMs = b.inventoryRefreshMs;
    maxChanges = b.maxChanges;
    maxEdges = b.maxEdges;
    maxSignals = b.maxSignals;
    maxRedSeries = b.maxRedSeries;
    cleanupIntervalMs = b.cleanupIntervalMs;
    maxSamples = b.maxSamples;
    maxEvidencePerHypothesis = b.maxEvidencePerHypothesis;
    maxTimeline = b.maxTimeline;
    categoryOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.categoryOverrides));
  }

  /** The documented defaults. */
  public static CorrelationConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Reads {@code correlation.*} keys (other keys are ignored) on top of the defaults. Durations
   * accept {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, ISO-8601 or plain
   * milliseconds; lists are comma-separated.
   *
   * @throws IllegalArgumentException naming the key of an unknown key or a bad value
   */
  public static CorrelationConfig fromMap(Map<String, String> properties) {
    Builder b = builder();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(properties).entrySet()) {
      if (!e.getKey().startsWith(PREFIX)) {
        continue;
      }
      String key = e.getKey().substring(PREFIX.length());
      String v = e.getValue() == null ? "" : e.getValue().trim();
      try {
        b.set(key, v);
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException(
            e.getKey() + ": " + ex.getMessage() + " (value '" + v + "')", ex);
      }
    }
    return b.build();
  }

  // ---- accessors, one per value (the engine classes in .internal read them) ----

  public long openDelayMs() {
    return openDelayMs;
  }

  public long joinWindowMs() {
    return joinWindowMs;
  }

  public int maxHops() {
    return maxHops;
  }

  public long factorOnsetWindowMs() {
    return factorOnsetWindowMs;
  }

  public int minFactorServices() {
    return minFactorServices;
  }

  public long supportLookbackMs() {
    return supportLookbackMs;
  }

  public long leadingSupportLookbackMs() {
    return leadingSupportLookbackMs;
  }

  public int minOpenersIfRecovered() {
    return minOpenersIfRecovered;
  }

  public long updateIntervalMs() {
    return updateIntervalMs;
  }

  public long impactUpdateIntervalMs() {
    return impactUpdateIntervalMs;
  }

  public long quietPeriodMs() {
    return quietPeriodMs;
  }

  /**
   * A related group that would open within this of a candidate's resolution re-opens that candidate
   * instead (0: never).
   */
  public long reopenWindowMs() {
    return reopenWindowMs;
  }

  /**
   * How long after a slow fault's candidate (one that started with a leading signal: a leak, a
   * filling disk, a latency ramp) resolved its consequences (errors, SLO burn) on the same services
   * re-open it rather than open a new candidate. The band of a slow fault catches up and the
   * candidate resolves, then the fault bites.
   */
  public long slowFaultReopenWindowMs() {
    return slowFaultReopenWindowMs;
  }

  public long signalStaleAfterMs() {
    return signalStaleAfterMs;
  }

  public long resolvedRetentionMs() {
    return resolvedRetentionMs;
  }

  public int maxSignalsPerCandidate() {
    return maxSignalsPerCandidate;
  }

  public long idBucketMs() {
    return idBucketMs;
  }

  public long changeLookbackMs() {
    return changeLookbackMs;
  }

  public long leadingChangeLookbackMs() {
    return leadingChangeLookbackMs;
  }

  public long changeDecayMs() {
    return changeDecayMs;
  }

  public long leadingChangeDecayMs() {
    return leadingChangeDecayMs;
  }

  public long onsetGraceMs() {
    return onsetGraceMs;
  }

  public long warmupWindowMs() {
    return warmupWindowMs;
  }

  public int maxHypotheses() {
    return maxHypotheses;
  }

  public RankingWeights weights() {
    return weights;
  }

  public long edgeExpiryMs() {
    return edgeExpiryMs;
  }

  public long edgeRetentionMs() {
    return edgeRetentionMs;
  }

  public long newEdgeWarmupMs() {
    return newEdgeWarmupMs;
  }

  public List<String> impactAttributes() {
    return impactAttributes;
  }

  public int hllLgK() {
    return hllLgK;
  }

  public long redIntervalMs() {
    return redIntervalMs;
  }

  public int redRingSlots() {
    return redRingSlots;
  }

  public int sketchRingSlots() {
    return sketchRingSlots;
  }

  public long baselineWindowMs() {
    return baselineWindowMs;
  }

  @Nullable
  public String businessMetric() {
    return businessMetric;
  }

  @Nullable
  public String businessService() {
    return businessService;
  }

  public boolean businessSum() {
    return businessSum;
  }

  public long businessBucketMs() {
    return businessBucketMs;
  }

  public long businessRetentionMs() {
    return businessRetentionMs;
  }

  public Set<String> externalOpenSeverities() {
    return externalOpenSeverities;
  }

  public Set<String> sloOpenSeverities() {
    return sloOpenSeverities;
  }

  public long outOfOrdernessMs() {
    return outOfOrdernessMs;
  }

  public long idlenessMs() {
    return idlenessMs;
  }

  public String externalAlertsTopic() {
    return externalAlertsTopic;
  }

  public String feedbackTopic() {
    return feedbackTopic;
  }

  public String cellAttribute() {
    return cellAttribute;
  }

  public boolean reassignTimestamps() {
    return reassignTimestamps;
  }

  public long inventoryRetentionMs() {
    return inventoryRetentionMs;
  }

  public long inventoryRefreshMs() {
    return inventoryRefreshMs;
  }

  public int maxChanges() {
    return maxChanges;
  }

  public int maxEdges() {
    return maxEdges;
  }

  public int maxSignals() {
    return maxSignals;
  }

  public int maxRedSeries() {
    return maxRedSeries;
  }

  public long cleanupIntervalMs() {
    return cleanupIntervalMs;
  }

  public int maxSamples() {
    return maxSamples;
  }

  public int maxEvidencePerHypothesis() {
    return maxEvidencePerHypothesis;
  }

  public int maxTimeline() {
    return maxTimeline;
  }

  public Map<String, String> categoryOverrides() {
    return categoryOverrides;
  }

  @Override
  public String toString() {
    return "CorrelationConfig{openDelayMs="
        + openDelayMs
        + ", joinWindowMs="
        + joinWindowMs
        + ", quietPeriodMs="
        + quietPeriodMs
        + ", reopenWindowMs="
        + reopenWindowMs
        + ", slowFaultReopenWindowMs="
        + slowFaultReopenWindowMs
        + ", updateIntervalMs="
        + updateIntervalMs
        + ", changeLookbackMs="
        + changeLookbackMs
        + ", leadingChangeLookbackMs="
        + leadingChangeLookbackMs
        + ", impactAttributes="
        + impactAttributes
        + ", businessMetric="
        + businessMetric
        + ", weights="
        + weights
        + '}';
  }

  /**
   * Parses a duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, ISO-8601, or
   * millis.
   */
  public static long parseDurationMs(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    if (t.startsWith("p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT)).toMillis();
    }
    long unit;
    String num;
    if (t.endsWith("ms")) {
      unit = 1;
      num = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unit = 1000;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 60_000;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unit = 3_600_000;
      num = t.substring(0, t.length() - 1);
    } else if (t.endsWith("d")) {
      unit = 86_400_000;
      num = t.substring(0, t.length() - 1);
    } else {
      unit = 1;
      num = t;
    }
    double v = Double.parseDouble(num.trim());
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("duration must be >= 0: " + text);
    }
    return Math.round(v * unit);
  }

  /** Builder; every setter validates and names the key it sets. */
  public static final class Builder {
    private long openDelayMs = 30_000;
    private long joinWindowMs = 10 * 60_000;
    private int maxHops = 4;
    private long factorOnsetWindowMs = 3 * 60_000;
    private int minFactorServices = 2;
    private long supportLookbackMs = 15 * 60_000;
    private long leadingSupportLookbackMs = 6 * 3_600_000L;
    private int minOpenersIfRecovered = 2;
    private long updateIntervalMs = 60_000;
    private long impactUpdateIntervalMs = 5 * 60_000;
    private long quietPeriodMs = 5 * 60_000;
    private long reopenWindowMs = 60 * 60_000;
    private long slowFaultReopenWindowMs = 6 * 3_600_000L;
    private long signalStaleAfterMs = 15 * 60_000;
    private long resolvedRetentionMs = 24 * 3_600_000L;
    private int maxSignalsPerCandidate = 200;
    private long idBucketMs = 5 * 60_000;
    private long changeLookbackMs = 2 * 3_600_000L;
    private long leadingChangeLookbackMs = 12 * 3_600_000L;
    private long changeDecayMs = 30 * 60_000;
    private long leadingChangeDecayMs = 4 * 3_600_000L;
    private long onsetGraceMs = 60_000;
    private long warmupWindowMs = 10 * 60_000;
    private int maxHypotheses = 8;
    private RankingWeights weights = RankingWeights.defaults();
    private long edgeExpiryMs = 15 * 60_000;
    private long edgeRetentionMs = 7 * 86_400_000L;
    private long newEdgeWarmupMs = 3_600_000L;
    private List<String> impactAttributes = new ArrayList<>();
    private int hllLgK = 11;
    private long redIntervalMs = 30_000;
    private int redRingSlots = 240;
    private int sketchRingSlots = 20;
    private long baselineWindowMs = 3_600_000L;
    @Nullable private String businessMetric;
    @Nullable private String businessService;
    private boolean businessSum = true;
    private long businessBucketMs = 60_000;
    private long businessRetentionMs = 8 * 86_400_000L;
    private Set<String> externalOpenSeverities =
        new TreeSet<>(List.of("critical", "page", "high", "error", "major"));
    // Tickets (1x over 3 d, budget consumed) describe a slow burn, often a standing base error
    // rate above the budget: they join candidates as evidence but do not open one.
    private Set<String> sloOpenSeverities = new TreeSet<>(List.of("PAGE"));
    private long outOfOrdernessMs = 5_000;
    private long idlenessMs = 30_000;
    private String externalAlertsTopic = "external-alerts";
    private String feedbackTopic = "incident-feedback";
    private String cellAttribute = "cell";
    private boolean reassignTimestamps;
    private long inventoryRetentionMs = 3_600_000L;
    private long inventoryRefreshMs = 10 * 60_000;
    private int maxChanges = 10_000;
    private int maxEdges = 50_000;
    private int maxSignals = 20_000;
    private int maxRedSeries = 100_000;
    private long cleanupIntervalMs = 5 * 60_000;
    private int maxSamples = 60;
    private int maxEvidencePerHypothesis = 24;
    private int maxTimeline = 60;
    private Map<String, String> categoryOverrides = new LinkedHashMap<>();

    private Builder() {}

    private Builder(CorrelationConfig c) {
      openDelayMs = c.openDelayMs;
      joinWindowMs = c.joinWindowMs;
      maxHops = c.maxHops;
      factorOnsetWindowMs = c.factorOnsetWindowMs;
      minFactorServices = c.minFactorServices;
      supportLookbackMs = c.supportLookbackMs;
      leadingSupportLookbackMs = c.leadingSupportLookbackMs;
      minOpenersIfRecovered = c.minOpenersIfRecovered;
      updateIntervalMs = c.updateIntervalMs;
      impactUpdateIntervalMs = c.impactUpdateIntervalMs;
      quietPeriodMs = c.quietPeriodMs;
      reopenWindowMs = c.reopenWindowMs;
      slowFaultReopenWindowMs = c.slowFaultReopenWindowMs;
      signalStaleAfterMs = c.signalStaleAfterMs;
      resolvedRetentionMs = c.resolvedRetentionMs;
      maxSignalsPerCandidate = c.maxSignalsPerCandidate;
      idBucketMs = c.idBucketMs;
      changeLookbackMs = c.changeLookbackMs;
      leadingChangeLookbackMs = c.leadingChangeLookbackMs;
      changeDecayMs = c.changeDecayMs;
      leadingChangeDecayMs = c.leadingChangeDecayMs;
      onsetGraceMs = c.onsetGraceMs;
      warmupWindowMs = c.warmupWindowMs;
      maxHypotheses = c.maxHypotheses;
      weights = c.weights;
      edgeExpiryMs = c.edgeExpiryMs;
      edgeRetentionMs = c.edgeRetentionMs;
      newEdgeWarmupMs = c.newEdgeWarmupMs;
      impactAttributes = new ArrayList<>(c.impactAttributes);
      hllLgK = c.hllLgK;
      redIntervalMs = c.redIntervalMs;
      redRingSlots = c.redRingSlots;
      sketchRingSlots = c.sketchRingSlots;
      baselineWindowMs = c.baselineWindowMs;
      businessMetric = c.businessMetric;
      businessService = c.businessService;
      businessSum = c.businessSum;
      businessBucketMs = c.businessBucketMs;
      businessRetentionMs = c.businessRetentionMs;
      externalOpenSeverities = new TreeSet<>(c.externalOpenSeverities);
      sloOpenSeverities = new TreeSet<>(c.sloOpenSeverities);
      outOfOrdernessMs = c.outOfOrdernessMs;
      idlenessMs = c.idlenessMs;
      externalAlertsTopic = c.externalAlertsTopic;
      feedbackTopic = c.feedbackTopic;
      cellAttribute = c.cellAttribute;
      reassignTimestamps = c.reassignTimestamps;
      inventoryRetentionMs = c.inventoryRetentionMs;
      inventoryRefreshMs = c.inventoryRefreshMs;
      maxChanges = c.maxChanges;
      maxEdges = c.maxEdges;
      maxSignals = c.maxSignals;
      maxRedSeries = c.maxRedSeries;
      cleanupIntervalMs = c.cleanupIntervalMs;
      maxSamples = c.maxSamples;
      maxEvidencePerHypothesis = c.maxEvidencePerHypothesis;
      maxTimeline = c.maxTimeline;
      categoryOverrides = new LinkedHashMap<>(c.categoryOverrides);
    }

    /** Time after the first opening signal before a candidate opens (grouping vs. speed). */
    public Builder openDelay(Duration d) {
      openDelayMs = positive("grouping.open-delay", d.toMillis(), true);
      return this;
    }

    /**
     * A signal joins a candidate if its onset is within this time of the candidate's last activity.
     */
    public Builder joinWindow(Duration d) {
      joinWindowMs = positive("grouping.join-window", d.toMillis(), false);
      return this;
    }

    public Builder maxHops(int hops) {
      maxHops = (int) positive("grouping.max-hops", hops, false);
      return this;
    }

    public Builder quietPeriod(Duration d) {
      quietPeriodMs = positive("lifecycle.quiet-period", d.toMillis(), true);
      return this;
    }

    public Builder reopenWindow(Duration d) {
      reopenWindowMs = positive("lifecycle.reopen-window", d.toMillis(), true);
      return this;
    }

    public Builder slowFaultReopenWindow(Duration d) {
      slowFaultReopenWindowMs = positive("lifecycle.slow-fault-reopen-window", d.toMillis(), true);
      return this;
    }

    /** Minimum event time between two UPDATED versions of one candidate. */
    public Builder updateInterval(Duration d) {
      updateIntervalMs = positive("lifecycle.update-interval", d.toMillis(), true);
      return this;
    }

    public Builder impactUpdateInterval(Duration d) {
      impactUpdateIntervalMs = positive("lifecycle.impact-update-interval", d.toMillis(), true);
      return this;
    }

    public Builder signalStaleAfter(Duration d) {
      signalStaleAfterMs = positive("lifecycle.signal-stale-after", d.toMillis(), false);
      return this;
    }

    public Builder resolvedRetention(Duration d) {
      resolvedRetentionMs = positive("lifecycle.resolved-retention", d.toMillis(), true);
      return this;
    }

    public Builder changeLookback(Duration lagging, Duration leading) {
      changeLookbackMs = positive("ranking.change-lookback", lagging.toMillis(), false);
      leadingChangeLookbackMs =
          positive("ranking.leading-change-lookback", leading.toMillis(), false);
      return this;
    }

    public Builder changeDecay(Duration lagging, Duration leading) {
      changeDecayMs = positive("ranking.change-decay", lagging.toMillis(), false);
      leadingChangeDecayMs = positive("ranking.leading-change-decay", leading.toMillis(), false);
      return this;
    }

    public Builder weights(RankingWeights w) {
      weights = Objects.requireNonNull(w, "weights");
      return this;
    }

    public Builder edgeExpiry(Duration d) {
      edgeExpiryMs = positive("topology.edge-expiry", d.toMillis(), false);
      return this;
    }

    public Builder edgeRetention(Duration d) {
      edgeRetentionMs = positive("topology.edge-retention", d.toMillis(), false);
      return this;
    }

    /** No NEW_DEPENDENCY event until the topology has been observed this long. */
    public Builder newEdgeWarmup(Duration d) {
      newEdgeWarmupMs = positive("topology.new-edge-warmup", d.toMillis(), true);
      return this;
    }

    /** Span attributes whose distinct count among failing requests is reported (e.g. robot.id). */
    public Builder impactAttributes(List<String> attributes) {
      impactAttributes = new ArrayList<>(attributes);
      return this;
    }

    public Builder redInterval(Duration d) {
      redIntervalMs = positive("impact.red-interval", d.toMillis(), false);
      return this;
    }

    /** The business metric whose delta against expected is reported; null disables it. */
    public Builder businessMetric(@Nullable String metric, @Nullable String service) {
      businessMetric = metric == null || metric.isBlank() ? null : metric;
      businessService = service == null || service.isBlank() ? null : service;
      return this;
    }

    /** SLO burn-alert severities (PAGE, TICKET) that may open a candidate; others only join. */
    public Builder sloOpenSeverities(java.util.Collection<String> severities) {
      sloOpenSeverities = new TreeSet<>();
      for (String s : severities) {
        sloOpenSeverities.add(s.toUpperCase(Locale.ROOT));
      }
      return this;
    }

    public Builder externalOpenSeverities(Set<String> severities) {
      externalOpenSeverities = new TreeSet<>();
      for (String s : severities) {
        externalOpenSeverities.add(s.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    public Builder outOfOrderness(Duration d) {
      outOfOrdernessMs = positive("inputs.out-of-orderness", d.toMillis(), true);
      return this;
    }

    public Builder idleness(Duration d) {
      idlenessMs = positive("inputs.idleness", d.toMillis(), false);
      return this;
    }

    /**
     * Re-assign event timestamps and watermarks on every input from the record's own time field
     * (bounded out-of-orderness plus idleness), instead of trusting upstream watermarks.
     */
    public Builder reassignTimestamps(boolean reassign) {
      reassignTimestamps = reassign;
      return this;
    }

    public Builder cleanupInterval(Duration d) {
      cleanupIntervalMs = positive("state.cleanup-interval", d.toMillis(), false);
      return this;
    }

    /** Maps a signal-name fragment to a category (ERRORS, LATENCY, TRAFFIC, CPU, MEMORY, ...). */
    public Builder signalCategory(String nameFragment, String category) {
      categoryOverrides.put(nameFragment, category.toUpperCase(Locale.ROOT));
      return this;
    }

    /** Sets one key of the {@code correlation.} namespace (without the prefix). */
    public Builder set(String key, String v) {
      if (key.startsWith("ranking.weight.")) {
        RankingWeights.Weight w = RankingWeights.byKey(key.substring("ranking.weight.".length()));
        weights = weights.with(w, Double.parseDouble(v));
        return this;
      }
      if (key.startsWith("signals.category.")) {
        return signalCategory(key.substring("signals.category.".length()), v);
      }
      switch (key) {
        case "grouping.open-delay" -> openDelayMs = dur(key, v, true);
        case "grouping.join-window" -> joinWindowMs = dur(key, v, false);
        case "grouping.max-hops" -> maxHops = integer(key, v);
        case "grouping.factor-onset-window" -> factorOnsetWindowMs = dur(key, v, false);
        case "grouping.min-factor-services" -> minFactorServices = integer(key, v);
        case "grouping.support-lookback" -> supportLookbackMs = dur(key, v, true);
        case "grouping.leading-support-lookback" -> leadingSupportLookbackMs = dur(key, v, true);
        case "grouping.min-openers-if-recovered" -> minOpenersIfRecovered = integer(key, v);
        case "lifecycle.update-interval" -> updateIntervalMs = dur(key, v, true);
        case "lifecycle.impact-update-interval" -> impactUpdateIntervalMs = dur(key, v, true);
        case "lifecycle.quiet-period" -> quietPeriodMs = dur(key, v, true);
        case "lifecycle.reopen-window" -> reopenWindowMs = dur(key, v, true);
        case "lifecycle.slow-fault-reopen-window" -> slowFaultReopenWindowMs = dur(key, v, true);
        case "lifecycle.signal-stale-after" -> signalStaleAfterMs = dur(key, v, false);
        case "lifecycle.resolved-retention" -> resolvedRetentionMs = dur(key, v, true);
        case "lifecycle.max-signals-per-candidate" -> maxSignalsPerCandidate = integer(key, v);
        case "lifecycle.id-bucket" -> idBucketMs = dur(key, v, false);
        case "ranking.change-lookback" -> changeLookbackMs = dur(key, v, false);
        case "ranking.leading-change-lookback" -> leadingChangeLookbackMs = dur(key, v, false);
        case "ranking.change-decay" -> changeDecayMs = dur(key, v, false);
        case "ranking.leading-change-decay" -> leadingChangeDecayMs = dur(key, v, false);
        case "ranking.onset-grace" -> onsetGraceMs = dur(key, v, true);
        case "ranking.warmup-window" -> warmupWindowMs = dur(key, v, true);
        case "ranking.max-hypotheses" -> maxHypotheses = integer(key, v);
        case "topology.edge-expiry" -> edgeExpiryMs = dur(key, v, false);
        case "topology.edge-retention" -> edgeRetentionMs = dur(key, v, false);
        case "topology.new-edge-warmup" -> newEdgeWarmupMs = dur(key, v, true);
        case "impact.attributes" -> impactAttributes = list(v);
        case "impact.hll-lg-k" -> hllLgK = integer(key, v);
        case "impact.red-interval" -> redIntervalMs = dur(key, v, false);
        case "impact.red-ring-slots" -> redRingSlots = integer(key, v);
        case "impact.sketch-ring-slots" -> sketchRingSlots = integer(key, v);
        case "impact.baseline-window" -> baselineWindowMs = dur(key, v, false);
        case "business.metric" -> businessMetric = v.isEmpty() ? null : v;
        case "business.service" -> businessService = v.isEmpty() ? null : v;
        case "business.aggregation" -> businessSum = parseAggregation(v);
        case "business.bucket" -> businessBucketMs = dur(key, v, false);
        case "business.retention" -> businessRetentionMs = dur(key, v, false);
        case "external.open-severities" -> externalOpenSeverities(new TreeSet<>(list(v)));
        case "slo.open-severities" -> sloOpenSeverities(list(v));
        case "inputs.out-of-orderness" -> outOfOrdernessMs = dur(key, v, true);
        case "inputs.idleness" -> idlenessMs = dur(key, v, false);
        case "inputs.external-alerts-topic" -> externalAlertsTopic = v;
        case "inputs.feedback-topic" -> feedbackTopic = v;
        case "inputs.cell-attribute" -> cellAttribute = v;
        case "inputs.reassign-timestamps" -> reassignTimestamps = Boolean.parseBoolean(v);
        case "inventory.retention" -> inventoryRetentionMs = dur(key, v, false);
        case "inventory.refresh" -> inventoryRefreshMs = dur(key, v, false);
        case "state.max-changes" -> maxChanges = integer(key, v);
        case "state.max-edges" -> maxEdges = integer(key, v);
        case "state.max-signals" -> maxSignals = integer(key, v);
        case "state.max-red-series" -> maxRedSeries = integer(key, v);
        case "state.cleanup-interval" -> cleanupIntervalMs = dur(key, v, false);
        case "evidence.max-samples" -> maxSamples = integer(key, v);
        case "evidence.max-per-hypothesis" -> maxEvidencePerHypothesis = integer(key, v);
        case "evidence.max-timeline" -> maxTimeline = integer(key, v);
        default -> throw new IllegalArgumentException("unknown key");
      }
      return this;
    }

    public CorrelationConfig build() {
      if (hllLgK < 4 || hllLgK > 21) {
        throw new IllegalArgumentException(
            "correlation.impact.hll-lg-k must be in [4,21]: " + hllLgK);
      }
      if (redRingSlots < 4 || sketchRingSlots < 1) {
        throw new IllegalArgumentException(
            "correlation.impact.red-ring-slots must be >= 4 and sketch-ring-slots >= 1");
      }
      if (maxHypotheses < 1 || maxSignalsPerCandidate < 1 || maxSamples < 1) {
        throw new IllegalArgumentException(
            "correlation.ranking.max-hypotheses, lifecycle.max-signals-per-candidate and"
                + " evidence.max-samples must be >= 1");
      }
      if (minOpenersIfRecovered < 1 || minFactorServices < 1) {
        throw new IllegalArgumentException(
            "correlation.grouping.min-openers-if-recovered and min-factor-services must be >= 1");
      }
      return new CorrelationConfig(this);
    }

    private static boolean parseAggregation(String v) {
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "sum" -> true;
        case "mean", "avg", "average" -> false;
        default -> throw new IllegalArgumentException("expected sum or mean");
      };
    }

    private static long dur(String key, String v, boolean zeroAllowed) {
      return positive(key, parseDurationMs(v), zeroAllowed);
    }

    private static int integer(String key, String v) {
      int i = Integer.parseInt(v);
      if (i < 0) {
        throw new IllegalArgumentException(key + " must be >= 0");
      }
      return i;
    }

    private static long positive(String key, long v, boolean zeroAllowed) {
      if (v < 0 || (!zeroAllowed && v == 0)) {
        throw new IllegalArgumentException(
            "correlation." + key + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ": " + v);
      }
      return v;
    }

    private static List<String> list(String v) {
      List<String> out = new ArrayList<>();
      for (String s : v.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
      return out;
    }
  }
}
