package io.signalfold.loadtest.embedded;

import io.signalfold.ingest.IngestSources;
import io.signalfold.job.PipelineConfig;
import io.signalfold.job.PipelineInputs;
import io.signalfold.job.PipelineOutputs;
import io.signalfold.job.SignalfoldJob;
import io.signalfold.job.SignalfoldPipeline;
import io.signalfold.loadtest.generator.KafkaTelemetryWriter;
import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.generator.TelemetryGenerator;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.slo.SloDefinition;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.annotation.Nullable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One scenario through the real pipeline, as the demo and the scenario runner run it: the generator
 * writes the scenario's OTLP telemetry and change events to the input topics of a Kafka broker,
 * then the production job graph ({@link SignalfoldPipeline}, the same wiring as {@link
 * SignalfoldJob}) reads them on a local Flink MiniCluster in bounded mode and writes its outputs to
 * the output topics, exactly-once. The outputs are followed from Kafka with {@code read_committed}
 * while the job runs, as any consumer would see them.
 */
public final class ScenarioRun {

  /** Input topics (the collector's defaults). */
  public static final List<String> INPUT_TOPICS =
      List.of("otlp_metrics", "otlp_spans", "otlp_logs", "change-events");

  /** Avro output topics and their JSON twins. */
  public static final List<String> OUTPUT_TOPICS =
      List.of("incident-candidates", "anomalies", "slo-alerts", "slo-status", "dead-letters");

  /** The JSON (CloudEvents) twins of the output topics. */
  public static final List<String> JSON_OUTPUT_TOPICS =
      OUTPUT_TOPICS.stream().map(t -> t + ".json").toList();

  private static final String GROUP = "signalfold";

