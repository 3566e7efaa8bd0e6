package io.signalfold.loadtest.bench;

import io.signalfold.ingest.IngestOutputs;
import io.signalfold.ingest.IngestSources;
import io.signalfold.ingest.IngestStage;
import io.signalfold.job.PipelineConfig;
import io.signalfold.job.SignalfoldJob;
import io.signalfold.job.SignalfoldPipeline;
import io.signalfold.loadtest.embedded.EmbeddedKafkaBroker;
import io.signalfold.loadtest.embedded.ScenarioRun;
import io.signalfold.loadtest.generator.KafkaTelemetryWriter;
import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.generator.ScenarioDurations;
import io.signalfold.loadtest.generator.TelemetryGenerator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * End-to-end throughput of signalfold on this machine: the generator writes a scenario to the
 * in-process Kafka broker once (its own throughput is measured), then the same Kafka records are
 * read, in bounded mode, by
 *
 * <ul>
 *   <li>{@code ingest}: the ingest stage only ({@link IngestStage} over the Kafka sources), every
 *       normalized signal stream into a discarding sink, and
 *   <li>{@code full}: the production job graph ({@link SignalfoldPipeline#build} + {@link
 *       SignalfoldPipeline#attachSinks}, wired as {@link ScenarioRun} wires the demo: exactly-once
 *       Kafka sinks, checkpoints every 2 s),
 * </ul>
 *
 * each with the {@code hashmap} and the {@code rocksdb} state backend on a local MiniCluster
 * (parallelism 2). Every run reads with a fresh consumer group, so each reads the whole input. The
 * wall time of a run is from submitting the job to its end (MiniCluster start and job deployment
 * included, a few hundred ms); Flink's own net runtime is printed next to it, and the CPU time the
 * whole process used meanwhile (broker included), which the other load on a shared machine disturbs
 * much less than the wall time.
 *
 * <p>Not part of the test suite. To profile, add {@code
 * -XX:StartFlightRecording=filename=/tmp/sf.jfr,settings=profile} to the JVM and {@code --modes
 * full --backends rocksdb}.
 *
 * <pre>
 * mvn -o -q -DskipTests package
 * java -Xmx6g -cp load-test/target/load-test.jar io.signalfold.loadtest.bench.PipelineThroughputHarness \
 *     [--scenario FILE] [--history 2d] [--modes ingest,full] [--backends hashmap,rocksdb] \
 *     [--repeat 1] [--parallelism 2] [--partitions 1] [--checkpoint-interval 2s] [--set key=value ...]
 * </pre>
 */
public final class PipelineThroughputHarness {

  private PipelineThroughputHarness() {}

  /** One measured run. */
  record Measurement(
      String mode, String backend, int round, double wallSeconds, double netSeconds, double cpu) {}

  public static void main(String[] args) throws Exception {
    Path scenarioFile = null;
    String history = null;
    List<String> modes = List.of("ingest", "full");
    List<String> backends = List.of("hashmap", "rocksdb");
    int repeat = 1;
    int parallelism = 2;
    int partitions = 1;
    Duration checkpointInterval = Duration.ofSeconds(2);
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      i++;
      switch (a) {
        case "--scenario" -> scenarioFile = Path.of(v);
        case "--history" -> history = v;
        case "--modes" -> modes = Arrays.asList(v.split(","));
        case "--backends" -> backends = Arrays.asList(v.split(","));
        case "--repeat" -> repeat = Integer.parseInt(v);
        case "--parallelism" -> parallelism = Integer.parseInt(v);
        case "--partitions" -> partitions = Integer.parseInt(v);
        case "--checkpoint-interval" -> checkpointInterval = ScenarioDurations.parse(v);
        case "--set" -> {
          int eq = v.indexOf('=');
          overrides.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    Scenario scenario =
        scenarioFile == null ? Scenario.builtInDefault() : Scenario.load(scenarioFile);
    if (history != null) {
      scenario = scenario.withHistory(ScenarioDurations.parse(history));
    }
    PrintStream out = System.out;
    out.printf(
        "scenario %s%s, history %s, parallelism %d, %d partition(s) per input topic, checkpoints"
            + " every %s, %d CPU(s)%n",
        scenario.name(),
        scenarioFile == null ? " (built-in)" : " (" + scenarioFile + ")",
        scenario.history(),
        parallelism,
        partitions,
        checkpointInterval,
        Runtime.getRuntime().availableProcessors());
    out.println("load average at start: " + loadAverage());

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      ScenarioRun.createTopics(broker, partitions);

      long genStart = System.nanoTime();
      TelemetryGenerator.Stats gen;
      try (KafkaTelemetryWriter writer = KafkaTelemetryWriter.create(bootstrap, new Properties())) {
        gen = TelemetryGenerator.create(scenario).generate(writer);
      }
      double genSeconds = (System.nanoTime() - genStart) / 1e9;
      long items = gen.points() + gen.spans() + gen.logs();
      out.printf(
          "generated %,d Kafka records (%,d metric points, %,d spans, %,d log records, %,d change"
              + " events, %.1f MB) in %.2f s%n",
          gen.records(),
          gen.points(),
          gen.spans(),
          gen.logs(),
          gen.changes(),
          gen.bytes() / 1e6,
          genSeconds);
      out.printf(
          Locale.ROOT,
          "generator throughput (data points per second written to Kafka): %,.0f metric points/s,"
              + " %,.0f telemetry items/s (points + spans + log records), %,.0f records/s%n",
          gen.points() / genSeconds,
          items / genSeconds,
          gen.records() / genSeconds);

      List<Measurement> all = new ArrayList<>();
      for (int round = 1; round <= repeat; round++) {
        for (String mode : modes) {
          for (String backend : backends) {
            Map<String, String> conf = new LinkedHashMap<>();
            String tag = mode + "-" + backend + "-" + round;
            conf.put("kafka.bootstrap.servers", bootstrap);
            conf.put("kafka.group.id", "bench-" + tag);
            conf.put("kafka.starting-offsets", "earliest");
            conf.put("source.bounded", "true");
            conf.put("job.name", "throughput " + tag);
            conf.put("job.parallelism", String.valueOf(parallelism));
            conf.put("checkpoint.interval", checkpointInterval.toMillis() + "ms");
            conf.put("state.backend", backend);
            conf.put("restart.strategy", "none");
            conf.put("output.transactional-id-prefix", "bench-" + tag);
            Path tmpDir = Files.createTempDirectory("sf-bench");
            conf.put("flink.io.tmp.dirs", tmpDir.toString());
            // file checkpoints: memory checkpoint storage refuses operator state over 5 MB
            conf.put("checkpoint.dir", tmpDir.resolve("checkpoints").toUri().toString());
            conf.putAll(overrides);
            PipelineConfig cfg = PipelineConfig.fromMap(conf);
            StreamExecutionEnvironment env = SignalfoldJob.createEnvironment(cfg);
            IngestSources sources = IngestSources.fromKafka(env, cfg.telemetrySources());
            if (mode.equals("ingest")) {
              IngestOutputs signals = IngestStage.build(sources, cfg.ingestConfig());
              discard(signals.metricPoints(), "metric points");
              discard(signals.redPoints(), "RED points");
              discard(signals.callEdges(), "call edges");
              discard(signals.logSignals(), "log signals");
              discard(signals.changeEvents(), "change events");
              discard(signals.deadLetters(), "dead letters");
            } else if (mode.equals("full")) {
              ScenarioRun.wireJob(env, sources, scenario, cfg);
            } else {
              throw new IllegalArgumentException("unknown mode " + mode + " (ingest, full)");
            }
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            JobExecutionResult r = env.execute(cfg.jobName());
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            double net = r.getNetRuntime() / 1e3;
            Measurement m = new Measurement(mode, backend, round, wall, net, cpu);
            all.add(m);
            out.printf(
                Locale.ROOT,
                "%-6s %-7s round %d: %6.1f s wall (%.1f s net, %.1f CPU s), %,8.0f records/s, %,8.0f metric"
                    + " points/s, %,8.0f spans/s, %,8.0f log records/s, %,8.0f telemetry items/s;"
                    + " load %s%n",
                mode,
                backend,
                round,
                wall,
                net,
                cpu,
                gen.records() / wall,
                gen.points() / wall,
                gen.spans() / wall,
                gen.logs() / wall,
                items / wall,
                loadAverage());
          }
        }
      }

      out.println();
      out.println(
          "| mode | state | runs | wall s (min-max) | CPU s (min-max) | Kafka records/s | metric points/s | spans/s"
              + " | log records/s | telemetry items/s |");
      out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      for (String mode : modes) {
        for (String backend : backends) {
          List<Double> walls = new ArrayList<>();
          List<Double> cpus = new ArrayList<>();
          for (Measurement m : all) {
            if (m.mode().equals(mode) && m.backend().equals(backend)) {
              walls.add(m.wallSeconds());
              cpus.add(m.cpu());
            }
          }
          walls.sort(null);
          cpus.sort(null);
          double med = walls.get(walls.size() / 2);
          out.printf(
              Locale.ROOT,
              "| %s | %s | %d | %.1f (%.1f-%.1f) | %.0f (%.0f-%.0f) | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f |%n",
              mode,
              backend,
              walls.size(),
              med,
              walls.get(0),
              walls.get(walls.size() - 1),
              cpus.get(cpus.size() / 2),
              cpus.get(0),
              cpus.get(cpus.size() - 1),
              gen.records() / med,
              gen.points() / med,
              gen.spans() / med,
              gen.logs() / med,
              items / med);
          if (mode.equals("ingest")) {
            out.printf(
                Locale.ROOT,
                "data points per second through broker -> Flink -> normalized signals (%s, median"
                    + " of %d): %,.0f telemetry items/s (%,.0f metric points/s)%n",
                backend,
                walls.size(),
                items / med,
                gen.points() / med);
          }
        }
      }
      out.printf(
          Locale.ROOT,
          "| generator (in-process broker, lz4) | - | 1 | %.1f | - | %,.0f | %,.0f | %,.0f | %,.0f |"
              + " %,.0f |%n",
          genSeconds,
          gen.records() / genSeconds,
          gen.points() / genSeconds,
          gen.spans() / genSeconds,
          gen.logs() / genSeconds,
          items / genSeconds);
      out.println("load average at end: " + loadAverage());
    }
    System.exit(0);
  }

  private static <T> void discard(DataStream<T> stream, String what) {
    stream.sinkTo(new DiscardingSink<>()).name("discard " + what);
  }

  /**
   * CPU time of this whole process (broker, MiniCluster, generator): robust to a loaded machine.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }
}
