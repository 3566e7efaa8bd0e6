package io.signalfold.job;

import io.signalfold.anomaly.AnomalyStage;
import io.signalfold.correlation.CorrelationInputs;
import io.signalfold.correlation.CorrelationOutputs;
import io.signalfold.correlation.CorrelationStage;
import io.signalfold.ingest.IngestOutputs;
import io.signalfold.ingest.IngestStage;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AvroCoders;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.KafkaOutputs;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.report.ReportSinks;
import io.signalfold.sinks.webhook.AlertmanagerPayloads;
import io.signalfold.sinks.webhook.Webhooks;
import io.signalfold.slo.SloOutputs;
import io.signalfold.slo.SloStage;
import io.signalfold.summarizer.SummarizerStage;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The signalfold job graph as a function of its inputs, so tests run the whole job on bounded
 * sources and production wires Kafka ({@link SignalfoldJob}).
 *
 * <pre>
 * telemetry -> ingest -> metric points, RED points, log signals -> anomaly detection -> anomalies
 *                     -> RED points, metric points, log signals  -> SLO engine -> statuses, alerts
 * anomalies + SLO alerts + call edges + changes + RED/metric/log signals
 *   + external alerts + feedback -> correlation -> candidates -> summarizer -> candidates
 *                                                -> NEW_DEPENDENCY anomalies (into the feed)
 * candidates -> Slack / PagerDuty, SLO alerts -> Alertmanager (failed deliveries: dead letters)
 * </pre>
 *
 * <p>Operator uids are those of the stages (ingest-*, anomaly-*, slo-*, correlation-*,
 * summarizer-*, webhook-*, sink-*), stable across releases so savepoints restore.
 */
public final class SignalfoldPipeline {

  private SignalfoldPipeline() {}

  /**
   * Builds every stage on {@code env}. Webhook deliveries configured in {@code cfg} are part of the
   * graph (their failures are dead letters); Kafka topics and reports are attached separately by
   * {@link #attachSinks}.
   */
  public static PipelineOutputs build(
      StreamExecutionEnvironment env, PipelineInputs inputs, PipelineConfig cfg) {
    // A local (MiniCluster) job shares this JVM; on a cluster the stages' open() does it per task.
    AvroCoders.enable();
    IngestOutputs signals = IngestStage.build(inputs.telemetry(), cfg.ingestConfig());

    DataStream<Anomaly> detected =
        AnomalyStage.build(
            signals.metricPoints(), signals.redPoints(), signals.logSignals(), cfg.anomalyConfig());

    SloOutputs slo =
        SloStage.build(
            signals.redPoints(),
            signals.metricPoints(),
            signals.logSignals(),
            inputs.sloDefinitions(),
            cfg.sloConfig());

    CorrelationInputs.Builder ci =
        CorrelationInputs.builder()
            .anomalies(detected)
            .sloAlerts(slo.alerts())
            .callEdges(signals.callEdges())
            .changeEvents(signals.changeEvents())
            .redPoints(signals.redPoints())
            .metricPoints(signals.metricPoints())
            .logSignals(signals.logSignals());
    inputs.externalAlertJson().ifPresent(ci::externalAlertJson);
    inputs.feedbackJson().ifPresent(ci::feedbackJson);
    CorrelationOutputs correlation = CorrelationStage.buildAll(ci.build(), cfg.correlationConfig());

    DataStream<IncidentCandidate> candidates =
        SummarizerStage.build(correlation.candidates(), cfg.summarizerConfig());

    DataStream<Anomaly> anomalies = detected.union(correlation.topologyAnomalies());
    DataStream<DeadLetter> deadLetters = signals.deadLetters().union(correlation.deadLetters());

    Redactor redactor = cfg.redactor();
    if (cfg.slackWebhook().isPresent()) {
      deadLetters =
          deadLetters.union(Webhooks.slack(candidates, cfg.slackWebhook().get(), redactor));
    }
    if (cfg.pagerDutyWebhook().isPresent()) {
      deadLetters =
          deadLetters.union(
              Webhooks.pagerDuty(
                  candidates,
                  cfg.pagerDutyWebhook().get(),
                  cfg.pagerDutyRoutingKey().orElseThrow(),
                  redactor));
    }
    if (cfg.alertmanagerWebhook().isPresent()) {
      deadLetters =
          deadLetters.union(
              Webhooks.alertmanager(
                  slo.alerts(),
                  cfg.alertmanagerWebhook().get(),
                  AlertmanagerPayloads.webhook(cfg.alertmanagerReceiver())));
    }
    return new PipelineOutputs(
        signals, anomalies, slo.statuses(), slo.alerts(), candidates, deadLetters);
  }

  /**
   * Attaches the production sinks: the Kafka output topics (Avro and CloudEvents JSON, exactly-once
   * by default; uids {@code sink-<topic>-avro|json}) and, if {@code reports.dir} is set, the
   * incident reports ({@code sink-reports}).
   */
  public static void attachSinks(PipelineOutputs outputs, PipelineConfig cfg) {
    KafkaOutputs kafka = KafkaOutputs.create(cfg.outputConfig());
    kafka.incidentCandidates(outputs.candidates());
    kafka.anomalies(outputs.anomalies());
    kafka.sloAlerts(outputs.sloAlerts());
    kafka.sloStatuses(outputs.sloStatuses());
    kafka.deadLetters(outputs.deadLetters());
    cfg.reportsDir()
        .ifPresent(dir -> ReportSinks.attach(outputs.candidates(), dir, cfg.redactor()));
  }
}