  /** How to run. */
  public record Options(
      @Nullable Path outDir,
      int parallelism,
      String stateBackend,
      Duration checkpointInterval,
      Duration progressEvery,
      Map<String, String> overrides) {

    public static Options defaults() {
      return new Options(
          null, 2, "rocksdb", Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
    }

    public Options withOutDir(@Nullable Path dir) {
      return new Options(
          dir, parallelism, stateBackend, checkpointInterval, progressEvery, overrides);
    }

    public Options withStateBackend(String backend) {
      return new Options(
          outDir, parallelism, backend, checkpointInterval, progressEvery, overrides);
    }

    public Options withOverrides(Map<String, String> more) {
      Map<String, String> all = new LinkedHashMap<>(overrides);
      all.putAll(more);
      return new Options(outDir, parallelism, stateBackend, checkpointInterval, progressEvery, all);
    }
  }

  /** What a run produced. */
  public record Result(
      TelemetryGenerator.Stats generated,
      double generateSeconds,
      double pipelineSeconds,
      long inputRecords,
      List<IncidentCandidate> candidates,
      Map<String, Long> outputCounts) {}

  private ScenarioRun() {}

  /**
   * Plays {@code scenario} through the pipeline on {@code broker}. {@code onCandidate} sees every
   * candidate record as it becomes visible on the output topic.
   */
  public static Result run(
      EmbeddedKafkaBroker broker,
      Scenario scenario,
      Options options,
      PrintStream log,
      Consumer<IncidentCandidate> onCandidate)
      throws Exception {
    String bootstrap = broker.bootstrapServers();
    createTopics(broker, 1);

    // 1. The telemetry, as fast as the machine allows.
    long genStart = System.nanoTime();
    TelemetryGenerator.Stats generated;
    ProgressLine genProgress = new ProgressLine(log, options.progressEvery());
    try (KafkaTelemetryWriter writer = KafkaTelemetryWriter.create(bootstrap, new Properties())) {
      generated =
          TelemetryGenerator.create(scenario)
              .generate(
                  writer,
                  t -> {},
                  (t, s) ->
                      genProgress.maybe(
                          () ->
                              String.format(
                                  "  generating %s: event time %s, %,d records (%,d points, %,d spans,"
                                      + " %,d logs, %,d changes)",
                                  scenario.name(),
                                  java.time.Instant.ofEpochMilli(t),
                                  s.records(),
                                  s.points(),
                                  s.spans(),
                                  s.logs(),
                                  s.changes())));
    }
    double genSeconds = (System.nanoTime() - genStart) / 1e9;
    long inputRecords = endOffsetSum(bootstrap, INPUT_TOPICS);
    log.printf(
        "  generated %,d records (%,d points, %,d spans, %,d logs, %,d changes, %.1f MB) in %.1f s%n",
        generated.records(),
        generated.points(),
        generated.spans(),
        generated.logs(),
        generated.changes(),
        generated.bytes() / 1e6,
        genSeconds);

    // 2. The production job graph on a local MiniCluster, bounded over what was written.
    Map<String, String> conf = jobSettings(scenario, options, bootstrap);
    conf.put("source.bounded", "true");
    PipelineConfig cfg = PipelineConfig.fromMap(conf);
    StreamExecutionEnvironment env = buildJob(scenario, cfg);

    List<String> jsonTopics = JSON_OUTPUT_TOPICS;
    Map<String, Long> counts = new HashMap<>();
    List<IncidentCandidate> candidates;
    long pipeStart = System.nanoTime();
    try (OutputTail tail =
        new OutputTail(
            bootstrap, jsonTopics, "incident-candidates", options.outDir(), onCandidate)) {
      tail.start();
      JobClient job = env.executeAsync(cfg.jobName());
      CompletableFuture<?> done = job.getJobExecutionResult();
      ProgressLine pipeProgress = new ProgressLine(log, options.progressEvery());
      while (!done.isDone()) {
        try {
          done.get(500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          long read = committedSum(bootstrap, GROUP);
          pipeProgress.maybe(
              () ->
                  String.format(
                      "  pipeline: %,d of %,d input records committed (%.0f%%), anomalies %,d,"
                          + " SLO alerts %,d, candidate records %,d, dead letters %,d",
                      read,
                      inputRecords,
                      inputRecords == 0 ? 100.0 : 100.0 * read / inputRecords,
                      tail.count("anomalies.json"),
                      tail.count("slo-alerts.json"),
                      tail.count("incident-candidates"),
                      tail.count("dead-letters.json")));
        }
      }
      done.get(); // rethrows a job failure
      tail.drainAndClose();
      for (String t : jsonTopics) {
        counts.put(t.replace(".json", ""), tail.count(t));
      }
      candidates = tail.candidates();
    }
    double pipeSeconds = (System.nanoTime() - pipeStart) / 1e9;
    return new Result(generated, genSeconds, pipeSeconds, inputRecords, candidates, counts);
  }

  /** What a live run measured besides the outputs. */
  public record LiveResult(
      Result result, List<Long> faultStartsMs, List<Long> faultToCandidateWallMs) {}

  /**
   * Plays {@code scenario} live: the job runs unbounded from the start, the generator writes the
   * history as fast as it can and then the time after T0 paced at {@code speed} times real time, as
   * a production system would see it. For each fault, the wall-clock delay from the moment the
   * generator wrote the fault's first interval to Kafka to the moment the first candidate opened
   * for it became visible on the output topic is measured. The job is stopped with a savepoint
   * (committing its last transactions) once it has read everything.
   */
  public static LiveResult runLive(
      EmbeddedKafkaBroker broker,
      Scenario scenario,
      Options options,
      double speed,
      PrintStream log,
      Consumer<IncidentCandidate> onCandidate)
      throws Exception {
    String bootstrap = broker.bootstrapServers();
    createTopics(broker, 1);
    List<String> jsonTopics = JSON_OUTPUT_TOPICS;
    Map<String, String> conf = jobSettings(scenario, options, bootstrap);
    conf.put("source.bounded", "false");
    conf.put("kafka.starting-offsets", "earliest");
    PipelineConfig cfg = PipelineConfig.fromMap(conf);
    StreamExecutionEnvironment env = buildJob(scenario, cfg);

    List<Long> faultStarts = new ArrayList<>();
    for (Scenario.Fault f : scenario.faults()) {
      faultStarts.add(f.start().toEpochMilli());
    }
    faultStarts.sort(Long::compare);
    long[] faultWrittenNanos = new long[faultStarts.size()];
    long[] candidateNanos = new long[faultStarts.size()];
    Consumer<IncidentCandidate> timing =
        c -> {
          long now = System.nanoTime();
          for (int i = 0; i < faultStarts.size(); i++) {
            if (faultWrittenNanos[i] != 0
                && candidateNanos[i] == 0
                && c.getOpenedAtMs() >= faultStarts.get(i)) {
              candidateNanos[i] = now;
            }
          }
          onCandidate.accept(c);
        };
    long t0 = scenario.t0().toEpochMilli();
    Map<String, Long> counts = new HashMap<>();
    List<IncidentCandidate> candidates;
    TelemetryGenerator.Stats generated;
    long started = System.nanoTime();
    double genSeconds;
    Path savepoints = Files.createTempDirectory("sf-savepoint");
    try (OutputTail tail =
        new OutputTail(bootstrap, jsonTopics, "incident-candidates", options.outDir(), timing)) {
      tail.start();
      JobClient job = env.executeAsync(cfg.jobName());
      ProgressLine progress = new ProgressLine(log, options.progressEvery());
      try (KafkaTelemetryWriter writer = KafkaTelemetryWriter.create(bootstrap, new Properties())) {
        long[] liveStart = {0};
        generated =
            TelemetryGenerator.create(scenario)
                .generate(
                    writer,
                    intervalEndMs -> {
                      if (intervalEndMs <= t0) {
                        return;
                      }
                      writer.flush();
                      if (liveStart[0] == 0) {
                        // Measure steady state: let the job catch up with the history first.
                        log.println("  history written; waiting for the job to catch up ...");
                        try {
                          long written = endOffsetSum(bootstrap, INPUT_TOPICS);
                          while (committedSum(bootstrap, GROUP) < written) {
                            failIfEnded(job);
                            Thread.sleep(500);
                          }
                        } catch (InterruptedException e) {
                          throw e;
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                        liveStart[0] = System.nanoTime();
                        log.println("  caught up; now live at " + speed + "x real time");
                      }
                      long now = System.nanoTime();
                      long due = liveStart[0] + (long) ((intervalEndMs - t0) * 1e6 / speed);
                      if (due > now) {
                        TimeUnit.NANOSECONDS.sleep(due - now);
                      }
                      for (int i = 0; i < faultStarts.size(); i++) {
                        if (faultWrittenNanos[i] == 0 && intervalEndMs > faultStarts.get(i)) {
                          faultWrittenNanos[i] = System.nanoTime();
                        }
                      }
                    },
                    (t, st) ->
                        progress.maybe(
                            () ->
                                String.format(
                                    "  event time %s: %,d records written; anomalies %,d, SLO"
                                        + " alerts %,d, candidate records %,d",
                                    java.time.Instant.ofEpochMilli(t),
                                    st.records(),
                                    tail.count("anomalies.json"),
                                    tail.count("slo-alerts.json"),
                                    tail.count("incident-candidates"))));
      }
      genSeconds = (System.nanoTime() - started) / 1e9;
      long inputRecords = endOffsetSum(bootstrap, INPUT_TOPICS);
      // Wait until the source has committed (on a checkpoint) everything, then stop gracefully.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
      while (committedSum(bootstrap, GROUP) < inputRecords && System.nanoTime() < deadline) {
        failIfEnded(job);
        Thread.sleep(500);
      }
      Thread.sleep(2 * options.checkpointInterval().toMillis());
      job.stopWithSavepoint(
              false,
              savepoints.toUri().toString(),
              org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
          .get(5, TimeUnit.MINUTES);
      tail.drainAndClose();
      for (String t : jsonTopics) {
        counts.put(t.replace(".json", ""), tail.count(t));
      }
      candidates = tail.candidates();
      double wall = (System.nanoTime() - started) / 1e9;
      List<Long> delays = new ArrayList<>();
      for (int i = 0; i < faultStarts.size(); i++) {
        delays.add(
            faultWrittenNanos[i] == 0 || candidateNanos[i] == 0
                ? -1L
                : (candidateNanos[i] - faultWrittenNanos[i]) / 1_000_000L);
      }
      return new LiveResult(
          new Result(generated, genSeconds, wall, inputRecords, candidates, counts),
          faultStarts,
          delays);
    }
  }

  /** An unbounded job that stopped on its own failed: say why instead of waiting for it. */
  private static void failIfEnded(JobClient job) throws Exception {
    CompletableFuture<?> result = job.getJobExecutionResult();
    if (result.isDone()) {
      result.get(); // rethrows the job's failure
      throw new IllegalStateException("the job finished before the scenario was played through");
    }
  }

  private static Map<String, String> jobSettings(
      Scenario scenario, Options options, String bootstrap) throws java.io.IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap.servers", bootstrap);
    conf.put("kafka.group.id", GROUP);
    conf.put("job.name", "signalfold: " + scenario.name());
    conf.put("job.parallelism", String.valueOf(options.parallelism()));
    conf.put("checkpoint.interval", options.checkpointInterval().toMillis() + "ms");
    conf.put("state.backend", options.stateBackend());
    conf.put("restart.strategy", "none");
    Path tmp = Files.createTempDirectory("sf");
    conf.put("flink.io.tmp.dirs", tmp.toString());
    // Checkpoints to files: the MiniCluster's default (JobManager memory) refuses any operator
    // state over 5 MB, which a heap backend's RED windows exceed within hours of telemetry.
    conf.put("checkpoint.dir", tmp.resolve("checkpoints").toUri().toString());
    if (options.outDir() != null) {
      conf.put("reports.dir", options.outDir().toAbsolutePath().toString());
    }
    impactAttributes(scenario, conf);
    conf.putAll(options.overrides());
    return conf;
  }

  /** The production job graph with the scenario's SLOs, sinks attached. */
  private static StreamExecutionEnvironment buildJob(Scenario scenario, PipelineConfig cfg)
      throws java.io.IOException {
    StreamExecutionEnvironment env = SignalfoldJob.createEnvironment(cfg);
    wireJob(env, IngestSources.fromKafka(env, cfg.telemetrySources()), scenario, cfg);
    return env;
  }

  /**
   * The production job graph on {@code sources}, with the configured SLO definitions plus the
   * scenario's {@code slos} entries, and the production sinks attached.
   */
  public static PipelineOutputs wireJob(
      StreamExecutionEnvironment env, IngestSources sources, Scenario scenario, PipelineConfig cfg)
      throws java.io.IOException {
    List<SloDefinition> slos = new ArrayList<>(cfg.loadSloDefinitions());
    for (Map<String, Object> entry : scenario.slos()) {
      slos.add(SloDefinition.fromScenario(entry));
    }
    PipelineOutputs out =
        SignalfoldPipeline.build(
            env, PipelineInputs.builder(sources).sloDefinitions(slos).build(), cfg);
    SignalfoldPipeline.attachSinks(out, cfg);
    return out;
  }

  /**
   * The input topics (with {@code inputPartitions} each) and the output topics with their twins.
   */
  public static void createTopics(EmbeddedKafkaBroker broker, int inputPartitions)
      throws Exception {
    broker.createTopics(inputPartitions, INPUT_TOPICS);
    List<String> outputs = new ArrayList<>(OUTPUT_TOPICS);
    outputs.addAll(JSON_OUTPUT_TOPICS);
    broker.createTopics(1, outputs);
  }

  private static long endOffsetSum(String bootstrap, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetSpec> req = new HashMap<>();
      for (String t : topics) {
        admin
            .describeTopics(List.of(t))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS)
            .get(t)
            .partitions()
            .forEach(p -> req.put(new TopicPartition(t, p.partition()), OffsetSpec.latest()));
      }
      long sum = 0;
      for (ListOffsetsResult.ListOffsetsResultInfo i :
          admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).values()) {
        sum += i.offset();
      }
      return sum;
    }
  }

