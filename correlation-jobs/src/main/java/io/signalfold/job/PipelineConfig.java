package io.signalfold.job;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.KafkaTelemetrySources;
import io.signalfold.ingest.RedDimension;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.SignalClass;
import io.signalfold.sinks.KafkaOutputConfig;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.webhook.WebhookConfig;
import io.signalfold.slo.OpenSloLoader;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.summarizer.LlmConfig;
import io.signalfold.summarizer.SummarizerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import javax.annotation.Nullable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The whole job's configuration from one flat set of {@code key=value} pairs (a properties file,
 * {@code --set} overrides, or a map in tests).
 *
 * <p>Own keys are listed in {@link #documentedKeys()} with their defaults and meaning; prefixed
 * families are passed on: {@code kafka.consumer.*} / {@code kafka.producer.*} to the Kafka clients,
 * {@code flink.*} to Flink's {@link Configuration}, {@code slo.*} to {@link
 * SloConfig#fromProperties}, {@code correlation.*} to {@link CorrelationConfig#fromMap}, {@code
 * anomaly.limit.<signal prefix>} and {@code anomaly.class.<signal prefix>} to {@link
 * AnomalyConfig}. Everything is validated when the configuration is created: a key that no part
 * knows is an error naming the key (typo protection), a bad value names key and value.
 */
public final class PipelineConfig {

  /** One documented key: its default ({@code ""} = not set) and meaning. */
  public record Key(String name, String defaultValue, String meaning) {}

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  /** Default names of the output topics (sinks' {@code OutputTopics}). */
  private static final List<String> OUTPUT_TOPICS =
      List.of("incident-candidates", "anomalies", "slo-alerts", "slo-status", "dead-letters");

  /** Prefixes of key families that are passed through or delegated, with their meaning. */
  private static final Map<String, String> FAMILIES = new LinkedHashMap<>();

  private static void key(String name, String defaultValue, String meaning) {
    KEYS.put(name, new Key(name, defaultValue, meaning));
  }

