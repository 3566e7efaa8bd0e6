package io.signalfold.job;

import io.signalfold.ingest.IngestOutputs;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The streams of the job graph: the normalized signals, the anomaly feed (detector anomalies and
 * the correlation's NEW_DEPENDENCY anomalies), SLO statuses and burn alerts, summarized incident
 * candidates, and every dead letter (ingest, correlation inputs, failed webhook deliveries).
 *
 * @param signals the normalized signals of the ingest stage (metric points, RED points, call edges,
 *     log signals, change events, and ingest's own dead letters)
 * @param anomalies the anomaly feed
 * @param sloStatuses SLO statuses (empty without SLO definitions)
 * @param sloAlerts SLO burn-rate and budget alerts (empty without SLO definitions)
 * @param candidates incident candidates carrying their summary
 * @param deadLetters all dead letters, unioned
 */
public record PipelineOutputs(
    IngestOutputs signals,
    DataStream<Anomaly> anomalies,
    DataStream<SloStatus> sloStatuses,
    DataStream<SloBurnAlert> sloAlerts,
    DataStream<IncidentCandidate> candidates,
    DataStream<DeadLetter> deadLetters) {}
