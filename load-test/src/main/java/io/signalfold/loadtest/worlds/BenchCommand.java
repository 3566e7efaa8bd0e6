package io.signalfold.loadtest.worlds;

import io.signalfold.loadtest.embedded.EmbeddedKafkaBroker;
import io.signalfold.loadtest.embedded.JobSettingsOption;
import io.signalfold.loadtest.embedded.ScenarioRun;
import io.signalfold.loadtest.generator.ScenarioDurations;
import io.signalfold.loadtest.runner.CandidateScorer;
import io.signalfold.loadtest.runner.CandidateScorer.ScenarioScore;
import io.signalfold.loadtest.runner.ScenarioReport;
import io.signalfold.schema.IncidentCandidate;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the randomized incident benchmark. From each seed it draws a world ({@link
 * WorldBuilder}), plays it through the real pipeline (a fresh in-process broker, the production job
 * graph on a MiniCluster), scores the candidates against the faults it injected and prints one line
 * per world, one per fault kind and, last, the summary line.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "The randomized incident benchmark: builds a new world from each seed (topology, workload,"
          + " routine changes, 0-2 faults from the catalogue, decoys), plays it through the"
          + " pipeline and scores the candidates against the truth it injected.",
      "Seeds 0..99999 are for development; report results on seeds from 1000000 up, which"
          + " nobody tunes on or looks at one by one."
    },
    footer = {
      "",
      "Last line: bench=<worlds> incidents=<n> top1=<f> top3=<f> missed=<n> false_candidates=<n>"
          + " false_per_day=<f> p95_open_s=<s>; before it one kind=<fault kind> line each."
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--seeds",
      required = true,
      paramLabel = "A..B",
      description = "Seeds to play, inclusive (e.g. 0..19), or one seed.")
  String seeds;

  @Option(
      names = "--out",
      description =
          "Folder for each world's scenario file (worlds/world-<seed>.yaml, replayable with"
              + " 'scenarios') and its outputs and reports.")
  Path out;

  @Option(
      names = "--max-services",
      defaultValue = "60",
      description =
          "Services per world at most (default ${DEFAULT-VALUE}; the full range is 5-60).")
  int maxServices;

  @Option(
      names = "--max-instances",
      defaultValue = "40",
      description = "Instances per service at most (default ${DEFAULT-VALUE}).")
  int maxInstances;

  @Option(
      names = "--max-history",
      defaultValue = "7d",
      description = "History per world at most (default ${DEFAULT-VALUE}; drawn from 1-7 days).")
  String maxHistory;

  @Option(
      names = "--dry-run",
      description = "Only draw the worlds and print what each holds; play nothing.")
  boolean dryRun;

  @Option(
      names = "--state-backend",
      defaultValue = "hashmap",
      description = "hashmap (default, faster) or rocksdb.")
  String stateBackend;

  @Option(names = "--verbose", description = "Print the pipeline's progress lines.")
  boolean verbose;

  @Mixin JobSettingsOption jobSettings;

  @Override
  public Integer call() throws Exception {
    long[] range = parseSeeds(seeds);
    WorldLimits limits = limits();
    PrintStream log = System.out;
    if (out != null) {
      Files.createDirectories(out.resolve("worlds"));
    }
    BenchTally tally = new BenchTally();
    long started = System.nanoTime();
    for (long seed = range[0]; seed <= range[1]; seed++) {
      World world = WorldBuilder.build(seed, limits);
      log.println(describe(world));
      if (out != null) {
        Files.writeString(
            out.resolve("worlds").resolve(world.scenario().name() + ".yaml"), world.yaml());
      }
      if (dryRun) {
        continue;
      }
      ScenarioRun.Result run = play(world);
      List<IncidentCandidate> candidates = run.candidates();
      // What the run processed: a world that yields nothing shows why (no input, all
      // dead-lettered).
      log.printf(
          "  pipeline %.1f s for %,d input records; anomalies %,d, dead letters %,d%s%n",
          run.pipelineSeconds(),
          run.inputRecords(),
          run.outputCounts().getOrDefault("anomalies", 0L),
          run.outputCounts().getOrDefault("dead-letters", 0L),
          run.outputCounts().getOrDefault("anomalies", 0L) == 0
              ? " (WARNING: no anomaly at all; the world's score is not meaningful)"
              : "");
      ScenarioScore score = ScenarioReport.score(world.scenario(), candidates);
      ScenarioReport.print(log, world.scenario(), CandidateScorer.histories(candidates), score);
      tally.add(world, score);
      log.printf(
          "  %d of %d worlds, %.0f s so far%n",
          tally.worlds(), range[1] - range[0] + 1, (System.nanoTime() - started) / 1e9);
    }
    if (!dryRun) {
      log.printf(
          "limits: services<=%d instances<=%d history<=%s; wall %.0f s%n",
          limits.maxServices(),
          limits.maxInstances(),
          maxHistory,
          (System.nanoTime() - started) / 1e9);
      tally.print(log);
    }
    return 0;
  }

  private ScenarioRun.Result play(World world) throws Exception {
    ScenarioRun.Options opts =
        ScenarioRun.Options.defaults()
            .withStateBackend(stateBackend)
            .withOutDir(out == null ? null : out.resolve(world.scenario().name()))
            .withOverrides(jobSettings.settings());
    PrintStream progress = verbose ? System.out : new PrintStream(OutputStream.nullOutputStream());
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      return ScenarioRun.run(broker, world.scenario(), opts, progress, c -> {});
    }
  }

  private WorldLimits limits() {
    Duration history;
    try {
      history = ScenarioDurations.parse(maxHistory);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--max-history: " + e.getMessage());
    }
    try {
      return new WorldLimits(maxServices, maxInstances, history);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private long[] parseSeeds(String text) {
    String[] parts = text.split("\\.\\.", -1);
    try {
      long a = Long.parseLong(parts[0].trim());
      long b = parts.length == 2 ? Long.parseLong(parts[1].trim()) : a;
      if (parts.length > 2 || a < 0 || b < a) {
        throw new NumberFormatException();
      }
      return new long[] {a, b};
    } catch (NumberFormatException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--seeds: expected A..B with 0 <= A <= B, or one seed; got '" + text + "'");
    }
  }

  /** One line: the world's size and what was injected. */
  static String describe(World w) {
    var s = w.scenario();
    int instances = 0;
    for (var svc : s.services()) {
      instances += svc.instances();
    }
    StringBuilder kinds = new StringBuilder();
    for (FaultKind k : w.incidentKinds()) {
      kinds.append(kinds.length() == 0 ? "" : ",").append(k.label());
    }
    return String.format(
        "== %s: %d services, %d instances, %d dependencies, history %s, duration %s, %d changes,"
            + " faults [%s]",
        s.name(),
        s.services().size(),
        instances,
        s.dependencies().size(),
        ScenarioDurations.format(s.history()),
        ScenarioDurations.format(s.duration()),
        s.changes().size(),
        kinds.length() == 0 ? BenchTally.QUIET : kinds);
  }
}
