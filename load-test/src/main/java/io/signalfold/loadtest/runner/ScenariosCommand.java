package io.signalfold.loadtest.runner;

import io.signalfold.loadtest.embedded.EmbeddedKafkaBroker;
import io.signalfold.loadtest.embedded.JobSettingsOption;
import io.signalfold.loadtest.embedded.ScenarioRun;
import io.signalfold.loadtest.generator.Scenario;
import io.signalfold.loadtest.generator.ScenarioDurations;
import io.signalfold.loadtest.generator.ScenarioException;
import io.signalfold.loadtest.runner.CandidateScorer.IncidentResult;
import io.signalfold.loadtest.runner.CandidateScorer.ScenarioScore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scenarios}: plays scenario files through the real pipeline (a fresh in-process broker per
 * scenario, the production job graph on a MiniCluster), matches the candidates against each
 * scenario's {@code expect}, prints per scenario and, last, the summary line of FORMAT.md.
 */
@Command(
    name = "scenarios",
    mixinStandardHelpOptions = true,
    description =
        "Run scenario files (or folders of them) through the pipeline and score the incident"
            + " candidates against their expectations.")
public final class ScenariosCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Scenario files or folders.")
  List<Path> paths;

  @Option(names = "--out", description = "Folder for each scenario's outputs and reports.")
  Path out;

  @Option(
      names = "--history",
      description = "Override every scenario's history (e.g. 3d) for a quicker run.")
  String history;

  @Option(
      names = "--state-backend",
      defaultValue = "hashmap",
      description = "hashmap (default, faster) or rocksdb.")
  String stateBackend;

  @Option(
      names = "--golden",
      paramLabel = "FILE",
      description =
          "Write the golden digest (every candidate's last version: hypotheses, confidences,"
              + " ruled out) to FILE; a refactoring must leave it byte-identical.")
  Path golden;

  @Mixin JobSettingsOption jobSettings;

  @Override
  public Integer call() throws Exception {
    PrintStream log = System.out;
    List<Path> files = expand(paths);
    if (files.isEmpty()) {
      System.err.println("scenarios: no .yaml files in " + paths);
      return 2;
    }
    int invalid = 0;
    int scenarios = 0;
    int expected = 0;
    int top1 = 0;
    int top3 = 0;
    int falseCandidates = 0;
    long candidates = 0;
    long rawSignals = 0;
    List<Double> openSeconds = new ArrayList<>();
    List<Double> suddenOpen = new ArrayList<>();
    List<Double> slowOpen = new ArrayList<>();
    int inTime = 0;
    long started = System.nanoTime();
    StringWriter digest = new StringWriter();
    for (Path f : files) {
      Scenario s;
      try {
        s = Scenario.load(f);
        if (history != null) {
          s = s.withHistory(ScenarioDurations.parse(history));
        }
      } catch (ScenarioException e) {
        log.println("scenario " + f + ": INVALID: " + e.getMessage());
        invalid++;
        continue;
      }
      log.printf("== %s (%s)%n", s.name(), f);
      ScenarioRun.Options opts =
          ScenarioRun.Options.defaults()
              .withStateBackend(stateBackend)
              .withOutDir(out == null ? null : out.resolve(s.name()))
              .withOverrides(jobSettings.settings());
      ScenarioRun.Result r;
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
        r = ScenarioRun.run(broker, s, opts, log, c -> {});
      }
      ScenarioScore score = ScenarioReport.score(s, r.candidates());
      ScenarioReport.print(log, s, CandidateScorer.histories(r.candidates()), score);
      GoldenDigest.write(digest, s.name(), CandidateScorer.histories(r.candidates()));
      log.printf(
          "  pipeline %.1f s for %,d input records%n", r.pipelineSeconds(), r.inputRecords());
      scenarios++;
      candidates += score.candidates();
      rawSignals += score.rawSignals();
      falseCandidates += score.falseCandidates().size();
      for (IncidentResult i : score.incidents()) {
        expected++;
        top1 += i.rank() == 1 ? 1 : 0;
        top3 += i.rank() >= 1 && i.rank() <= 3 ? 1 : 0;
        if (i.detected()) {
          openSeconds.add(i.openDelayMs() / 1000.0);
          // Slow faults (a leak over hours) are expected to open late by design: report the
          // sudden ones on their own, so a slow fault does not hide a sudden one's delay.
          (i.expected().openWithinMs() <= SUDDEN_FAULT_MAX_OPEN_WITHIN_MS ? suddenOpen : slowOpen)
              .add(i.openDelayMs() / 1000.0);
          inTime += i.openedInTime() ? 1 : 0;
        }
      }
    }
    if (golden != null) {
      Files.writeString(golden, digest.toString());
    }
    openSeconds.sort(Double::compare);
    suddenOpen.sort(Double::compare);
    slowOpen.sort(Double::compare);
    log.printf(
        "open time: sudden faults (open_within <= 5m) n=%d p50=%.0f s p95=%.0f s; slow faults n=%d"
            + " p50=%.0f s p95=%.0f s; opened within the scenario's open_within: %d of %d%n",
        suddenOpen.size(),
        percentile(suddenOpen, 0.50),
        percentile(suddenOpen, 0.95),
        slowOpen.size(),
        percentile(slowOpen, 0.50),
        percentile(slowOpen, 0.95),
        inTime,
        expected);
    log.printf(
        "expected incidents %d, detected %d; candidates %d, raw signals %d (%.1f per candidate);"
            + " invalid files %d; wall %.0f s%n",
        expected,
        openSeconds.size(),
        candidates,
        rawSignals,
        candidates == 0 ? 0.0 : (double) rawSignals / candidates,
        invalid,
        (System.nanoTime() - started) / 1e9);
    log.printf(
        "scenarios=%d top1=%.3f top3=%.3f false_candidates=%d p50_open_s=%.0f p95_open_s=%.0f%n",
        scenarios,
        expected == 0 ? Double.NaN : (double) top1 / expected,
        expected == 0 ? Double.NaN : (double) top3 / expected,
        falseCandidates,
        percentile(openSeconds, 0.50),
        percentile(openSeconds, 0.95));
    return invalid == 0 ? 0 : 1;
  }

  private static final long SUDDEN_FAULT_MAX_OPEN_WITHIN_MS = 5 * 60_000L;

  /** Nearest-rank percentile; NaN when empty. */
  static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .forEach(out::add);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }
}
