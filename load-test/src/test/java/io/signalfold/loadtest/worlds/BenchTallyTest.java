package io.signalfold.loadtest.worlds;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.loadtest.LoadTestMain;
import io.signalfold.loadtest.runner.CandidateScorer;
import io.signalfold.loadtest.runner.CandidateScorer.IncidentResult;
import io.signalfold.loadtest.runner.CandidateScorer.ScenarioScore;
import io.signalfold.loadtest.runner.ExpectedIncident;
import io.signalfold.loadtest.runner.ScenarioReport;
import io.signalfold.sinks.testing.Candidates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchTallyTest {

  private static World worldWith(int kinds) {
    for (long seed = 0; ; seed++) {
      World w = WorldBuilder.build(seed, WorldLimits.full());
      if (w.incidentKinds().stream().distinct().count() == kinds
          && w.incidentKinds().size() == kinds) {
        return w;
      }
    }
  }

  private static IncidentResult result(ExpectedIncident e, int rank, long openMs) {
    return new IncidentResult(
        e, rank > 0 ? "inc-" + e.entity() : null, rank, openMs, List.of(), true, true);
  }

  @Test
  void incidentsCountForTheirKindAndFalseCandidatesForEveryKindOfTheWorld() {
    World two = worldWith(2);
    List<ExpectedIncident> expected = ScenarioReport.expectations(two.scenario());
    List<IncidentResult> results = new ArrayList<>();
    results.add(result(expected.get(0), 1, 40_000));
    results.add(result(expected.get(1), 0, 0)); // missed
    var falseOne = CandidateScorer.histories(List.of(Candidates.badDeployOpen()));
    BenchTally tally = new BenchTally();
    tally.add(two, new ScenarioScore(results, falseOne, 2, 10));
    World quiet = worldWith(0);
    tally.add(quiet, new ScenarioScore(List.of(), List.of(), 0, 0));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    tally.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    String first = two.incidentKinds().get(0).label();
    String second = two.incidentKinds().get(1).label();
    assertThat(lines)
        .anyMatch(
            l -> l.startsWith("kind=" + first + " incidents=1 top1=1.000 top3=1.000 missed=0"))
        .anyMatch(
            l -> l.startsWith("kind=" + second + " incidents=1 top1=0.000 top3=0.000 missed=1"))
        .anyMatch(l -> l.startsWith("kind=quiet incidents=0 top1=NaN"));
    assertThat(lines)
        .filteredOn(l -> l.startsWith("kind=" + first))
        .allMatch(l -> l.contains("false_candidates=1"));
    assertThat(lines)
        .filteredOn(l -> l.startsWith("kind=quiet"))
        .allMatch(l -> l.contains("false_candidates=0"));
    String last = lines.get(lines.size() - 1);
    double days = two.days() + quiet.days();
    assertThat(last)
        .startsWith("bench=2 incidents=2 top1=0.500 top3=0.500 missed=1 false_candidates=1")
        .contains(String.format(java.util.Locale.ROOT, "false_per_day=%.3f", 1 / days))
        .endsWith("p95_open_s=40");
  }

  @Test
  void benchIsRegisteredAndExplainsBadSeeds() {
    CommandLine cli = LoadTestMain.commandLine();
    assertThat(cli.getSubcommands()).containsKey("bench");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    assertThat(cli.execute("bench", "--seeds", "9..3")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--seeds: expected A..B");
  }

  @Test
  void aDryRunDrawsTheWorldsWithoutPlayingThem() {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertThat(LoadTestMain.commandLine().execute("bench", "--seeds", "3..5", "--dry-run"))
          .isZero();
    } finally {
      System.setOut(saved);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
        .hasSize(3)
        .allMatch(
            l -> l.matches("== world-[345]: \\d+ services, \\d+ instances, .* faults \\[.*\\]"));
  }
}
