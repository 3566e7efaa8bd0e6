package io.signalfold.slo;

import io.signalfold.schema.Severity;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Selects the events one side of a ratio SLI counts. */
public sealed interface SeriesSelector extends Serializable
    permits SeriesSelector.Metric, SeriesSelector.Logs {

  /**
   * MetricPoints by name and attributes. A SUM counts its delta, a HISTOGRAM its count delta; with
   * {@code le} set, a histogram counts only observations at or under {@code le} (in the metric's
   * unit), interpolated inside the bucket that holds {@code le}.
   *
   * @param name metric name, e.g. {@code orders.placed}
   * @param service resource service.name to match; null means the SLO's service; {@code "*"} any
   * @param attributes point attributes that must be equal (all of them)
   * @param le optional upper bound for histogram observations
   */
  record Metric(String name, String service, Map<String, String> attributes, Double le)
      implements SeriesSelector {
    public Metric {
      Objects.requireNonNull(name, "name");
      attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
    }
  }

  /**
   * LogSignal counts. Without a template, SEVERITY_COUNT records of the given severities (all when
   * empty); with {@code templateId} or {@code templateGlob} ({@code *} wildcards), the
   * TEMPLATE_COUNT records of matching templates.
   */
  record Logs(String service, Set<Severity> severities, String templateId, String templateGlob)
      implements SeriesSelector {
    public Logs {
      severities = Set.copyOf(severities == null ? Set.of() : severities);
    }

    /** Whether this selector counts mined templates rather than severity totals. */
    public boolean byTemplate() {
      return templateId != null || templateGlob != null;
    }
  }
}
