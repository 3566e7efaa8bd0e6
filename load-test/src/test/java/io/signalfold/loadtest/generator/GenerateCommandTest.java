package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.loadtest.LoadTestMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

  static String run(int expectedExit, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli =
        new CommandLine(new GenerateCommand(new PrintStream(err, true, StandardCharsets.UTF_8)));
    int code = cli.execute(args);
    String out = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(out).isEqualTo(expectedExit);
    return out;
  }

  @Test
  void registeredInTheMainCommand() {
    assertThat(LoadTestMain.commandLine().getSubcommands()).containsKey("generate");
  }

  @Test
  void dryRunPrintsTheSummaryLine() {
    String out =
        run(
            0,
            "--scenario",
            "src/test/resources/generator/small.yaml",
            "--dry-run",
            "--history",
            "10m");
    String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last)
        .matches(
            "generated points=\\d+ spans=\\d+ logs=\\d+ changes=1 bytes=\\d+ seconds=[0-9.]+ points_per_s=\\d+");
  }

  @Test
  void badScenarioExitsWithTheFieldPath(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        Files.readString(Path.of("src/test/resources/generator/small.yaml"))
            .replace("kind: error_rate", "kind: errors"));
    String out = run(2, "--scenario", bad.toString(), "--dry-run");
    assertThat(out).contains("bad.yaml: events[1].fault.kind: unknown fault kind 'errors'");
  }

  @Test
  void openEndedTopologyIsAValidScenario() {
    GenerateCommand cmd = new GenerateCommand();
    new CommandLine(cmd)
        .parseArgs("--duration", "1m", "--rps", "50", "--error-rate", "0.02", "--service", "shop");
    Scenario s = cmd.openEnded(Instant.parse("2026-05-01T10:00:00Z"));
    assertThat(s.service("shop").rps()).isEqualTo(50);
    assertThat(s.traffic().errorRate()).isEqualTo(0.02);
    assertThat(s.history()).isZero();
    CountingTelemetryWriter w = new CountingTelemetryWriter(false);
    TelemetryGenerator.Stats stats = TelemetryGenerator.create(s).generate(w);
    assertThat(stats.intervals()).isEqualTo(6);
    assertThat(stats.spans()).isPositive();
  }
}
