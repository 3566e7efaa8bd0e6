package io.signalfold.sinks;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The output topics of the pipeline (default names from the team's wire conventions). */
public final class OutputTopics {

  private OutputTopics() {}

  /** CloudEvents type prefix of every event the pipeline publishes. */
  public static final String TYPE_PREFIX = "io.signalfold.";

  /**
   * {@code incident-candidates}: key = candidate id; time = updatedAtMs (resolvedAtMs once
   * resolved); type {@code io.signalfold.incident.open|updated|resolved}; id {@code
   * <candidate>/v<version>/<summary revision>} (see {@link SummaryUpdates#revisionTag}).
   */
  public static final OutputTopic<IncidentCandidate> INCIDENT_CANDIDATES =
      OutputTopic.create(
          "incident-candidates",
          IncidentCandidate.class,
          "correlation",
          IncidentCandidate::getId,
          c -> c.getResolvedAtMs() != null ? c.getResolvedAtMs() : c.getUpdatedAtMs(),
          c -> TYPE_PREFIX + "incident." + c.getStatus().name().toLowerCase(Locale.ROOT),
          IncidentCandidate::getId,
          c ->
              c.getId() + "/v" + c.getVersion() + "/" + SummaryUpdates.revisionTag(c.getSummary()));

  /**
   * {@code anomalies}: key = series id; time = timestampMs; type {@code
   * io.signalfold.anomaly.open|continuing|recovered}.
   */
  public static final OutputTopic<Anomaly> ANOMALIES =
      OutputTopic.create(
          "anomalies",
          Anomaly.class,
          "anomaly-detection",
          Anomaly::getSeriesId,
          Anomaly::getTimestampMs,
          a -> TYPE_PREFIX + "anomaly." + a.getPhase().name().toLowerCase(Locale.ROOT),
          Anomaly::getSeriesId,
          a -> a.getId() + "/" + a.getPhase() + "/" + a.getTimestampMs());

  /** {@code slo-alerts}: key = SLO name; type {@code io.signalfold.slo.alert.firing|resolved}. */
  public static final OutputTopic<SloBurnAlert> SLO_ALERTS =
      OutputTopic.create(
          "slo-alerts",
          SloBurnAlert.class,
          "slo-engine",
          SloBurnAlert::getSlo,
          SloBurnAlert::getTimestampMs,
          a -> TYPE_PREFIX + "slo.alert." + a.getState().name().toLowerCase(Locale.ROOT),
          SloBurnAlert::getSlo,
          a -> a.getId() + "/" + a.getState() + "/" + a.getTimestampMs());

  /** {@code slo-status}: key = SLO name plus its labels; type {@code io.signalfold.slo.status}. */
  public static final OutputTopic<SloStatus> SLO_STATUS =
      OutputTopic.create(
          "slo-status",
          SloStatus.class,
          "slo-engine",
          OutputTopics::sloStatusKey,
          SloStatus::getTimestampMs,
          s -> TYPE_PREFIX + "slo.status",
          SloStatus::getSlo,
          s -> sloStatusKey(s) + "/" + s.getTimestampMs());

  /**
   * {@code dead-letters}: key = source topic; type {@code io.signalfold.deadletter.<reason>};
   * subject = the rejecting stage.
   */
  public static final OutputTopic<DeadLetter> DEAD_LETTERS =
      OutputTopic.create(
          "dead-letters",
          DeadLetter.class,
          "pipeline",
          DeadLetter::getSourceTopic,
          DeadLetter::getTimestampMs,
          d -> TYPE_PREFIX + "deadletter." + d.getReason().name().toLowerCase(Locale.ROOT),
          DeadLetter::getStage,
          d ->
              d.getStage()
                  + "/"
                  + d.getSourceTopic()
                  + "/"
                  + d.getSourcePartition()
                  + "/"
                  + d.getSourceOffset()
                  + "/"
                  + d.getTimestampMs()
                  + "/"
                  + Integer.toHexString(d.getDetail().hashCode()));

  static String sloStatusKey(SloStatus s) {
    if (s.getLabels().isEmpty()) {
      return s.getSlo();
    }
    StringBuilder sb = new StringBuilder(s.getSlo());
    for (Map.Entry<String, String> e : new TreeMap<>(s.getLabels()).entrySet()) {
      sb.append(',').append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }
}