  static {
    IngestConfig ing = IngestConfig.defaults();
    AnomalyConfig an = AnomalyConfig.defaults();
    // ---- Kafka ----
    key("kafka.bootstrap.servers", "", "Kafka bootstrap servers (required)");
    key("kafka.group.id", "signalfold", "consumer group of the input sources");
    key(
        "kafka.starting-offsets",
        "committed",
        "committed (committed offsets, else earliest), earliest or latest; a restore from a"
            + " checkpoint or savepoint always continues from the checkpointed offsets");
    key(
        "source.bounded",
        "false",
        "true: read every input topic up to its latest offsets at start, then finish (replays,"
            + " tests)");
    // ---- inputs ----
    key("input.metrics.topic", KafkaTelemetrySources.DEFAULT_METRICS_TOPIC, "OTLP metrics topic");
    key("input.logs.topic", KafkaTelemetrySources.DEFAULT_LOGS_TOPIC, "OTLP logs topic");
    key("input.spans.topic", KafkaTelemetrySources.DEFAULT_SPANS_TOPIC, "OTLP spans topic");
    key(
        "input.changes.topic",
        KafkaTelemetrySources.DEFAULT_CHANGE_EVENTS_TOPIC,
        "change events topic (JSON)");
    key("input.metrics.encoding", "otlp_proto", "otlp_proto or otlp_json");
    key("input.logs.encoding", "otlp_proto", "otlp_proto or otlp_json");
    key("input.spans.encoding", "otlp_proto", "otlp_proto or otlp_json");
    key(
        "input.external-alerts.topic",
        "",
        "topic of external alert webhooks (Alertmanager v4, Grafana); empty: not read");
    key("input.feedback.topic", "", "topic of incident feedback (JSON); empty: not read");
    // ---- job ----
    key("job.name", "signalfold", "Flink job name");
    key("job.parallelism", "", "default parallelism; empty: the cluster's default");
    key("job.max-parallelism", "", "max parallelism (key groups); empty: Flink's default");
    key(
        "job.generic-types",
        "false",
        "allow Kryo for types Flink cannot serialize itself (every signalfold type is Avro or"
            + " POJO, so off)");
    key(
        "checkpoint.interval",
        "60s",
        "checkpoint interval; 0 disables checkpointing (only with output.delivery-guarantee"
            + " none or at-least-once and no need for recovery)");
    key("checkpoint.timeout", "10m", "checkpoint timeout");
    key("checkpoint.min-pause", "0s", "minimum pause between checkpoints");
    key("checkpoint.dir", "", "checkpoint storage URI (e.g. s3://...); empty: cluster default");
    key("state.backend", "rocksdb", "rocksdb or hashmap");
    key("state.backend.incremental", "true", "incremental RocksDB checkpoints");
    key("restart.strategy", "fixed-delay", "fixed-delay, exponential-delay or none");
    key("restart.attempts", "10", "fixed-delay: attempts before the job fails");
    key("restart.delay", "10s", "fixed-delay: delay between attempts; exponential: initial");
    // ---- ingest ----
    key("ingest.interval", dur(ing.interval()), "RED / call edge / log signal interval");
    key("ingest.max-out-of-orderness", dur(ing.maxOutOfOrderness()), "watermark delay");
    key(
        "ingest.idleness",
        dur(ing.idleness().orElseThrow()),
        "idle input no longer holds the watermark; off: never idle (the default with"
            + " source.bounded, where idleness could only make a starved stream's records late)");
    key(
        "ingest.first-record-idleness",
        "",
        "idle time-out of a subtask before its first record; empty: the idleness, or with"
            + " source.bounded and an idleness max(60s, 10 x idleness) so that a slow first fetch"
            + " does not let a finished partition-less subtask push event time to the end");
    key("ingest.allowed-lateness", dur(ing.allowedLateness()), "extra interval lateness");
    key("ingest.cell-attribute", ing.cellAttributeKey(), "resource attribute of the cell id");
    key(
        "ingest.max-series-per-metric-per-service",
        String.valueOf(ing.maxSeriesPerMetricPerService()),
        "metric series cap (beyond: overflow series)");
    key("ingest.series-idle-timeout", dur(ing.seriesIdleTimeout()), "idle series are forgotten");
    key(
        "ingest.red-breakdown-dimensions",
        dims(ing.redBreakdownDimensions()),
        "dimensions of RED operation series (INSTANCE, VERSION, ZONE, CELL, CONTAINER)");
    key(
        "ingest.red-rollup-dimensions",
        dims(ing.redRollupDimensions()),
        "extra service-level RED rollups per value of these dimensions");
    key(
        "ingest.impact-attributes",
        String.join(",", ing.impactAttributes()),
        "span attributes counted (HLL) among failing requests");
    key("ingest.edge-match-window", dur(ing.edgeMatchWindow()), "client/server span match wait");
    key(
        "ingest.max-templates-per-service",
        String.valueOf(ing.maxTemplatesPerService()),
        "log template cap per service");
    key("ingest.template-ttl", dur(ing.templateTtl()), "idle log templates are dropped");
    key("ingest.version-ttl", dur(ing.versionTtl()), "version state of unseen instances dropped");
    key(
        "ingest.max-future-skew",
        ing.maxFutureSkew() == null ? "none" : dur(ing.maxFutureSkew()),
        "event times further ahead of the Kafka timestamp are absurd; none disables");
    key(
        "ingest.dead-letter-payload-max-bytes",
        String.valueOf(ing.deadLetterPayloadMaxBytes()),
        "payload bytes kept in a dead letter");
    key(
        "ingest.point-attributes",
        String.join(",", new java.util.TreeSet<>(ing.pointAttributeAllowList())),
        "metric point attributes kept (entries ending in * are prefixes)");
    key(
        "ingest.resource-attributes",
        String.join(",", new java.util.TreeSet<>(ing.resourceAttributeAllowList())),
        "resource attributes kept in ResourceContext.attributes");
    // ---- anomaly ----
    key(
        "anomaly.max-series-per-service",
        String.valueOf(an.maxSeriesPerService()),
        "series per service that get a model");
    key("anomaly.state-ttl", dur(Duration.ofMillis(an.stateTtlMs())), "silent series forgotten");
    key(
        "anomaly.new-template-warmup",
        dur(Duration.ofMillis(an.newTemplateWarmupMs())),
        "a service's logs must be this old before a new template is news");
    key(
        "anomaly.pattern-records",
        String.valueOf(an.patternRecords()),
        "publish INVESTIGATE pattern records (sequence novelty, deviation from the earlier day or"
            + " week; about 5.7 KB of state per series)");
    key(
        "anomaly.joint-check",
        String.valueOf(an.jointCheckEnabled()),
        "run the multivariate check per entity (service + instance): INVESTIGATE MULTIVARIATE"
            + " records when its metrics break their usual relationship");
    // ---- SLO ----
    key("slo.definitions", "", "OpenSLO YAML file or folder (*.yaml, *.yml); empty: no SLOs");
    // ---- summarizer ----
    key(
        "summarizer.redact-ip-addresses",
        "false",
        "also redact IP addresses from prompts and summaries");
    key(
        "summarizer.llm.endpoint",
        "",
        "OpenAI-compatible endpoint (base URL or chat-completions URL); empty: deterministic"
            + " summaries only");
    key("summarizer.llm.model", "", "model name (required with an endpoint)");
    key("summarizer.llm.api-key-env", "", "environment variable holding the API key");
    key("summarizer.llm.request-timeout", "20s", "per request");
    key("summarizer.llm.max-attempts", "3", "attempts per candidate version");
    key("summarizer.llm.max-concurrent-requests", "4", "beyond: deterministic fallback");
    key("summarizer.llm.temperature", "0.0", "sampling temperature");
    // ---- outputs ----
    key("output.delivery-guarantee", "exactly-once", "exactly-once, at-least-once or none");
    key(
        "output.transactional-id-prefix",
        "signalfold",
        "unique per job writing to the same Kafka cluster");
    key("output.transaction-timeout", "10m", "Kafka transaction timeout, at most 15m");
    key("output.transaction-naming-strategy", "pooling", "pooling or incrementing");
    key("output.avro", "true", "publish Avro (single-object encoding) topics");
    key("output.json", "true", "publish CloudEvents JSON twin topics");
    key("output.json-suffix", ".json", "suffix of the JSON twin topics");
    key("output.cloudevents-source", "/signalfold", "CloudEvents source prefix");
    key("output.redact", "true", "redact secrets from every string field before publishing");
    key(
        "output.redact-ip-addresses",
        "false",
        "also redact IP addresses (outputs, reports, webhooks)");
    for (String t : OUTPUT_TOPICS) {
      key("output.topic." + t, t, "topic name of the '" + t + "' output");
    }
    key("reports.dir", "", "write incident reports (Markdown + HTML) under <dir>/reports");
    // ---- webhooks ----
    key("webhook.slack.url", "", "Slack incoming webhook URL; empty: off");
    key(
        "webhook.pagerduty.routing-key",
        "",
        "PagerDuty Events v2 routing key (literal or env:NAME); empty: off");
    key(
        "webhook.pagerduty.url",
        "https://events.pagerduty.com/v2/enqueue",
        "PagerDuty Events v2 endpoint");
    key("webhook.alertmanager.url", "", "Alertmanager-compatible receiver for SLO alerts");
    key("webhook.alertmanager.receiver", "signalfold", "receiver name in the payload");
    key("webhook.request-timeout", "10s", "per HTTP attempt");
    key("webhook.max-attempts", "4", "attempts per delivery");
    key("webhook.initial-backoff", "1s", "first retry delay");
    key("webhook.max-backoff", "15s", "longest retry delay");
    key("webhook.max-in-flight", "16", "concurrent calls per subtask");

    FAMILIES.put("kafka.consumer.", "Kafka consumer properties, passed through (security, SASL)");
    FAMILIES.put("kafka.producer.", "Kafka producer properties, passed through (security, SASL)");
    FAMILIES.put("flink.", "Flink configuration options, passed through (e.g. flink.io.tmp.dirs)");
    FAMILIES.put("slo.", "slo-engine settings, SloConfig.fromProperties (slo-engine/README.md)");
    FAMILIES.put(
        "correlation.", "correlation settings, CorrelationConfig.fromMap (correlation-jobs)");
    FAMILIES.put("anomaly.limit.", "signal-name prefix -> limit a trend heads to (double)");
    FAMILIES.put("anomaly.class.", "signal-name prefix -> LEADING or LAGGING");
  }

