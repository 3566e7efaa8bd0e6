package io.signalfold.slo;

/**
 * A dimension an SLO can be evaluated per group of: each distinct value gets its own budget, burn
 * rates and alerts (labelled with it).
 */
public enum GroupDimension {
  /** RedPoint operation (span name / http.route); spans-based SLIs only. */
  OPERATION("operation"),
  /** ResourceContext.zone (cloud.availability_zone). */
  ZONE("zone"),
  /** ResourceContext.cell. */
  CELL("cell");

  private final String label;

  GroupDimension(String label) {
    this.label = label;
  }

  /** The label key used in SloStatus / SloBurnAlert labels. */
  public String label() {
    return label;
  }

  /** Parses {@code operation}, {@code zone} or {@code cell} (case-insensitive). */
  public static GroupDimension parse(String text) {
    for (GroupDimension d : values()) {
      if (d.label.equalsIgnoreCase(text.trim())) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown group dimension '" + text + "': expected operation, zone or cell");
  }
}
