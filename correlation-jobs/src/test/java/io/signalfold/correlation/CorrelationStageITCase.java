package io.signalfold.correlation;

import static io.signalfold.correlation.Telemetry.min;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.CandidateStatus;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.RootCauseKind;
import io.signalfold.schema.SignalSource;
import io.signalfold.schema.SloBurnAlert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole correlation stage on a Flink MiniCluster (parallelism 2, RocksDB state, checkpoints, no
 * Kryo): synthetic streams of a bad-deploy cascade plus an unrelated Alertmanager alert, a
 * malformed alert payload, feedback for an unknown candidate and a new dependency edge.
 */
class CorrelationStageITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @Test
  void stageGroupsRanksAndResolvesOnAMiniCluster() throws Exception {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, java.time.Duration.ofMillis(500));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);

    Telemetry t = SyntheticIncidents.deployCascade(11, min(-65), min(100));
    // The bad deploy also starts calling a new cache: a NEW_DEPENDENCY on the anomaly feed.
    Telemetry extra = new Telemetry(5);
    extra.services.putAll(t.services);
    extra.callDependency("botforge", "forge-cache", DependencyKind.CACHE, "redis");
    extra.background(min(31), min(60), List.of());
    for (Telemetry.Timed r : extra.records) {
      if (r.value() instanceof CallEdge) {
        t.records.add(r);
      }
    }
    Map<Class<?>, List<Object>> byType = new LinkedHashMap<>();
    for (Telemetry.Timed r : t.sorted()) {
      byType.computeIfAbsent(r.value().getClass(), k -> new ArrayList<>()).add(r.value());
    }
    String alert =
        "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"BillingDown\","
            + "\"severity\":\"critical\",\"service\":\"billing\"},\"startsAt\":\"2026-03-02T01:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
            + "\"fingerprint\":\"b111\"}]}";
    String alertResolved =
        alert
            .replace("\"status\":\"firing\"", "\"status\":\"resolved\"")
            .replace("0001-01-01T00:00:00Z", "2026-03-02T01:10:00Z");

    CorrelationInputs inputs =
        CorrelationInputs.builder()
            .anomalies(env.fromData(list(byType, Anomaly.class), new AvroTypeInfo<>(Anomaly.class)))
            .sloAlerts(
                env.fromData(
                    list(byType, SloBurnAlert.class), new AvroTypeInfo<>(SloBurnAlert.class)))
            .callEdges(
                env.fromData(list(byType, CallEdge.class), new AvroTypeInfo<>(CallEdge.class)))
            .changeEvents(
                env.fromData(
                    list(byType, ChangeEvent.class), new AvroTypeInfo<>(ChangeEvent.class)))
            .redPoints(
                env.fromData(list(byType, RedPoint.class), new AvroTypeInfo<>(RedPoint.class)))
            .externalAlertJson(
                env.fromData(
                    List.of(
                        JsonMessage.of(alert),
                        JsonMessage.of("{\"alerts\": [oops", "alerts", 2, 41L),
                        JsonMessage.of(null, "alerts", 2, 42L),
                        JsonMessage.of(alertResolved))))
            .feedbackJson(
                env.fromData(
                    List.of(
                        JsonMessage.of(
                            "{\"candidate_id\":\"inc-nope\",\"note\":\"hello\",\"time\":0}"))))
            .build();
    CorrelationConfig config =
        SyntheticIncidents.config().toBuilder().reassignTimestamps(true).build();
    CorrelationOutputs out = CorrelationStage.buildAll(inputs, config);
    CloseableIterator<IncidentCandidate> candidates = out.candidates().collectAsync();
    CloseableIterator<Anomaly> topology = out.topologyAnomalies().collectAsync();
    CloseableIterator<DeadLetter> dead = out.deadLetters().collectAsync();
    env.execute("correlation-itcase");

    List<IncidentCandidate> all = drain(candidates);
    Map<String, IncidentCandidate> latest = new LinkedHashMap<>();
    for (IncidentCandidate c : all) {
      latest.put(c.getId(), c);
    }
    assertThat(latest)
        .as("%s", latest.values().stream().map(CandidateAssert::describe).toList())
        .hasSize(2);
    IncidentCandidate deploy =
        latest.values().stream().filter(c -> c.getSignalIds().size() > 1).findFirst().orElseThrow();
    CandidateAssert.assertThatCandidate(deploy)
        .hasTopHypothesis(RootCauseKind.DEPLOYMENT, "botforge")
        .hasSymptoms("bot-service", "gateway")
        .hasStatus(CandidateStatus.RESOLVED);
    assertThat(deploy.getImpact().getDistinctCounts()).containsKey("robot.id");
    assertThat(deploy.getImpact().getOperations())
        .anyMatch(o -> o.getService().equals("gateway") && o.getFailureRate() > 0.05);
    assertThat(deploy.getDataGaps()).noneMatch(g -> g.startsWith("no traces from"));
    IncidentCandidate billing =
        latest.values().stream()
            .filter(c -> c.getSignalIds().equals(List.of("b111@" + min(60))))
            .findFirst()
            .orElseThrow();
    assertThat(billing.getStatus()).isEqualTo(CandidateStatus.RESOLVED);

    List<Anomaly> topo = drain(topology);
    assertThat(topo)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getKind()).isEqualTo(AnomalyKind.NEW_DEPENDENCY);
              assertThat(a.getSource()).isEqualTo(SignalSource.TOPOLOGY);
            });
    List<DeadLetter> deadLetters = drain(dead);
    assertThat(deadLetters)
        .extracting(DeadLetter::getReason)
        .contains(DeadLetterReason.MALFORMED_JSON, DeadLetterReason.OTHER);
    assertThat(deadLetters)
        .anyMatch(
            d -> d.getStage().equals("correlation.feedback") && d.getDetail().contains("inc-nope"));
    // Messages from Kafka are dead-lettered with their position; a tombstone is not dropped.
    assertThat(deadLetters)
        .anyMatch(
            d ->
                d.getReason() == DeadLetterReason.MALFORMED_JSON
                    && d.getSourceTopic().equals("alerts")
                    && d.getSourcePartition() == 2
                    && d.getSourceOffset() == 41L);
    assertThat(deadLetters)
        .anyMatch(
            d ->
                d.getReason() == DeadLetterReason.MISSING_FIELD
                    && d.getSourceOffset() == 42L
                    && d.getDetail().contains("tombstone"));
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Map<Class<?>, List<Object>> byType, Class<T> type) {
    return (List<T>) (List<?>) byType.getOrDefault(type, List.of());
  }

  private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
    List<T> out = new ArrayList<>();
    try (it) {
      while (it.hasNext()) {
        out.add(it.next());
      }
    }
    return out;
  }
}
