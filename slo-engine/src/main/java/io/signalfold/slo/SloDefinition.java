package io.signalfold.slo;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One SLO: what is measured ({@link Sli}), for which service, the objective, the window, the
 * optional grouping (per operation / zone / cell) and the alerting policy.
 *
 * <p>Immutable. Built from OpenSLO files by {@link OpenSloLoader}, from scenario {@code slos:}
 * entries by {@link #fromScenario(Map)}, or in code with {@link #builder(String)}.
 */
public final class SloDefinition implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final String displayName;
  private final String description;
  private final String service;
  private final Sli sli;
  private final double objective;
  private final SloWindow window;
  private final Set<GroupDimension> groupBy;
  private final BurnRatePolicy policy;
  private final Map<String, String> labels;
  private final String origin;

  SloDefinition(SloDefinitionBuilder b) {
    this.name = requireText(b.name, "name");
    this.service = requireText(b.service, "service");
    this.sli = Objects.requireNonNull(b.sli, "sli: missing");
    if (!(b.objective > 0 && b.objective < 1)) {
      throw new IllegalArgumentException(
          "objective: must be in (0, 1), e.g. 0.999, got " + b.objective);
    }
    this.objective = b.objective;
    this.window = Objects.requireNonNull(b.window, "window: missing");
    this.groupBy = b.groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(b.groupBy));
    if (groupBy.contains(GroupDimension.OPERATION) && sli instanceof Sli.Ratio) {
      throw new IllegalArgumentException(
          "groupBy: operation applies to span-based availability and latency SLIs only");
    }
    this.displayName = b.displayName;
    this.description = b.description;
    this.policy = b.policy;
    this.labels = Map.copyOf(b.labels);
    this.origin = b.origin;
  }

  private static String requireText(String v, String field) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(field + ": missing");
    }
    return v;
  }

  /** A builder for an SLO named {@code name}. */
  public static SloDefinitionBuilder builder(String name) {
    return new SloDefinitionBuilder(name);
  }

  /**
   * An SLO from a scenario file's {@code slos:} entry: {@code {name, service, objective, window,
   * sli: availability|latency, threshold_ms}}, plus optional {@code operation} and {@code group_by}
   * (a list of operation, zone, cell). The default burn-rate policy of the {@link SloConfig}
   * applies.
   *
   * @throws IllegalArgumentException naming the key that is missing or wrong
   */
  public static SloDefinition fromScenario(Map<String, ?> entry) {
    String name = text(entry, "name", true);
    SloDefinitionBuilder b = builder(name);
    try {
      b.service(text(entry, "service", true));
      Object obj = entry.get("objective");
      if (!(obj instanceof Number)) {
        throw new IllegalArgumentException("objective: missing or not a number: " + obj);
      }
      b.objective(((Number) obj).doubleValue());
      String window = text(entry, "window", false);
      try {
        b.window(SloWindow.parse(window == null ? "30d" : window));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("window: " + e.getMessage(), e);
      }
      String operation = text(entry, "operation", false);
      String sli = text(entry, "sli", true);
      switch (sli) {
        case "availability":
          b.sli(new Sli.Availability(operation));
          break;
        case "latency":
          Object t = entry.get("threshold_ms");
          if (!(t instanceof Number)) {
            throw new IllegalArgumentException("threshold_ms: required for sli: latency, got " + t);
          }
          b.sli(new Sli.Latency(((Number) t).doubleValue(), operation, null));
          break;
        default:
          throw new IllegalArgumentException(
              "sli: expected availability or latency, got '" + sli + "'");
      }
      Object groups = entry.get("group_by");
      if (groups instanceof Iterable) {
        for (Object g : (Iterable<?>) groups) {
          b.groupBy(GroupDimension.parse(String.valueOf(g)));
        }
      } else if (groups != null) {
        throw new IllegalArgumentException("group_by: expected a list, got " + groups);
      }
      b.origin("scenario slos entry '" + name + "'");
      return b.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("slos entry '" + name + "': " + e.getMessage(), e);
    }
  }

  private static String text(Map<String, ?> entry, String key, boolean required) {
    Object v = entry.get(key);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException("slos entry: " + key + ": missing");
      }
      return null;
    }
    return String.valueOf(v);
  }

  public String name() {
    return name;
  }

  /** Human-readable name, or null. */
  public String displayName() {
    return displayName;
  }

  /** Free text, or null. */
  public String description() {
    return description;
  }

  /** service.name of the service the SLO is about. */
  public String service() {
    return service;
  }

  public Sli sli() {
    return sli;
  }

  /** Target share of good events, in (0, 1). */
  public double objective() {
    return objective;
  }

  /** 1 - objective. */
  public double errorBudget() {
    return 1.0 - objective;
  }

  public SloWindow window() {
    return window;
  }

  /** Empty for one evaluation per SLO; otherwise one per distinct combination of values. */
  public Set<GroupDimension> groupBy() {
    return groupBy;
  }

  /** The SLO's own alerting policy, or null to use {@link SloConfig#defaultPolicy()}. */
  public BurnRatePolicy policy() {
    return policy;
  }

  /** Extra labels (OpenSLO metadata.labels) copied to statuses and alerts. */
  public Map<String, String> labels() {
    return labels;
  }

  /** Where the definition came from ({@code slos.yaml:12}), or null. */
  public String origin() {
    return origin;
  }

  /** A builder holding this definition's values, to derive a variant. */
  public SloDefinitionBuilder toBuilder() {
    SloDefinitionBuilder b =
        builder(name)
            .displayName(displayName)
            .description(description)
            .service(service)
            .sli(sli)
            .objective(objective)
            .window(window)
            .policy(policy)
            .labels(new LinkedHashMap<>(labels))
            .origin(origin);
    groupBy.forEach(b::groupBy);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SloDefinition)) {
      return false;
    }
    SloDefinition d = (SloDefinition) o;
    return name.equals(d.name)
        && Objects.equals(displayName, d.displayName)
        && Objects.equals(description, d.description)
        && service.equals(d.service)
        && sli.equals(d.sli)
        && objective == d.objective
        && window.equals(d.window)
        && groupBy.equals(d.groupBy)
        && Objects.equals(policy, d.policy)
        && labels.equals(d.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, service, sli, objective, window, groupBy);
  }

  @Override
  public String toString() {
    return "SloDefinition{"
        + name
        + ", service="
        + service
        + ", sli="
        + sli
        + ", objective="
        + objective
        + ", window="
        + window
        + (groupBy.isEmpty() ? "" : ", groupBy=" + groupBy)
        + "}";
  }
}
