package io.signalfold.slo;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Builds a {@link SloDefinition}; {@link #build()} validates and names the offending field. */
public final class SloDefinitionBuilder {

  String name;
  String displayName;
  String description;
  String service;
  Sli sli;
  double objective = Double.NaN;
  SloWindow window;
  final Set<GroupDimension> groupBy = EnumSet.noneOf(GroupDimension.class);
  BurnRatePolicy policy;
  Map<String, String> labels = new LinkedHashMap<>();
  String origin;

  SloDefinitionBuilder(String name) {
    this.name = name;
  }

  public SloDefinitionBuilder displayName(String v) {
    this.displayName = v;
    return this;
  }

  public SloDefinitionBuilder description(String v) {
    this.description = v;
    return this;
  }

  public SloDefinitionBuilder service(String v) {
    this.service = v;
    return this;
  }

  public SloDefinitionBuilder sli(Sli v) {
    this.sli = v;
    return this;
  }

  public SloDefinitionBuilder objective(double v) {
    this.objective = v;
    return this;
  }

  public SloDefinitionBuilder window(SloWindow v) {
    this.window = v;
    return this;
  }

  public SloDefinitionBuilder groupBy(GroupDimension v) {
    this.groupBy.add(v);
    return this;
  }

  /** Null means the default policy of the {@link SloConfig}. */
  public SloDefinitionBuilder policy(BurnRatePolicy v) {
    this.policy = v;
    return this;
  }

  public SloDefinitionBuilder labels(Map<String, String> v) {
    this.labels = new LinkedHashMap<>(v);
    return this;
  }

  public SloDefinitionBuilder origin(String v) {
    this.origin = v;
    return this;
  }

  /**
   * @throws IllegalArgumentException or NullPointerException with a message starting with the field
   *     name
   */
  public SloDefinition build() {
    return new SloDefinition(this);
  }
}