  private final Map<String, String> values;

  private final String bootstrapServers;
  private final boolean bounded;
  private final Properties consumerProperties = new Properties();
  private final Properties producerProperties = new Properties();
  private final Map<String, String> flinkOptions = new TreeMap<>();
  private final KafkaTelemetrySources telemetrySources;
  @Nullable private final String externalAlertsTopic;
  @Nullable private final String feedbackTopic;
  private final IngestConfig ingestConfig;
  private final AnomalyConfig anomalyConfig;
  private final SloConfig sloConfig;
  @Nullable private final Path sloDefinitions;
  private final CorrelationConfig correlationConfig;
  private final SummarizerConfig summarizerConfig;
  private final KafkaOutputConfig outputConfig;
  @Nullable private final Path reportsDir;
  @Nullable private final WebhookConfig slack;
  @Nullable private final WebhookConfig pagerDuty;
  @Nullable private final String pagerDutyRoutingKey;
  @Nullable private final WebhookConfig alertmanager;
  private final String alertmanagerReceiver;
  private final Configuration flinkConfiguration;
  @Nullable private final Integer parallelism;
  @Nullable private final Integer maxParallelism;
  private final String jobName;

  private PipelineConfig(Map<String, String> given) {
    Map<String, String> v = new TreeMap<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      String k = e.getKey().trim();
      v.put(k, e.getValue() == null ? "" : e.getValue().trim());
    }
    checkKnown(v.keySet());
    this.values = Collections.unmodifiableMap(v);

