package io.signalfold.correlation;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The multipliers of the root-cause ranking, one per {@link Weight}. A hypothesis score is the
 * product of its kind weight and the terms that apply to it (proximity, location in the call graph,
 * direct evidence, onset order, leading-before-lagging, spread of a common factor); the README's
 * "Correlation" section explains each default. Immutable; {@link #with} returns a copy.
 */
public final class RankingWeights implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Every tunable multiplier with its default. Config key: {@code
   * correlation.ranking.weight.<name>}.
   */
  public enum Weight {
    /** A deploy of the implicated service before onset. */
    DEPLOY(1.0),
    /** A rollback before onset (rolled back onto a bad version). */
    ROLLBACK(0.8),
    CONFIG(0.95),
    FEATURE_FLAG(0.9),
    SCALE(0.9),
    PERMISSION(0.95),
    MANUAL_SESSION(0.95),
    /** Planned activity outranks coincident changes: the signals are expected. */
    PLANNED_ACTIVITY(1.4),
    DEPENDENCY(0.75),
    RESOURCE(0.6),
    TRAFFIC(0.55),
    INSTANCE(0.8),
    CONTAINER(0.85),
    ZONE(0.85),
    CELL(0.85),
    /** Anomalous telemetry from one version only, when no change event names it. */
    VERSION(0.7),
    /** Prior of "something on the deepest anomalous entity, no change to blame". */
    UNKNOWN(0.35),
    /** Applied once when a hypothesis has direct evidence (not only co-occurrence). */
    DIRECT_EVIDENCE(1.6),
    /** The entity is the deepest anomalous node: nothing anomalous below it. */
    LOCATION_ROOT(1.0),
    /** Anomalous with anomalous callees, but with signals of its own. */
    LOCATION_MIXED(0.6),
    /** A caller that only inherits the errors of a deeper anomalous node. */
    LOCATION_INHERITOR(0.15),
    /** A callee of the failing services that shows no anomaly itself. */
    LOCATION_NEIGHBOUR(0.35),
    /** A leading signal on the entity precedes the lagging symptoms. */
    LEADING_FIRST(1.3),
    /** Onset-order factor of the latest node; the earliest gets 1. */
    ONSET_ORDER_FLOOR(0.7),
    /** Per extra service sharing a common factor. */
    FACTOR_SPREAD_BONUS(0.15),
    FACTOR_SPREAD_CAP(1.6),
    /** Probability mass left to "none of the listed hypotheses" when normalizing. */
    UNEXPLAINED_PRIOR(0.15);

    private final double defaultValue;

    Weight(double defaultValue) {
      this.defaultValue = defaultValue;
    }

    /** The default multiplier. */
    public double defaultValue() {
      return defaultValue;
    }

    /** The config-key spelling, e.g. {@code leading-first}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final double[] values;

  private RankingWeights(double[] values) {
    this.values = values;
  }

  /** The documented defaults. */
  public static RankingWeights defaults() {
    Weight[] all = Weight.values();
    double[] v = new double[all.length];
    for (Weight w : all) {
      v[w.ordinal()] = w.defaultValue;
    }
    return new RankingWeights(v);
  }

  /** The value of one weight. */
  public double get(Weight weight) {
    return values[weight.ordinal()];
  }

  /** A copy with one weight changed. */
  public RankingWeights with(Weight weight, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "correlation.ranking.weight." + weight.key() + " must be a finite value >= 0: " + value);
    }
    double[] copy = values.clone();
    copy[weight.ordinal()] = value;
    return new RankingWeights(copy);
  }

  /** Looks a weight up by its config-key spelling. */
  public static Weight byKey(String key) {
    for (Weight w : Weight.values()) {
      if (w.key().equals(key) || w.name().equalsIgnoreCase(key)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown ranking weight: " + key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RankingWeights other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RankingWeights{");
    for (Weight w : Weight.values()) {
      if (w.ordinal() > 0) {
        sb.append(", ");
      }
      sb.append(w.key()).append('=').append(values[w.ordinal()]);
    }
    return sb.append('}').toString();
  }
}
