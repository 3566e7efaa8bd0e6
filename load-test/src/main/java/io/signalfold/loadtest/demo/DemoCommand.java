package io.signalfold.loadtest.demo;

import io.signalfold.loadtest.embedded.EmbeddedKafkaBroker;
import io.signalfold.loadtest.embedded.JobSettingsOption;
import io.signalfold.loadtest.embedded.ScenarioRun;
import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.generator.ScenarioException;
import io.signalfold.loadtest.runner.CandidateScorer;
import io.signalfold.loadtest.runner.ScenarioReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the embedded default. A real Kafka broker (KRaft) in this process, the scenario's
 * telemetry generated onto it, the production job graph on a local Flink MiniCluster, and the
 * incident candidates printed as they appear on the output topic. Every output record is written as
 * JSON lines under {@code --out}, and one incident report per candidate under {@code
 * --out/reports}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the whole pipeline on an in-process Kafka broker and a Flink MiniCluster over a"
            + " generated scenario, and print what it finds.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--scenario", description = "Scenario YAML (default: the built-in scenario).")
  Path scenarioFile;

  @Option(
      names = "--out",
      defaultValue = "demo-out",
      description =
          "Folder for the output records (JSON lines) and reports (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--history", description = "Override the scenario's history (e.g. 2d).")
  String history;

  @Option(
      names = "--state-backend",
      defaultValue = "rocksdb",
      description = "rocksdb (default) or hashmap.")
  String stateBackend;

  @Option(
      names = "--live",
      description =
          "Run the job unbounded while the generator writes: history as fast as possible, then the"
              + " time after T0 paced at --speed; prints the wall-clock delay from each fault's"
              + " first record in Kafka to its candidate on the output topic.")
  boolean live;

  @Option(
      names = "--speed",
      defaultValue = "10",
      description =
          "Live mode: event time runs this many times faster than real time (default: ${DEFAULT-VALUE}).")
  double speed;

  @Mixin JobSettingsOption jobSettings;

  @Override
  public Integer call() throws Exception {
    PrintStream log = System.out;
    Scenario scenario;
    try {
      scenario = scenarioFile == null ? Scenario.builtInDefault() : Scenario.load(scenarioFile);
      if (history != null) {
        scenario =
            scenario.withHistory(io.signalfold.loadtest.generator.ScenarioDurations.parse(history));
      }
    } catch (ScenarioException e) {
      System.err.println("demo: " + e.getMessage());
      return 2;
    }
    Files.createDirectories(out);
    log.printf(
        "signalfold demo: scenario '%s'%s, %s of history at %s, then %s at %s (T0 = %s)%n",
        scenario.name(),
        scenarioFile == null ? " (built-in)" : " (" + scenarioFile + ")",
        scenario.history(),
        scenario.historyResolution(),
        scenario.duration(),
        scenario.resolution(),
        scenario.t0());
    log.println("starting Kafka (KRaft, in-process) ...");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      log.println("  broker at " + broker.bootstrapServers());
      CandidateConsole console = new CandidateConsole(log, scenario.t0().toEpochMilli(), out);
      log.println(
          "generating telemetry (OTLP protobuf to otlp_metrics, otlp_spans, otlp_logs; JSON to"
              + " change-events) ...");
      ScenarioRun.Options options =
          ScenarioRun.Options.defaults()
              .withOutDir(out)
              .withStateBackend(stateBackend)
              .withOverrides(jobSettings.settings());
      ScenarioRun.Result r;
      if (live) {
        ScenarioRun.LiveResult lr =
            ScenarioRun.runLive(broker, scenario, options, speed, log, console::accept);
        r = lr.result();
        for (int i = 0; i < lr.faultStartsMs().size(); i++) {
          long d = lr.faultToCandidateWallMs().get(i);
          log.printf(
              "fault at %s: %s%n",
              console.rel(lr.faultStartsMs().get(i)),
              d < 0
                  ? "no candidate opened after it"
                  : String.format(
                      "first record in Kafka -> candidate on its topic: %.1f s wall clock",
                      d / 1000.0));
        }
      } else {
        r = ScenarioRun.run(broker, scenario, options, log, console::accept);
      }
      log.printf(
          "done: pipeline read %,d input records in %.1f s (%.0f records/s); outputs: anomalies %,d,"
              + " SLO alerts %,d, SLO statuses %,d, incident candidate records %,d, dead letters %,d%n",
          r.inputRecords(),
          r.pipelineSeconds(),
          r.inputRecords() / Math.max(1e-9, r.pipelineSeconds()),
          r.outputCounts().getOrDefault("anomalies", 0L),
          r.outputCounts().getOrDefault("slo-alerts", 0L),
          r.outputCounts().getOrDefault("slo-status", 0L),
          r.outputCounts().getOrDefault("incident-candidates", 0L),
          r.outputCounts().getOrDefault("dead-letters", 0L));
      ScenarioReport.print(
          log,
          scenario,
          CandidateScorer.histories(r.candidates()),
          ScenarioReport.score(scenario, r.candidates()));
      log.printf(
          "output records (CloudEvents JSON lines): %s/*.jsonl; incident reports: %s%n",
          out, out.resolve("reports"));
    }
    return 0;
  }
}