    this.bootstrapServers = get("kafka.bootstrap.servers");
    if (bootstrapServers.isEmpty()) {
      throw new IllegalArgumentException("kafka.bootstrap.servers is required");
    }
    this.bounded = bool("source.bounded");
    for (Map.Entry<String, String> e : v.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("kafka.consumer.")) {
        consumerProperties.setProperty(k.substring("kafka.consumer.".length()), e.getValue());
      } else if (k.startsWith("kafka.producer.")) {
        producerProperties.setProperty(k.substring("kafka.producer.".length()), e.getValue());
      } else if (k.startsWith("flink.")) {
        flinkOptions.put(k.substring("flink.".length()), e.getValue());
      }
    }
    this.jobName = get("job.name");
    this.parallelism = optionalInt("job.parallelism", 1);
    this.maxParallelism = optionalInt("job.max-parallelism", 1);

    // ---- inputs ----
    String metricsTopic = optional("input.metrics.topic");
    String logsTopic = optional("input.logs.topic");
    String spansTopic = optional("input.spans.topic");
    String changesTopic = optional("input.changes.topic");
    if (metricsTopic == null && logsTopic == null && spansTopic == null && changesTopic == null) {
      throw new IllegalArgumentException(
          "input.metrics.topic, input.logs.topic, input.spans.topic, input.changes.topic: at"
              + " least one input topic is needed");
    }
    this.externalAlertsTopic = optional("input.external-alerts.topic");
    this.feedbackTopic = optional("input.feedback.topic");
    this.telemetrySources =
        KafkaTelemetrySources.builder(bootstrapServers)
            .metricsTopic(metricsTopic)
            .logsTopic(logsTopic)
            .spansTopic(spansTopic)
            .changeEventsTopic(changesTopic)
            .groupId(nonEmpty("kafka.group.id"))
            .consumerProperties(consumerProperties)
            .startingOffsets(startingOffsets())
            .bounded(bounded)
            .build();

    // ---- ingest ----
    IngestConfig.Builder ib =
        IngestConfig.builder()
            .interval(positiveDuration("ingest.interval"))
            .maxOutOfOrderness(duration("ingest.max-out-of-orderness"))
            .firstRecordIdleness(firstRecordIdleness())
            .allowedLateness(duration("ingest.allowed-lateness"))
            .cellAttributeKey(nonEmpty("ingest.cell-attribute"))
            .maxSeriesPerMetricPerService(intValue("ingest.max-series-per-metric-per-service", 1))
            .seriesIdleTimeout(positiveDuration("ingest.series-idle-timeout"))
            .redBreakdownDimensions(dimensions("ingest.red-breakdown-dimensions"))
            .redRollupDimensions(dimensions("ingest.red-rollup-dimensions"))
            .impactAttributes(list("ingest.impact-attributes"))
            .edgeMatchWindow(positiveDuration("ingest.edge-match-window"))
            .maxTemplatesPerService(intValue("ingest.max-templates-per-service", 1))
            .templateTtl(positiveDuration("ingest.template-ttl"))
            .versionTtl(positiveDuration("ingest.version-ttl"))
            .maxFutureSkew(
                get("ingest.max-future-skew").equalsIgnoreCase("none")
                    ? null
                    : positiveDuration("ingest.max-future-skew"))
            .deadLetterPayloadMaxBytes(intValue("ingest.dead-letter-payload-max-bytes", 0))
            .pointAttributeAllowList(new LinkedHashSet<>(list("ingest.point-attributes")))
            .resourceAttributeAllowList(new LinkedHashSet<>(list("ingest.resource-attributes")));
    Duration idle = idleness();
    if (idle == null) {
      ib.noIdleness();
    } else {
      ib.idleness(idle);
    }
    encoding(ib, metricsTopic, "input.metrics.encoding");
    encoding(ib, logsTopic, "input.logs.encoding");
    encoding(ib, spansTopic, "input.spans.encoding");
    this.ingestConfig = wrap("ingest.*", ib::build);

    // ---- anomaly ----
    AnomalyConfig a =
        AnomalyConfig.defaults()
            .withMaxSeriesPerService(intValue("anomaly.max-series-per-service", 1))
            .withStateTtlMs(positiveDuration("anomaly.state-ttl").toMillis())
            .withNewTemplateWarmupMs(duration("anomaly.new-template-warmup").toMillis())
            .withPatternRecords(bool("anomaly.pattern-records"))
            .withJointCheckEnabled(bool("anomaly.joint-check"));
    for (Map.Entry<String, String> e : v.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("anomaly.limit.")) {
        String prefix = k.substring("anomaly.limit.".length());
        a = a.withLimit(prefix, parse(k, e.getValue(), Double::parseDouble, "a number"));
      } else if (k.startsWith("anomaly.class.")) {
        String prefix = k.substring("anomaly.class.".length());
        a =
            a.withClassOverride(
                prefix,
                parse(
                    k,
                    e.getValue(),
                    s -> SignalClass.valueOf(s.toUpperCase(Locale.ROOT)),
                    "LEADING or LAGGING"));
      }
    }
    this.anomalyConfig = a;

    // ---- SLO ----
    Map<String, String> sloKeys = new TreeMap<>();
    for (Map.Entry<String, String> e : v.entrySet()) {
      if (e.getKey().startsWith("slo.") && !e.getKey().equals("slo.definitions")) {
        sloKeys.put(e.getKey(), e.getValue());
      }
    }
    this.sloConfig = SloConfig.fromProperties(sloKeys);
    String slos = optional("slo.definitions");
    this.sloDefinitions = slos == null ? null : Path.of(slos);

    // ---- correlation ----
    Map<String, String> corr = new TreeMap<>();
    for (Map.Entry<String, String> e : v.entrySet()) {
      if (e.getKey().startsWith(CorrelationConfig.PREFIX)) {
        corr.put(e.getKey(), e.getValue());
      }
    }
    // Dead letters of the JSON inputs name the topics they came from.
    if (externalAlertsTopic != null) {
      corr.putIfAbsent("correlation.inputs.external-alerts-topic", externalAlertsTopic);
    }
    if (feedbackTopic != null) {
      corr.putIfAbsent("correlation.inputs.feedback-topic", feedbackTopic);
    }
    this.correlationConfig = CorrelationConfig.fromMap(corr);

    // ---- summarizer ----
    SummarizerConfig sc =
        SummarizerConfig.defaults().withRedactIpAddresses(bool("summarizer.redact-ip-addresses"));
    String endpoint = optional("summarizer.llm.endpoint");
    if (endpoint != null) {
      String model = optional("summarizer.llm.model");
      if (model == null) {
        throw new IllegalArgumentException(
            "summarizer.llm.model is required when summarizer.llm.endpoint is set");
      }
      LlmConfig.Builder lb =
          parse(
                  "summarizer.llm.endpoint",
                  endpoint,
                  s -> LlmConfig.builder(s, model),
                  "an http(s) URL")
              .requestTimeout(positiveDuration("summarizer.llm.request-timeout"))
              .maxAttempts(intValue("summarizer.llm.max-attempts", 1))
              .maxConcurrentRequests(intValue("summarizer.llm.max-concurrent-requests", 1))
              .temperature(doubleValue("summarizer.llm.temperature"));
      String keyEnv = optional("summarizer.llm.api-key-env");
      if (keyEnv != null) {
        lb.apiKeyEnv(keyEnv);
      }
      sc = sc.withLlm(wrap("summarizer.llm.*", lb::build));
    }
    this.summarizerConfig = sc;

    // ---- outputs ----
    KafkaOutputConfig.Builder ob =
        KafkaOutputConfig.builder(bootstrapServers)
            .deliveryGuarantee(
                parse(
                    "output.delivery-guarantee",
                    get("output.delivery-guarantee"),
                    s -> DeliveryGuarantee.valueOf(enumName(s)),
                    "exactly-once, at-least-once or none"))
            .transactionalIdPrefix(nonEmpty("output.transactional-id-prefix"))
            .transactionTimeout(positiveDuration("output.transaction-timeout"))
            .transactionNamingStrategy(
                parse(
                    "output.transaction-naming-strategy",
                    get("output.transaction-naming-strategy"),
                    s -> TransactionNamingStrategy.valueOf(enumName(s)),
                    "pooling or incrementing"))
            .avro(bool("output.avro"))
            .json(bool("output.json"))
            .jsonSuffix(nonEmpty("output.json-suffix"))
            .cloudEventsSource(nonEmpty("output.cloudevents-source"))
            .redact(bool("output.redact"))
            .redactIpAddresses(bool("output.redact-ip-addresses"));
    for (String t : OUTPUT_TOPICS) {
      ob.topicName(t, nonEmpty("output.topic." + t));
    }
    for (String name : producerProperties.stringPropertyNames()) {
      ob.producerProperty(name, producerProperties.getProperty(name));
    }
    this.outputConfig = wrap("output.*", ob::build);
    String reports = optional("reports.dir");
    this.reportsDir = reports == null ? null : Path.of(reports);

    // ---- webhooks ----
    this.slack = webhook("slack", "webhook.slack.url");
    this.pagerDutyRoutingKey = optional("webhook.pagerduty.routing-key");
    this.pagerDuty =
        pagerDutyRoutingKey == null ? null : webhook("pagerduty", "webhook.pagerduty.url");
    this.alertmanager = webhook("alertmanager", "webhook.alertmanager.url");
    this.alertmanagerReceiver = nonEmpty("webhook.alertmanager.receiver");

    // ---- Flink ----
    this.flinkConfiguration = buildFlinkConfiguration();
  }

  // ---------------------------------------------------------------- factories

  /** Reads {@code values} over the documented defaults; validates everything. */
  public static PipelineConfig fromMap(Map<String, String> values) {
    return new PipelineConfig(values);
  }

  /** Reads a {@link Properties} object over the documented defaults. */
  public static PipelineConfig fromProperties(Properties properties) {
    Map<String, String> m = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      m.put(name, properties.getProperty(name));
    }
    return fromMap(m);
  }

  /** Reads a properties file (UTF-8), then applies {@code overrides} on top. */
  public static PipelineConfig load(Path file, Map<String, String> overrides) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> m = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      m.put(name, p.getProperty(name));
    }
    m.putAll(overrides);
    return fromMap(m);
  }

  /** A copy with {@code overrides} applied on top of this configuration's given values. */
  public PipelineConfig with(Map<String, String> overrides) {
    Map<String, String> m = new TreeMap<>(values);
    m.putAll(overrides);
    return fromMap(m);
  }

  /** Every own key with its default and meaning, in documentation order. */
  public static List<Key> documentedKeys() {
    return List.copyOf(KEYS.values());
  }

  /** Prefixes of passed-through or delegated key families, with their meaning. */
  public static Map<String, String> keyFamilies() {
    return Collections.unmodifiableMap(FAMILIES);
  }

  // ---------------------------------------------------------------- accessors

  /** The values as given (defaults not included), sorted by key. */
  public Map<String, String> values() {
    return values;
  }

  /** The effective value of an own key (given, else its default). */
  public String get(String key) {
    Key k = KEYS.get(key);
    if (k == null) {
      throw new IllegalArgumentException("not a documented key: " + key);
    }
    return values.getOrDefault(key, k.defaultValue());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public boolean bounded() {
    return bounded;
  }

  public String jobName() {
    return jobName;
  }

  public Optional<Integer> parallelism() {
    return Optional.ofNullable(parallelism);
  }

  public Optional<Integer> maxParallelism() {
    return Optional.ofNullable(maxParallelism);
  }

  /** Kafka consumer properties from {@code kafka.consumer.*}. */
  public Properties consumerProperties() {
    Properties p = new Properties();
    p.putAll(consumerProperties);
    return p;
  }

  /** Kafka producer properties from {@code kafka.producer.*}. */
  public Properties producerProperties() {
    Properties p = new Properties();
    p.putAll(producerProperties);
    return p;
  }

  /** The Kafka sources of the telemetry topics (group, offsets, bounded, consumer properties). */
  public KafkaTelemetrySources telemetrySources() {
    return telemetrySources;
  }

  public Optional<String> externalAlertsTopic() {
    return Optional.ofNullable(externalAlertsTopic);
  }

  public Optional<String> feedbackTopic() {
    return Optional.ofNullable(feedbackTopic);
  }

  public IngestConfig ingestConfig() {
    return ingestConfig;
  }

  public AnomalyConfig anomalyConfig() {
    return anomalyConfig;
  }

  public SloConfig sloConfig() {
    return sloConfig;
  }

  /** The OpenSLO file or folder of {@code slo.definitions}, if set. */
  public Optional<Path> sloDefinitionsPath() {
    return Optional.ofNullable(sloDefinitions);
  }

  /**
   * Loads the SLO definitions of {@code slo.definitions} (a file, or every {@code .yaml}/{@code
   * .yml} file of a folder); empty when the key is not set.
   *
   * @throws IOException when the path cannot be read
   * @throws IllegalArgumentException when a definition is invalid (naming the key and the path)
   */
  public List<SloDefinition> loadSloDefinitions() throws IOException {
    if (sloDefinitions == null) {
      return List.of();
    }
    if (!Files.exists(sloDefinitions)) {
      throw new IllegalArgumentException(
          "slo.definitions: '" + sloDefinitions + "' does not exist");
    }
    OpenSloLoader loader = OpenSloLoader.create().withBasePolicy(sloConfig.defaultPolicy());
    try {
      return Files.isDirectory(sloDefinitions)
          ? loader.loadDirectory(sloDefinitions)
          : loader.load(sloDefinitions);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "slo.definitions: '" + sloDefinitions + "': " + e.getMessage(), e);
    }
  }

  public CorrelationConfig correlationConfig() {
    return correlationConfig;
  }

  public SummarizerConfig summarizerConfig() {
    return summarizerConfig;
  }

  public KafkaOutputConfig outputConfig() {
    return outputConfig;
  }

  /** The redactor of reports and webhooks ({@code output.redact-ip-addresses}). */
  public Redactor redactor() {
    return Redactor.create(outputConfig.redactIpAddresses());
  }

  public Optional<Path> reportsDir() {
    return Optional.ofNullable(reportsDir);
  }

  public Optional<WebhookConfig> slackWebhook() {
    return Optional.ofNullable(slack);
  }

  public Optional<WebhookConfig> pagerDutyWebhook() {
    return Optional.ofNullable(pagerDuty);
  }

  /** The PagerDuty routing key as configured (literal or {@code env:NAME}). */
  public Optional<String> pagerDutyRoutingKey() {
    return Optional.ofNullable(pagerDutyRoutingKey);
  }

  public Optional<WebhookConfig> alertmanagerWebhook() {
    return Optional.ofNullable(alertmanager);
  }

  public String alertmanagerReceiver() {
    return alertmanagerReceiver;
  }

  /**
   * The Flink configuration of the job: state backend, checkpointing, restart strategy, generic
   * types, then every {@code flink.*} option (which wins).
   */
  public Configuration flinkConfiguration() {
    return new Configuration(flinkConfiguration);
  }

  // ---------------------------------------------------------------- internals

  /** RocksDBOptions.TIMER_SERVICE_FACTORY by name: RocksDB is the cluster's, not a compile need. */
  private static final ConfigOption<String> ROCKSDB_TIMER_SERVICE =
      ConfigOptions.key("state.backend.rocksdb.timer-service.factory")
          .stringType()
          .noDefaultValue();

  private Configuration buildFlinkConfiguration() {
    Configuration c = new Configuration();
    String backend = get("state.backend").toLowerCase(Locale.ROOT);
    if (!backend.equals("rocksdb") && !backend.equals("hashmap")) {
      throw bad("state.backend", get("state.backend"), "rocksdb or hashmap");
    }
    c.set(StateBackendOptions.STATE_BACKEND, backend);
    c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, bool("state.backend.incremental"));
    Duration interval = duration("checkpoint.interval");
    if (!interval.isZero()) {
      c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
      c.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, positiveDuration("checkpoint.timeout"));
      c.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, duration("checkpoint.min-pause"));
    } else if (outputConfig.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
      throw new IllegalArgumentException(
          "checkpoint.interval: '0' is not allowed with output.delivery-guarantee=exactly-once"
              + " (transactions commit on checkpoints)");
    }
    String dir = optional("checkpoint.dir");
    if (dir != null) {
      c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
    }
    String restart = get("restart.strategy").toLowerCase(Locale.ROOT);
    switch (restart) {
      case "none" -> c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      case "fixed-delay" -> {
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(
            RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
            intValue("restart.attempts", 0));
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, duration("restart.delay"));
      }
      case "exponential-delay" -> {
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        c.set(
            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
            positiveDuration("restart.delay"));
      }
      default -> throw bad("restart.strategy", restart, "fixed-delay, exponential-delay or none");
    }
    c.set(PipelineOptions.GENERIC_TYPES, bool("job.generic-types"));
    c.set(PipelineOptions.NAME, jobName);
    // Timers (one per window and key, plus the state cleanup timers) on the heap instead of in
    // RocksDB: registering a window timer per element was about 10% of the RED windows' CPU.
    // Heap timers are part of checkpoints and savepoints; flink.state.backend.rocksdb.timer-
    // service.factory=ROCKSDB moves them back when their number outgrows the heap.
    c.set(ROCKSDB_TIMER_SERVICE, "HEAP");
    // Chained operators hand records over without a deep copy (about 8% of the job's CPU). Safe
    // here: the functions build new records for what they emit, the only one that changes its
    // input (cumulative to delta) sits after a keyBy, whose input is always a fresh object (Flink's
    // network input does not reuse), and the sinks redact a copy. The suite's golden digest is
    // byte-identical either way; flink.pipeline.object-reuse=false turns it off.
    c.set(PipelineOptions.OBJECT_REUSE, true);
    c.addAll(Configuration.fromMap(flinkOptions));
    return c;
  }

  @Nullable
  private WebhookConfig webhook(String name, String urlKey) {
    String url = optional(urlKey);
    if (url == null) {
      return null;
    }
    WebhookConfig.Builder b = parse(urlKey, url, u -> WebhookConfig.builder(name, u), "a URL");
    b.requestTimeout(positiveDuration("webhook.request-timeout"))
        .maxAttempts(intValue("webhook.max-attempts", 1))
        .initialBackoff(duration("webhook.initial-backoff"))
        .maxBackoff(duration("webhook.max-backoff"))
        .maxInFlight(intValue("webhook.max-in-flight", 1));
    return wrap("webhook.*", b::build);
  }

  private void encoding(IngestConfig.Builder b, @Nullable String topic, String key) {
    TelemetryEncoding enc =
        parse(key, get(key), TelemetryEncoding::fromConfigName, "otlp_proto or otlp_json");
    if (topic != null) {
      b.topicEncoding(topic, enc);
    }
  }

  @SuppressWarnings("deprecation") // the connector offers no replacement for OffsetResetStrategy
  private OffsetsInitializer startingOffsets() {
    String v = get("kafka.starting-offsets").toLowerCase(Locale.ROOT);
    return switch (v) {
      case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case "earliest" -> OffsetsInitializer.earliest();
      case "latest" -> OffsetsInitializer.latest();
      default -> throw bad("kafka.starting-offsets", v, "committed, earliest or latest");
    };
  }

  private static void checkKnown(Set<String> keys) {
    List<String> unknown = new ArrayList<>();
    for (String k : keys) {
      if (KEYS.containsKey(k)) {
        continue;
      }
      boolean family = false;
      for (String prefix : FAMILIES.keySet()) {
        if (k.startsWith(prefix) && k.length() > prefix.length()) {
          family = true;
          break;
        }
      }
      if (!family) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (String k : unknown) {
        if (sb.length() > 0) {
          sb.append("; ");
        }
        sb.append("unknown configuration key '").append(k).append('\'');
        String near = nearest(k);
        if (near != null) {
          sb.append(" (did you mean '").append(near).append("'?)");
        }
      }
      throw new IllegalArgumentException(sb.toString());
    }
  }

  @Nullable
  private static String nearest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : KEYS.keySet()) {
      int d = editDistance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= 3 ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  @Nullable
  private String optional(String key) {
    String v = get(key);
    return v.isEmpty() ? null : v;
  }

  private String nonEmpty(String key) {
    String v = get(key);
    if (v.isEmpty()) {
      throw bad(key, v, "a non-empty value");
    }
    return v;
  }

  private boolean bool(String key) {
    String v = get(key).toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw bad(key, get(key), "true or false");
  }

  private int intValue(String key, int min) {
    int n = parse(key, get(key), Integer::parseInt, "an integer");
    if (n < min) {
      throw bad(key, get(key), "an integer >= " + min);
    }
    return n;
  }

  /** The ingest idleness; null: never idle (the default of a bounded replay). */
  @Nullable
  private Duration idleness() {
    String v = get("ingest.idleness");
    if ("off".equalsIgnoreCase(v) || (bounded && !values.containsKey("ingest.idleness"))) {
      return null;
    }
    return positiveDuration("ingest.idleness");
  }

  @Nullable
  private Duration firstRecordIdleness() {
    if (!get("ingest.first-record-idleness").isEmpty()) {
      return positiveDuration("ingest.first-record-idleness");
    }
    Duration idle = idleness();
    if (idle == null || !bounded) {
      return idle;
    }
    Duration tenTimes = idle.multipliedBy(10);
    Duration minute = Duration.ofSeconds(60);
    return tenTimes.compareTo(minute) > 0 ? tenTimes : minute;
  }

  @Nullable
  private Integer optionalInt(String key, int min) {
    return get(key).isEmpty() ? null : intValue(key, min);
  }

  private double doubleValue(String key) {
    double d = parse(key, get(key), Double::parseDouble, "a number");
    if (!Double.isFinite(d)) {
      throw bad(key, get(key), "a finite number");
    }
    return d;
  }

  private Duration duration(String key) {
    return parse(
        key,
        get(key),
        s -> Duration.ofMillis(CorrelationConfig.parseDurationMs(s)),
        "a duration such as 250ms, 30s, 5m, 2h, 7d or ISO-8601");
  }

  private Duration positiveDuration(String key) {
    Duration d = duration(key);
    if (d.isZero()) {
      throw bad(key, get(key), "a positive duration");
    }
    return d;
  }

  private List<String> list(String key) {
    List<String> out = new ArrayList<>();
    for (String s : get(key).split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private Set<RedDimension> dimensions(String key) {
    Set<RedDimension> out = EnumSet.noneOf(RedDimension.class);
    for (String s : list(key)) {
      out.add(
          parse(
              key,
              s,
              x -> RedDimension.valueOf(x.toUpperCase(Locale.ROOT)),
              "a list of INSTANCE, VERSION, ZONE, CELL, CONTAINER"));
    }
    return out;
  }

  private static String enumName(String s) {
    return s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
  }

  private static <T> T parse(String key, String value, Function<String, T> f, String expected) {
    try {
      return f.apply(value);
    } catch (RuntimeException e) {
      throw bad(key, value, expected);
    }
  }

  private static <T> T wrap(String keys, java.util.function.Supplier<T> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(keys + ": " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException bad(String key, String value, String expected) {
    return new IllegalArgumentException(
        "bad value for " + key + ": '" + value + "' (expected " + expected + ")");
  }

  private static String dur(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }

  private static String dims(Set<RedDimension> d) {
    List<String> names = new ArrayList<>();
    for (RedDimension r : d) {
      names.add(r.name());
    }
    return String.join(",", names);
  }
}
