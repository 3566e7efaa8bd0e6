package io.signalfold.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalfold.ingest.IngestSources;
import io.signalfold.job.PipelineConfig;
import io.signalfold.job.PipelineInputs;
import io.signalfold.job.PipelineOutputs;
import io.signalfold.job.SignalfoldJob;
import io.signalfold.job.SignalfoldPipeline;
import io.signalfold.loadtest.embedded.EmbeddedKafkaBroker;
import io.signalfold.loadtest.embedded.ScenarioRun;
import io.signalfold.loadtest.generator.KafkaTelemetryWriter;
import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.generator.TelemetryGenerator;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.RedPoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system on real parts: the in-process KRaft broker, the scenario generator writing OTLP
 * protobuf and change events to it (plus two broken messages), and the production job graph on a
 * Flink MiniCluster (parallelism 2, RocksDB, exactly-once sinks) reading the topics in bounded
 * mode. Asserts what comes out of ingest (RED series, call edges, change events, dead letters), the
 * anomaly feed, and the output topics as a read_committed consumer sees them.
 */
class PipelineEndToEndITCase {

  private static final long MIN = 60_000L;

  private static EmbeddedKafkaBroker broker;
  private static Scenario scenario;
  private static long badSpansOffset;
  private static Map<String, List<JsonNode>> outputs;

  @TempDir static Path tmp;

  @BeforeAll
  static void runPipeline() throws Exception {
    scenario = Scenario.load(Path.of("resources", "e2e-payments-deploy.yaml"));
    broker = EmbeddedKafkaBroker.start();
    String bootstrap = broker.bootstrapServers();
    ScenarioRun.createTopics(broker, 1);

    try (KafkaTelemetryWriter w = KafkaTelemetryWriter.create(bootstrap, new Properties())) {
      TelemetryGenerator.create(scenario).generate(w);
    }
    try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
      long at = scenario.t0().toEpochMilli();
      // A truncated ExportTraceServiceRequest and a change event that is not JSON.
      RecordMetadata bad =
          p.send(new ProducerRecord<>("otlp_spans", null, at, null, new byte[] {0x0a, 0x7f, 0x01}))
              .get();
      badSpansOffset = bad.offset();
      p.send(
              new ProducerRecord<>(
                  "change-events",
                  null,
                  at,
                  null,
                  "deploy payments now!".getBytes(StandardCharsets.UTF_8)))
          .get();
    }

    Map<String, String> conf = new HashMap<>();
    conf.put("kafka.bootstrap.servers", bootstrap);
    conf.put("source.bounded", "true");
    conf.put("job.parallelism", "2");
    conf.put("checkpoint.interval", "1s");
    conf.put("state.backend", "rocksdb");
    conf.put("restart.strategy", "none");
    conf.put("flink.io.tmp.dirs", Files.createDirectories(tmp.resolve("flink")).toString());
    conf.put("reports.dir", tmp.resolve("out").toString());
    PipelineConfig cfg = PipelineConfig.fromMap(conf);
    StreamExecutionEnvironment env = SignalfoldJob.createEnvironment(cfg);
    PipelineOutputs o =
        SignalfoldPipeline.build(
            env,
            PipelineInputs.builder(IngestSources.fromKafka(env, cfg.telemetrySources())).build(),
            cfg);
    SignalfoldPipeline.attachSinks(o, cfg);
    o.signals().redPoints().sinkTo(Collected.into("red")).name("e2e-red");
    o.signals().callEdges().sinkTo(Collected.into("edges")).name("e2e-edges");
    o.signals().changeEvents().sinkTo(Collected.into("changes")).name("e2e-changes");
    o.deadLetters().sinkTo(Collected.into("dead")).name("e2e-dead");
    o.anomalies().sinkTo(Collected.into("anomalies")).name("e2e-anomalies");
    env.execute("e2e");

    outputs = readJsonTopics(bootstrap, ScenarioRun.JSON_OUTPUT_TOPICS);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private long at(Duration sinceT0) {
    return scenario.t0().toEpochMilli() + sinceT0.toMillis();
  }

  private static double[] requestsAndErrors(
      List<RedPoint> red, String service, Predicate<RedPoint> when) {
    double req = 0;
    double err = 0;
    for (RedPoint r : red) {
      if (r.getService().equals(service)
          && r.getOperation().equals("*")
          && r.getResource().getInstance() == null
          && when.test(r)) {
        req += r.getRequests();
        err += r.getErrors();
      }
    }
    return new double[] {req, err};
  }

