package io.signalfold.slo;

import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What {@link SloStage#build} returns.
 *
 * @param statuses SloStatus per SLO and group at the status cadence and on every change (topic
 *     {@code slo-status})
 * @param alerts SloBurnAlert transitions, burn-rate and budget-consumed (topic {@code slo-alerts};
 *     also an input of the correlation stage, and of the Alertmanager webhook through {@link
 *     AlertmanagerPayload})
 */
public record SloOutputs(DataStream<SloStatus> statuses, DataStream<SloBurnAlert> alerts) {}
