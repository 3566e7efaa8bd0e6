package io.signalfold.correlation.internal;

import io.signalfold.schema.EntityKind;
import io.signalfold.schema.EntityRef;
import io.signalfold.schema.Evidence;
import io.signalfold.schema.Hypothesis;
import io.signalfold.schema.HypothesisBasis;
import io.signalfold.schema.MitigationClass;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.RuledOut;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * A hypothesis while it is being scored: every multiplier applied to it is kept with its reason, so
 * the emitted description shows exactly why it ranks where it does.
 */
final class HypothesisDraft {

  final RootCauseKind kind;
  final EntityKind entityKind;
  final String entityName;
  @Nullable final String entityService;
  @Nullable String changeId;
  @Nullable String version;
  MitigationClass mitigation = MitigationClass.INVESTIGATE;
  boolean planned;
  boolean direct;
  double score;
  final String summary;
  final List<String> terms = new ArrayList<>();
  final List<String> directReasons = new ArrayList<>();
  final Map<String, Evidence> evidence = new LinkedHashMap<>();
  final List<RuledOut> ruledOut = new ArrayList<>();

  HypothesisDraft(
      RootCauseKind kind,
      EntityKind entityKind,
      String entityName,
      @Nullable String entityService,
      double baseWeight,
      String summary) {
    this.kind = kind;
    this.entityKind = entityKind;
    this.entityName = entityName;
    this.entityService = entityService;
    this.score = baseWeight;
    this.summary = summary;
    terms.add(String.format(Locale.ROOT, "%s weight %.2f", label(kind), baseWeight));
  }

  /** Multiplies the score by a factor and records why. */
  HypothesisDraft term(String name, double factor, String reason) {
    score *= factor;
    terms.add(String.format(Locale.ROOT, "%s %.2f (%s)", name, factor, reason));
    return this;
  }

  /** Marks direct evidence (applied once, with the multiplier given). */
  HypothesisDraft directEvidence(String reason, double multiplier) {
    if (!direct) {
      direct = true;
      term("direct evidence", multiplier, reason);
    } else {
      terms.add("also: " + reason);
    }
    directReasons.add(reason);
    return this;
  }

  /** Direct evidence that does not change the score (the weight already assumes it). */
  HypothesisDraft observed(String reason) {
    direct = true;
    directReasons.add(reason);
    return this;
  }

  void addEvidence(@Nullable Evidence e) {
    if (e != null) {
      evidence.putIfAbsent(e.getId(), e);
    }
  }

  String key() {
    return kind.name() + "|" + entityKind.name() + ":" + entityName;
  }

  String id() {
    return StableIds.hypothesisId(
        kind.name(), entityKind.name() + ":" + entityName, changeId == null ? "" : changeId);
  }

  Hypothesis toAvro(int rank, double confidence, int maxEvidence) {
    StringBuilder d = new StringBuilder(summary);
    d.append(String.format(Locale.ROOT, " Score %.3f = ", score)).append(String.join(" x ", terms));
    d.append(". ");
    if (direct) {
      d.append("Direct evidence: ").append(String.join("; ", directReasons)).append('.');
    } else {
      d.append("Correlation only: these signals co-occur with it, which is not proof of cause.");
    }
    List<Evidence> ev = new ArrayList<>(evidence.values());
    if (ev.size() > maxEvidence) {
      ev = new ArrayList<>(ev.subList(0, maxEvidence));
    }
    return Hypothesis.newBuilder()
        .setId(id())
        .setRank(rank)
        .setKind(kind)
        .setEntity(
            EntityRef.newBuilder()
                .setKind(entityKind)
                .setName(entityName)
                .setService(entityService)
                .build())
        .setConfidence(confidence)
        .setBasis(direct ? HypothesisBasis.DIRECT_EVIDENCE : HypothesisBasis.CORRELATION)
        .setMitigation(mitigation)
        .setPlanned(planned)
        .setDescription(d.toString())
        .setChangeId(changeId)
        .setVersion(version)
        .setEvidence(ev)
        .setRuledOut(new ArrayList<>(ruledOut))
        .setFeedback(null)
        .build();
  }

  static String label(RootCauseKind k) {
    return k.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