  @Test
  void redSeriesCarryTheConfiguredTrafficAndTheFault() {
    List<RedPoint> red = Collected.get("red");
    long t0 = scenario.t0().toEpochMilli();
    Predicate<RedPoint> history = r -> r.getIntervalEndMs() <= t0;
    double[] gateway = requestsAndErrors(red, "gateway", history);
    double[] orders = requestsAndErrors(red, "orders", history);
    double[] payments = requestsAndErrors(red, "payments", history);
    double seconds = scenario.history().toSeconds();
    // 40 rps at the daily peak, 20 at the trough (amplitude 0.5); a Monday.
    assertThat(gateway[0] / seconds).isBetween(18.0, 42.0);
    // ratio 1.0 along gateway -> orders -> payments
    assertThat(orders[0] / gateway[0]).isBetween(0.9, 1.1);
    assertThat(payments[0] / orders[0]).isBetween(0.9, 1.1);
    assertThat(payments[1] / payments[0]).isLessThan(0.01);

    long faultFrom = at(Duration.ofMinutes(13));
    long faultTo = at(Duration.ofMinutes(29));
    Predicate<RedPoint> fault =
        r -> r.getIntervalStartMs() >= faultFrom && r.getIntervalEndMs() <= faultTo;
    double[] paymentsFault = requestsAndErrors(red, "payments", fault);
    double[] gatewayFault = requestsAndErrors(red, "gateway", fault);
    assertThat(paymentsFault[1] / paymentsFault[0]).isBetween(0.4, 0.6);
    // the callers inherit the failures
    assertThat(gatewayFault[1] / gatewayFault[0]).isGreaterThan(0.2);
  }

  @Test
  void callEdgesFollowTheTopology() {
    List<CallEdge> edges = Collected.get("edges");
    assertThat(edges)
        .filteredOn(e -> e.getResolution() == EdgeResolution.PARENT_CHILD)
        .extracting(e -> e.getCaller() + "->" + e.getCallee())
        .contains("gateway->orders", "orders->payments");
    assertThat(edges)
        .extracting(e -> e.getCaller() + "->" + e.getCallee())
        .contains("orders->orders-db");
  }

  @Test
  void deployArrivesFromTheTopicAndFromTelemetry() {
    List<ChangeEvent> changes = Collected.get("changes");
    assertThat(changes)
        .filteredOn(
            c ->
                c.getKind() == ChangeKind.DEPLOY
                    && "payments".equals(c.getService())
                    && "1.1.0".equals(c.getVersion()))
        .extracting(ChangeEvent::getDerived)
        .contains(true, false);
    ChangeEvent announced =
        changes.stream()
            .filter(c -> !c.getDerived() && "payments".equals(c.getService()))
            .findFirst()
            .orElseThrow();
    assertThat(announced.getTimestampMs()).isEqualTo(at(Duration.ofMinutes(10)));
  }

  @Test
  void brokenMessagesAreDeadLetteredAndNothingElse() {
    List<DeadLetter> dead = Collected.get("dead");
    assertThat(dead)
        .extracting(d -> d.getSourceTopic() + ":" + d.getReason())
        .containsExactlyInAnyOrder(
            "otlp_spans:" + DeadLetterReason.MALFORMED_PROTOBUF,
            "change-events:" + DeadLetterReason.MALFORMED_JSON);
    DeadLetter spans =
        dead.stream()
            .filter(d -> d.getSourceTopic().equals("otlp_spans"))
            .findFirst()
            .orElseThrow();
    assertThat(spans.getSourceOffset()).isEqualTo(badSpansOffset);
    assertThat(outputs.get("dead-letters.json")).hasSize(2);
  }

  @Test
  void theFaultyServiceIsOnTheAnomalyFeedDuringTheFault() {
    List<Anomaly> anomalies = Collected.get("anomalies");
    long faultStart = at(Duration.ofMinutes(12));
    assertThat(anomalies)
        .filteredOn(a -> "payments".equals(a.getResource().getService()))
        .filteredOn(
            a ->
                a.getTimestampMs() >= faultStart && a.getTimestampMs() < at(Duration.ofMinutes(30)))
        .isNotEmpty();
    // The feed topic carries the same records as CloudEvents.
    assertThat(outputs.get("anomalies.json")).hasSize(anomalies.size());
  }

