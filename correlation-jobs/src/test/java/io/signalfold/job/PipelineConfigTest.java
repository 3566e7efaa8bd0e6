package io.signalfold.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalfold.ingest.RedDimension;
import io.signalfold.ingest.TelemetryEncoding;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

  private static final Path EXAMPLE = Path.of("src/main/resources/signalfold-job.properties");

  private static PipelineConfig config(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.bootstrap.servers", "broker:9092");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return PipelineConfig.fromMap(m);
  }

  @Test
  void defaults() {
    PipelineConfig c = config();
    assertThat(c.bootstrapServers()).isEqualTo("broker:9092");
    assertThat(c.bounded()).isFalse();
    assertThat(c.jobName()).isEqualTo("signalfold");
    assertThat(c.parallelism()).isEmpty();
    assertThat(c.externalAlertsTopic()).isEmpty();
    assertThat(c.feedbackTopic()).isEmpty();
    assertThat(c.sloDefinitionsPath()).isEmpty();
    assertThat(c.reportsDir()).isEmpty();
    assertThat(c.slackWebhook()).isEmpty();
    assertThat(c.pagerDutyWebhook()).isEmpty();
    assertThat(c.alertmanagerWebhook()).isEmpty();
    assertThat(c.summarizerConfig().llm()).isEmpty();
    assertThat(c.ingestConfig().interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.ingestConfig().encodingFor("otlp_spans")).isEqualTo(TelemetryEncoding.OTLP_PROTO);
    assertThat(c.ingestConfig().redRollupDimensions()).containsExactly(RedDimension.INSTANCE);
    assertThat(c.ingestConfig().pointAttributeAllowList())
        .isEqualTo(io.signalfold.ingest.IngestConfig.defaults().pointAttributeAllowList());
    assertThat(c.anomalyConfig()).isEqualTo(io.signalfold.anomaly.AnomalyConfig.defaults());
    assertThat(c.sloConfig()).isEqualTo(io.signalfold.slo.SloConfig.defaults());
    assertThat(c.correlationConfig().openDelayMs()).isEqualTo(30_000);
    assertThat(c.outputConfig().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(c.outputConfig().transactionTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.outputConfig().topicName("dead-letters")).isEqualTo("dead-letters");
    Configuration f = c.flinkConfiguration();
    assertThat(f.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(f.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(f.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofMinutes(1));
    assertThat(f.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
    assertThat(f.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(10);
    assertThat(f.get(PipelineOptions.GENERIC_TYPES)).isFalse();
  }

  @Test
  void overridesReachEveryModule() {
    PipelineConfig c =
        config(
            "source.bounded", "true",
            "job.parallelism", "4",
            "input.logs.topic", "my_logs",
            "input.logs.encoding", "otlp_json",
            "input.metrics.topic", "",
            "input.external-alerts.topic", "alerts-in",
            "ingest.interval", "10s",
            "ingest.red-rollup-dimensions", "instance,zone",
            "ingest.max-future-skew", "none",
            "anomaly.max-series-per-service", "50",
            "anomaly.limit.queue.depth", "1000",
            "anomaly.class.my.signal", "leading",
            "slo.status-interval", "30s",
            "slo.definitions", "/etc/slos",
            "correlation.grouping.open-delay", "45s",
            "summarizer.llm.endpoint", "http://localhost:11434",
            "summarizer.llm.model", "llama3",
            "output.delivery-guarantee", "at-least-once",
            "output.topic.anomalies", "feed",
            "state.backend", "hashmap",
            "checkpoint.interval", "5s",
            "restart.strategy", "none",
            "webhook.slack.url", "https://hooks.example/x",
            "webhook.pagerduty.routing-key", "env:PD_KEY",
            "reports.dir", "/tmp/reports");
    assertThat(c.bounded()).isTrue();
    assertThat(c.parallelism()).contains(4);
    assertThat(c.telemetrySources().metricsSource()).isEmpty();
    assertThat(c.telemetrySources().logsSource()).isPresent();
    assertThat(c.ingestConfig().encodingFor("my_logs")).isEqualTo(TelemetryEncoding.OTLP_JSON);
    assertThat(c.ingestConfig().interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.ingestConfig().redRollupDimensions())
        .containsExactlyInAnyOrder(RedDimension.INSTANCE, RedDimension.ZONE);
    assertThat(c.ingestConfig().maxFutureSkew()).isNull();
    assertThat(c.anomalyConfig().maxSeriesPerService()).isEqualTo(50);
    assertThat(c.anomalyConfig().limits()).containsEntry("queue.depth", 1000.0);
    assertThat(c.anomalyConfig().classOverrides())
        .containsEntry("my.signal", io.signalfold.schema.SignalClass.LEADING);
    assertThat(c.sloConfig().statusInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.sloDefinitionsPath()).contains(Path.of("/etc/slos"));
    assertThat(c.correlationConfig().openDelayMs()).isEqualTo(45_000);
    assertThat(c.summarizerConfig().llm()).isPresent();
    assertThat(c.outputConfig().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(c.outputConfig().topicName("anomalies")).isEqualTo("feed");
    assertThat(c.externalAlertsTopic()).contains("alerts-in");
    assertThat(c.slackWebhook()).isPresent();
    assertThat(c.pagerDutyWebhook()).isPresent();
    assertThat(c.pagerDutyRoutingKey()).contains("env:PD_KEY");
    assertThat(c.reportsDir()).contains(Path.of("/tmp/reports"));
    Configuration f = c.flinkConfiguration();
    assertThat(f.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    assertThat(f.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(f.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
  }

  @Test
  void passthroughToKafkaAndFlink() {
    PipelineConfig c =
        config(
            "kafka.consumer.security.protocol", "SASL_SSL",
            "kafka.consumer.sasl.mechanism", "PLAIN",
            "kafka.producer.security.protocol", "SASL_SSL",
            "kafka.producer.compression.type", "zstd",
            "flink.io.tmp.dirs", "/tmp/sf",
            "flink.pipeline.generic-types", "true");
    assertThat(c.consumerProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN");
    assertThat(c.producerProperties()).containsEntry("compression.type", "zstd");
    assertThat(c.outputConfig().producerProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("compression.type", "zstd");
    Configuration f = c.flinkConfiguration();
    assertThat(f.get(CoreOptions.TMP_DIRS)).isEqualTo("/tmp/sf");
    assertThat(f.get(PipelineOptions.GENERIC_TYPES)).isTrue();
  }

  @Test
  void unknownKeysAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> config("kafka.bootstrap.server", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown configuration key 'kafka.bootstrap.server'")
        .hasMessageContaining("did you mean 'kafka.bootstrap.servers'");
    assertThatThrownBy(() -> config("checkpoint.intervall", "5s"))
        .hasMessageContaining("'checkpoint.intervall'");
    assertThatThrownBy(() -> config("ouput.avro", "true")).hasMessageContaining("'ouput.avro'");
    // Delegated prefixes reject their own unknown keys.
    assertThatThrownBy(() -> config("slo.status-intervall", "1m"))
        .hasMessageContaining("slo.status-intervall");
    assertThatThrownBy(() -> config("correlation.grouping.opendelay", "1m"))
        .hasMessageContaining("correlation.grouping.opendelay");
  }

  @Test
  void badValuesNameKeyAndValue() {
    assertThatThrownBy(() -> config("checkpoint.interval", "soon"))
        .hasMessageContaining("checkpoint.interval")
        .hasMessageContaining("'soon'");
    assertThatThrownBy(() -> config("job.parallelism", "0"))
        .hasMessageContaining("job.parallelism")
        .hasMessageContaining("'0'");
    assertThatThrownBy(() -> config("source.bounded", "yes"))
        .hasMessageContaining("source.bounded")
        .hasMessageContaining("'yes'");
    assertThatThrownBy(() -> config("state.backend", "memory"))
        .hasMessageContaining("state.backend")
        .hasMessageContaining("'memory'");
    assertThatThrownBy(() -> config("input.spans.encoding", "protobuf"))
        .hasMessageContaining("input.spans.encoding")
        .hasMessageContaining("'protobuf'");
    assertThatThrownBy(() -> config("output.delivery-guarantee", "twice"))
        .hasMessageContaining("output.delivery-guarantee")
        .hasMessageContaining("'twice'");
    assertThatThrownBy(() -> config("ingest.red-rollup-dimensions", "INSTANCE,PLANET"))
        .hasMessageContaining("ingest.red-rollup-dimensions")
        .hasMessageContaining("'PLANET'");
    assertThatThrownBy(() -> config("anomaly.limit.cpu", "lots"))
        .hasMessageContaining("anomaly.limit.cpu")
        .hasMessageContaining("'lots'");
    assertThatThrownBy(() -> config("output.transaction-timeout", "1h"))
        .hasMessageContaining("output.")
        .hasMessageContaining("15 min");
    assertThatThrownBy(() -> config("slo.status-interval", "often"))
        .hasMessageContaining("slo.status-interval");
    assertThatThrownBy(() -> config("correlation.grouping.max-hops", "many"))
        .hasMessageContaining("correlation.grouping.max-hops")
        .hasMessageContaining("many");
    assertThatThrownBy(() -> config("checkpoint.interval", "0"))
        .hasMessageContaining("checkpoint.interval")
        .hasMessageContaining("exactly-once");
    assertThatThrownBy(() -> config("summarizer.llm.endpoint", "http://x"))
        .hasMessageContaining("summarizer.llm.model");
    assertThatThrownBy(() -> PipelineConfig.fromMap(Map.of()))
        .hasMessageContaining("kafka.bootstrap.servers is required");
  }

  @Test
  void sloDefinitionsLoadFromFileOrFolder(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("frontend.yaml"), SloYaml.frontendAvailability("frontend"));
    assertThat(config("slo.definitions", dir.toString()).loadSloDefinitions())
        .singleElement()
        .satisfies(d -> assertThat(d.service()).isEqualTo("frontend"));
    assertThat(
            config("slo.definitions", dir.resolve("frontend.yaml").toString()).loadSloDefinitions())
        .hasSize(1);
    assertThat(config().loadSloDefinitions()).isEmpty();
    assertThatThrownBy(
            () -> config("slo.definitions", dir.resolve("nope").toString()).loadSloDefinitions())
        .hasMessageContaining("slo.definitions")
        .hasMessageContaining("does not exist");
  }

  @Test
  void commandLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "kafka.bootstrap.servers=a:1\njob.name=from-file\n");
    PipelineConfig c =
        SignalfoldJob.parseArgs(
            new String[] {
              "--config", file.toString(), "--slo", "/slos", "--set", "job.name=override"
            });
    assertThat(c.jobName()).isEqualTo("override");
    assertThat(c.sloDefinitionsPath()).contains(Path.of("/slos"));

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Files.writeString(file, "kafka.bootstrap.servers=a:1\njob.nmae=x\n");
    int status =
        SignalfoldJob.run(
            new String[] {"--config", file.toString()},
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(SignalfoldJob.EXIT_BAD_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("unknown configuration key 'job.nmae'")
        .contains("usage:");
    assertThat(SignalfoldJob.run(new String[] {}, new PrintStream(new ByteArrayOutputStream())))
        .isEqualTo(SignalfoldJob.EXIT_BAD_CONFIG);
    assertThat(
            SignalfoldJob.run(
                new String[] {"--config", file.toString(), "--set", "novalue"},
                new PrintStream(new ByteArrayOutputStream())))
        .isEqualTo(SignalfoldJob.EXIT_BAD_CONFIG);
  }

  @Test
  void exampleFileDocumentsEveryKeyAndParses() throws Exception {
    if (System.getProperty("signalfold.writeExample") != null) {
      Files.writeString(EXAMPLE, ExampleProperties.render());
      Files.writeString(Path.of("target/config-table.md"), ExampleProperties.markdownTable());
    }
    String text = Files.readString(EXAMPLE);
    for (PipelineConfig.Key k : PipelineConfig.documentedKeys()) {
      assertThat(text)
          .as(k.name())
          .containsPattern("(?m)^#? ?" + k.name().replace(".", "\\.") + "=");
    }
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(EXAMPLE)) {
      p.load(r);
    }
    PipelineConfig c = PipelineConfig.fromProperties(p);
    assertThat(c.bootstrapServers()).isNotEmpty();
  }

  @Test
  void documentedDefaultsAreAcceptedAsGiven() {
    Map<String, String> all = new HashMap<>();
    for (PipelineConfig.Key k : PipelineConfig.documentedKeys()) {
      all.put(k.name(), k.defaultValue());
    }
    all.put("kafka.bootstrap.servers", "b:1");
    PipelineConfig explicit = PipelineConfig.fromMap(all);
    PipelineConfig implicit = config();
    assertThat(explicit.ingestConfig().pointAttributeAllowList())
        .isEqualTo(implicit.ingestConfig().pointAttributeAllowList());
    assertThat(explicit.anomalyConfig()).isEqualTo(implicit.anomalyConfig());
    assertThat(explicit.flinkConfiguration().toMap())
        .isEqualTo(implicit.flinkConfiguration().toMap());
    assertThat(List.of(explicit.ingestConfig().interval()))
        .containsExactly(implicit.ingestConfig().interval());
  }

  @Test
  void unboundedStreamsGoIdleAfterTheIdlenessABoundedReplayNever() {
    // Unbounded: a partition-less subtask must not hold event time back for minutes per start.
    assertThat(config().ingestConfig().idleness()).contains(Duration.ofSeconds(30));
    assertThat(config().ingestConfig().firstRecordIdleness()).contains(Duration.ofSeconds(30));
    assertThat(config("ingest.idleness", "5s").ingestConfig().firstRecordIdleness())
        .contains(Duration.ofSeconds(5));
    assertThat(config("ingest.idleness", "off").ingestConfig().idleness()).isEmpty();
    // Bounded: no idleness by default (partition-less subtasks finish; idleness could only make
    // a stream starved of CPU late, and the replay's results differ run to run).
    PipelineConfig bounded = config("source.bounded", "true");
    assertThat(bounded.ingestConfig().idleness()).isEmpty();
    assertThat(bounded.ingestConfig().firstRecordIdleness()).isEmpty();
    // Bounded with an explicit idleness: max(60 s, 10 x idleness) before the first record.
    assertThat(
            config("source.bounded", "true", "ingest.idleness", "30s")
                .ingestConfig()
                .firstRecordIdleness())
        .contains(Duration.ofMinutes(5));
    assertThat(
            config("source.bounded", "true", "ingest.idleness", "2s")
                .ingestConfig()
                .firstRecordIdleness())
        .contains(Duration.ofSeconds(60));
    assertThat(
            config(
                    "source.bounded",
                    "true",
                    "ingest.idleness",
                    "2s",
                    "ingest.first-record-idleness",
                    "7s")
                .ingestConfig()
                .firstRecordIdleness())
        .contains(Duration.ofSeconds(7));
    assertThatThrownBy(() -> config("ingest.first-record-idleness", "0s"))
        .hasMessageContaining("ingest.first-record-idleness");
    assertThatThrownBy(() -> config("ingest.idleness", "0s"))
        .hasMessageContaining("ingest.idleness");
  }
}
