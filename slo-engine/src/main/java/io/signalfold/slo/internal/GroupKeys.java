package io.signalfold.slo.internal;

import io.signalfold.schema.ResourceContext;
import io.signalfold.slo.GroupDimension;
import java.util.Set;

/**
 * Builds the canonical group key ({@code cell=..\u001foperation=..\u001fzone=..}, labels in
 * alphabetical order, the format of {@code SloEvaluator.groupKey}) straight from a record, without
 * building a map per record.
 */
public final class GroupKeys {

  /** Value used when a grouped dimension is not set on the record. */
  public static final String UNKNOWN = "unknown";

  private GroupKeys() {}

  public static String of(Set<GroupDimension> groupBy, String operation, ResourceContext resource) {
    if (groupBy.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(48);
    if (groupBy.contains(GroupDimension.CELL)) {
      append(b, "cell", resource == null ? null : resource.getCell());
    }
    if (groupBy.contains(GroupDimension.OPERATION)) {
      append(b, "operation", operation);
    }
    if (groupBy.contains(GroupDimension.ZONE)) {
      append(b, "zone", resource == null ? null : resource.getZone());
    }
    return b.toString();
  }

  private static void append(StringBuilder b, String label, String value) {
    if (b.length() > 0) {
      b.append('\u001f');
    }
    b.append(label).append('=').append(value == null || value.isEmpty() ? UNKNOWN : value);
  }
}