  /** The latest version of every candidate on the output topic, by id. */
  private static Map<String, JsonNode> latestCandidates() {
    Map<String, JsonNode> latest = new HashMap<>();
    for (JsonNode n : outputs.get("incident-candidates.json")) {
      JsonNode c = n.path("data");
      JsonNode seen = latest.get(c.path("id").asText());
      if (seen == null || c.path("version").asLong() > seen.path("version").asLong()) {
        latest.put(c.path("id").asText(), c);
      }
    }
    return latest;
  }

  /**
   * The scenario's one incident, and nothing else: one candidate, opened within 2 minutes of the
   * fault, with payments, orders and gateway among the affected, resolved after the clear. No
   * candidate from the history or from the resolution switch at T0.
   */
  @Test
  void oneCandidateOpensForTheFaultAndResolves() {
    Map<String, JsonNode> latest = latestCandidates();
    assertThat(latest).as("candidates %s", latest.keySet()).hasSize(1);
    JsonNode c = latest.values().iterator().next();
    List<String> affected = new ArrayList<>();
    c.path("affected").forEach(a -> affected.add(a.path("entity").path("name").asText()));
    assertThat(affected).contains("payments", "orders", "gateway");
    assertThat(c.path("openedAtMs").asLong() - at(Duration.ofMinutes(12))).isBetween(0L, 2 * MIN);
    assertThat(c.path("status").asText()).isEqualTo("RESOLVED");
    assertThat(c.path("resolvedAtMs").asLong()).isGreaterThan(at(Duration.ofMinutes(30)));
  }

  /**
   * What holds in every run so far: during the fault a candidate is open that names payments and
   * its callers as affected, so the on-call engineer is told.
   */
  @Test
  void aCandidateCoversTheFaultAndNamesTheFailingServices() {
    long faultStart = at(Duration.ofMinutes(12));
    boolean covered = false;
    for (JsonNode c : latestCandidates().values()) {
      long opened = c.path("openedAtMs").asLong();
      long resolved =
          c.path("resolvedAtMs").isNumber() ? c.path("resolvedAtMs").asLong() : Long.MAX_VALUE;
      List<String> affected = new ArrayList<>();
      c.path("affected").forEach(a -> affected.add(a.path("entity").path("name").asText()));
      if (opened <= faultStart + 2 * MIN
          && resolved > faultStart + 2 * MIN
          && affected.containsAll(List.of("payments", "orders", "gateway"))) {
        covered = true;
      }
    }
    assertThat(covered).as("candidates %s", latestCandidates().keySet()).isTrue();
  }

  /** The payments 1.1.0 deploy is the leading hypothesis of that candidate. */
  @Test
  void thePaymentsDeployIsRankedFirst() {
    JsonNode c = latestCandidates().values().iterator().next();
    JsonNode top = c.path("hypotheses").path(0);
    List<String> ranked = new ArrayList<>();
    c.path("hypotheses").forEach(h -> ranked.add(h.path("description").asText()));
    c.path("ruledOut")
        .forEach(
            r ->
                ranked.add(
                    "ruled out: " + r.path("what").asText() + ": " + r.path("reason").asText()));
    assertThat(top.path("kind").asText()).as("hypotheses %s", ranked).isEqualTo("DEPLOYMENT");
    assertThat(top.path("entity").path("name").asText()).isEqualTo("payments");
    assertThat(top.path("version").asText()).isEqualTo("1.1.0");
  }

  @Test
  void everyJsonOutputIsACloudEvent() {
    for (Map.Entry<String, List<JsonNode>> e : outputs.entrySet()) {
      for (JsonNode n : e.getValue()) {
        assertThat(n.path("specversion").asText()).as(e.getKey()).isEqualTo("1.0");
        assertThat(n.path("type").asText()).as(e.getKey()).startsWith("io.signalfold.");
        assertThat(n.hasNonNull("data")).as(e.getKey()).isTrue();
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static Map<String, List<JsonNode>> readJsonTopics(String bootstrap, List<String> topics)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, List<JsonNode>> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        parts.add(new TopicPartition(t, 0));
        out.put(t, new ArrayList<>());
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.get(r.topic()).add(json.readTree(r.value()));
        }
      }
    }
    return out;
  }
}
