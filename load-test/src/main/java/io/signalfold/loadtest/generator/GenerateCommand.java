package io.signalfold.loadtest.generator;

import io.signalfold.loadtest.embedded.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate}: a scenario (or open-ended traffic) as OTLP telemetry and change events to
 * Kafka, an in-process broker, or nowhere ({@code --dry-run}).
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Generate OTLP telemetry and change events from a scenario (or open-ended traffic).")
public final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--scenario", description = "Scenario YAML (default: the built-in scenario).")
  Path scenarioFile;

  @Option(names = "--history", description = "Override the scenario's history (e.g. 1d).")
  String history;

  @Option(names = "--seed", description = "Override the scenario's seed.")
  Long seed;

  @Option(
      names = "--bootstrap",
      description = "Kafka bootstrap servers (default: start an in-process broker).")
  String bootstrap;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of all four topics.")
  String topicPrefix;

  @Option(names = "--metrics-topic", description = "Default: <prefix>otlp_metrics.")
  String metricsTopic;

  @Option(names = "--spans-topic", description = "Default: <prefix>otlp_spans.")
  String spansTopic;

  @Option(names = "--logs-topic", description = "Default: <prefix>otlp_logs.")
  String logsTopic;

  @Option(names = "--changes-topic", description = "Default: <prefix>change-events.")
  String changesTopic;

  @Option(
      names = "--partitions",
      defaultValue = "2",
      description = "Partitions of created topics (in-process broker).")
  int partitions;

  @Option(names = "--dry-run", description = "Generate and count only; nothing is written.")
  boolean dryRun;

  @Option(
      names = "--duration",
      description = "Open-ended traffic mode: run this long in real time (e.g. 10m).")
  String duration;

  @Option(
      names = "--rps",
      defaultValue = "100",
      description = "Open-ended mode: requests/s at the entry service.")
  double rps;

  @Option(
      names = "--error-rate",
      defaultValue = "0.005",
      description = "Open-ended mode: error fraction.")
  double errorRate;

  @Option(
      names = "--service",
      defaultValue = "checkout",
      description = "Open-ended mode: entry service name.")
  String service;

  @Option(
      names = "--producer-property",
      description = "Extra Kafka producer property k=v (repeatable).")
  Map<String, String> producerProperties = new LinkedHashMap<>();

  private final PrintStream err;

  public GenerateCommand() {
    this(System.err);
  }

  GenerateCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    Scenario scenario;
    boolean realTime = duration != null;
    try {
      if (realTime) {
        scenario = openEnded(Instant.now().truncatedTo(ChronoUnit.SECONDS));
      } else {
        scenario = scenarioFile == null ? Scenario.builtInDefault() : Scenario.load(scenarioFile);
        if (history != null) {
          scenario = scenario.withHistory(ScenarioDurations.parse(history));
        }
      }
      if (seed != null) {
        scenario = scenario.withSeed(seed);
      }
    } catch (ScenarioException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    TelemetryGenerator.Topics defaults = TelemetryGenerator.Topics.withPrefix(topicPrefix);
    TelemetryGenerator.Topics topics =
        new TelemetryGenerator.Topics(
            metricsTopic != null ? metricsTopic : defaults.metrics(),
            spansTopic != null ? spansTopic : defaults.spans(),
            logsTopic != null ? logsTopic : defaults.logs(),
            changesTopic != null ? changesTopic : defaults.changes());
    err.println("generate: " + scenario + (dryRun ? " (dry run)" : ""));
    EmbeddedKafkaBroker broker = null;
    TelemetryWriter writer;
    if (dryRun) {
      writer = new CountingTelemetryWriter(false);
    } else {
      String servers = bootstrap;
      if (servers == null) {
        broker = EmbeddedKafkaBroker.start();
        servers = broker.bootstrapServers();
        broker.createTopics(
            partitions, List.of(topics.metrics(), topics.spans(), topics.logs(), topics.changes()));
        err.println("generate: in-process Kafka broker at " + servers);
      }
      Properties extra = new Properties();
      extra.putAll(producerProperties);
      writer = KafkaTelemetryWriter.create(servers, extra);
    }
    long startNanos = System.nanoTime();
    long[] lastReport = {startNanos};
    TelemetryGenerator.Pacer pacer =
        realTime
            ? end -> {
              long wait = end - System.currentTimeMillis();
              if (wait > 0) {
                Thread.sleep(wait);
              }
            }
            : end -> {};
    TelemetryGenerator.Progress progress =
        (end, s) -> {
          long now = System.nanoTime();
          if (now - lastReport[0] > 3_000_000_000L) {
            lastReport[0] = now;
            err.printf(
                Locale.ROOT,
                "progress event_time=%s points=%d spans=%d logs=%d changes=%d bytes=%d%n",
                Instant.ofEpochMilli(end),
                s.points(),
                s.spans(),
                s.logs(),
                s.changes(),
                s.bytes());
          }
        };
    TelemetryGenerator.Stats stats;
    try (TelemetryWriter w = writer) {
      stats = TelemetryGenerator.create(scenario, topics).generate(w, pacer, progress);
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    err.printf(
        Locale.ROOT,
        "generated points=%d spans=%d logs=%d changes=%d bytes=%d seconds=%.1f points_per_s=%d%n",
        stats.points(),
        stats.spans(),
        stats.logs(),
        stats.changes(),
        stats.bytes(),
        seconds,
        Math.round(stats.points() / Math.max(seconds, 1e-9)));
    return 0;
  }

  /** The small built-in topology of the open-ended mode, starting now, with no history. */
  Scenario openEnded(Instant now) {
    Duration d = ScenarioDurations.parse(duration);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", "open-ended");
    doc.put("seed", 1);
    doc.put("start", now.toString());
    doc.put("history", "0s");
    doc.put("history_resolution", "10s");
    doc.put("duration", ScenarioDurations.format(d));
    doc.put("resolution", "10s");
    doc.put("attributes", List.of("customer.id"));
    List<Object> services = new ArrayList<>();
    services.add(
        Map.of(
            "name",
            service,
            "instances",
            2,
            "zone",
            List.of("az-1", "az-2"),
            "version",
            "1.0.0",
            "operations",
            List.of("POST /" + service, "GET /" + service + "/{id}"),
            "rps",
            rps,
            "latency_ms",
            30));
    services.add(
        Map.of(
            "name",
            service + "-backend",
            "instances",
            2,
            "zone",
            List.of("az-1", "az-2"),
            "version",
            "1.0.0",
            "operations",
            List.of("GET /items"),
            "latency_ms",
            15));
    Map<String, Object> topology = new LinkedHashMap<>();
    topology.put("services", services);
    topology.put("dependencies", List.of(Map.of("name", service + "-db", "kind", "postgresql")));
    topology.put(
        "calls",
        List.of(
            Map.of("from", service, "to", service + "-backend", "ratio", 1.0),
            Map.of("from", service + "-backend", "to", service + "-db", "ratio", 1.0)));
    doc.put("topology", topology);
    // flat traffic: real-time load should be what was asked for
    doc.put(
        "traffic",
        Map.of(
            "daily_amplitude", 0.0, "weekend_factor", 1.0, "noise", 0.05, "error_rate", errorRate));
    return Scenario.fromMap("open-ended", doc);
  }
}