  private static long committedSum(String bootstrap, String group) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      long sum = 0;
      for (OffsetAndMetadata m :
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS)
              .values()) {
        if (m != null) {
          sum += m.offset();
        }
      }
      return sum;
    } catch (Exception e) {
      return 0;
    }
  }

  /** Prints at most once per interval (wall clock: this is console output, not logic). */
  static final class ProgressLine {
    private final PrintStream out;
    private final long everyNanos;
    private long last = System.nanoTime();

    ProgressLine(PrintStream out, Duration every) {
      this.out = out;
      this.everyNanos = every.toNanos();
    }

    void maybe(java.util.function.Supplier<String> line) {
      long now = System.nanoTime();
      if (now - last >= everyNanos) {
        last = now;
        out.println(line.get());
      }
    }
  }

  /**
   * The impact attributes the scenario's expectations name (e.g. {@code robot.id}): counted by
   * ingest (besides its defaults) and reported by correlation as distinct counts among failing
   * requests. Without this the correlation stage counts nothing ({@code impact.attributes} is empty
   * by default), so no candidate could report the count the scenario expects.
   */
  static void impactAttributes(Scenario scenario, Map<String, String> conf) {
    java.util.Set<String> impact = new java.util.TreeSet<>();
    for (Scenario.ExpectedIncident e : scenario.expectedIncidents()) {
      if (e.impactAttribute() != null) {
        impact.add(e.impactAttribute());
      }
    }
    if (impact.isEmpty()) {
      return;
    }
    java.util.Set<String> ingest =
        new java.util.LinkedHashSet<>(
            io.signalfold.ingest.IngestConfig.defaults().impactAttributes());
    ingest.addAll(impact);
    conf.put("ingest.impact-attributes", String.join(",", ingest));
    conf.put("correlation.impact.attributes", String.join(",", impact));
  }
}
