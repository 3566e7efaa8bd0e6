package io.signalfold.correlation.internal;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.SeriesSample;
import io.signalfold.schema.SloBurnAlert;
import javax.annotation.Nullable;

/**
 * What the correlator remembers of one raw signal (an anomaly episode, an SLO burn alert, an
 * external alert): its entity facets, its life (onset, last seen, recovered), its tier and class,
 * the candidate it belongs to, and the evidence to cite. Records of the same episode (OPEN,
 * CONTINUING, RECOVERED) merge into one state.
 *
 * <p>Public mutable fields because this is keyed state: Flink's POJO serializer reads them and
 * supports adding fields later (state schema evolution).
 */
public final class SignalState {

  /** Sources. */
  public static final int ANOMALY = 0;

  public static final int SLO_ALERT = 1;
  public static final int EXTERNAL_ALERT = 2;
  public static final int TOPOLOGY = 3;

  /** State key: source prefix + id. */
  public String key;

  /** The id cited in candidates (anomaly id, alert id, external alert id@start). */
  public String id;

  public int source;
  public String seriesId;

  /** Metric / alert name, e.g. http.server.error_rate. */
  public String signal;

  /** {@link SignalCategory} ordinal. */
  public int category;

  /** Original telemetry source name (METRIC, TRACE, LOG, TOPOLOGY, SLO, EXTERNAL). */
  public String telemetrySource;

  public boolean leading;
  public boolean alarm;
  public boolean opener;
  public boolean recurring;

  /** +1 up, -1 down, 0 none. */
  public int direction;

  @Nullable public String anomalyKind;
  @Nullable public String service;
  @Nullable public String operation;
  @Nullable public String peer;
  @Nullable public String instance;
  @Nullable public String container;
  @Nullable public String zone;
  @Nullable public String cell;
  @Nullable public String version;

  public long onsetMs;
  public long firstSeenMs;
  public long lastSeenMs;
  public boolean active;
  public long recoveredMs;

  public double score;
  public double value;
  public double expected;
  public double lower;
  public double upper;
  public long historyMs;

  /** Raw records merged into this state. */
  public long records;

  /** Log anomalies: summed template counts over the episode. */
  public double logCount;

  @Nullable public String candidateId;

  /** The first anomaly record (it carries the samples before onset). */
  @Nullable public Anomaly anomaly;

  @Nullable public SloBurnAlert sloAlert;
  @Nullable public ExternalAlert externalAlert;

  /** Points after onset (bounded), appended from later records, for charts. */
  public SeriesSample[] later = new SeriesSample[0];

  public SignalState() {}

  /** Still firing, and heard from recently enough. */
  public boolean isActiveAt(long now, long staleAfterMs) {
    return active && now - lastSeenMs < staleAfterMs;
  }

  /** When the signal stopped: recovery time, or the time it went stale. */
  public long inactiveSinceMs(long staleAfterMs) {
    return active ? lastSeenMs + staleAfterMs : recoveredMs;
  }

  /** This signal's value of an inventory facet (instance, container, zone, cell), or null. */
  @Nullable
  public String facetValue(String facet) {
    return switch (facet) {
      case InventoryIndex.INSTANCE -> instance;
      case InventoryIndex.CONTAINER -> container;
      case InventoryIndex.ZONE -> zone;
      case InventoryIndex.CELL -> cell;
      default -> null;
    };
  }
}
