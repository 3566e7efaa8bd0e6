package io.signalfold.loadtest.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.loadtest.LoadTestMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SloEvalCommandTest {

  private static final Path EXAMPLE_SLO = Path.of("examples/slo/checkout-availability.yaml");
  private static final Path EXAMPLE_CSV = Path.of("examples/slo/checkout-requests.csv");

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = LoadTestMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void theExampleFilesGiveTheHandComputedTransitions() {
    Run r = run("slo-eval", "--slo", EXAMPLE_SLO.toString(), "--input", EXAMPLE_CSV.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    // Three days of 1000 requests a minute; 8% fail from 2026-03-04T02:01 to 02:25 (25 minutes).
    // page 1h/5m (14.4 * 0.1% = 1.44%): 80n/60000 > 1.44% first for n = 11 -> 02:11, with the 1h
    // window at 880/60000 = 14.67x and the 5m window at 8% = 80x. After the burn the 5m window
    // holds 4..1 minutes at 8% (1.6% to 6.4%, above the 0.9 * 1.44% hold line) and is empty at
    // 02:30 -> resolved with 1h at 2000/60000 = 33.33x. page 6h/30m needs 80n/360000 > 0.6%
    // (n > 27) and the ticket's 3d window needs 80n > 3000 + n (n > 37): neither fires.
    // Budget: 2000 bad of 4,320,000 requests against 4320 allowed: 53.70% left.
    assertThat(r.out().lines())
        .containsExactly(
            "2026-03-04T02:11:00Z page firing burn_long=14.67 burn_short=80.00",
            "2026-03-04T02:30:00Z page resolved burn_long=33.33 burn_short=0.00",
            "slo=checkout-availability budget_remaining=0.5370 transitions=2");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void rowsAtTenSecondsAreEvaluatedAtTheirOwnTimestamps() throws Exception {
    // 10-second rows of 100 requests; 10% fail from row 361 (01:00:10) for 140 rows. The ticket's
    // 3d and 6h windows hold only the 2 hours of the file: 10n / ((360 + n) * 100) > 0.1% from
    // n = 4 (01:00:40). Page 6h/30m: 10n > 0.6% * (360 + n) * 100, n = 23 (01:03:50; 30m window
    // 230/18000 = 12.78x). Page 1h/5m: the hour holds 360 rows, 10n / 36000 > 1.44%, n = 52
    // (01:08:40, 520/36000 = 14.44x), when the 5m window holds 30 failing rows (10% = 100x).
    Path csv = dir.resolve("ten-seconds.csv");
    List<String> lines = new ArrayList<>();
    Instant t0 = Instant.parse("2026-03-02T00:00:00Z");
    for (int i = 1; i <= 720; i++) {
      int bad = i > 360 && i <= 500 ? 10 : 0;
      lines.add(t0.plusSeconds(10L * i) + "," + (100 - bad) + ",100");
    }
    Files.write(csv, lines);
    Run r = run("slo-eval", "--slo", EXAMPLE_SLO.toString(), "--input", csv.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().limit(3))
        .containsExactly(
            "2026-03-02T01:00:40Z ticket firing burn_long=1.10 burn_short=1.10",
            "2026-03-02T01:03:50Z page firing burn_long=6.01 burn_short=12.78",
            "2026-03-02T01:08:40Z page firing burn_long=14.44 burn_short=100.00");
    assertThat(SloEvalCommand.resolutionMs(SloEvalCommand.readCsv(csv))).isEqualTo(10_000L);
  }

  @Test
  void badCsvRowsNameTheFileAndLine() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(
        csv, "timestamp,good,total\n2026-03-02T00:01:00Z,10,10\n2026-03-02T00:02:00Z,11,10\n");
    Run r = run("slo-eval", "--slo", EXAMPLE_SLO.toString(), "--input", csv.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bad.csv:3: good (11.0) exceeds total (10.0)");
    assertThat(r.out()).isEmpty();

    Files.writeString(csv, "yesterday,1,2\n");
    Run s = run("slo-eval", "--slo", EXAMPLE_SLO.toString(), "--input", csv.toString());
    assertThat(s.exit()).isEqualTo(2);
    assertThat(s.err()).contains("bad.csv:1: timestamp 'yesterday' is not ISO-8601");
  }

  @Test
  void invalidSloFilesAreReportedWithLocations() throws Exception {
    Path slo = dir.resolve("broken.yaml");
    Files.writeString(slo, Files.readString(EXAMPLE_SLO).replace("target: 0.999", "target: 1.5"));
    Run r = run("slo-eval", "--slo", slo.toString(), "--input", EXAMPLE_CSV.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .containsPattern("broken\\.yaml:\\d+:\\d+: spec\\.objectives\\[0\\]\\.target");
  }

  @Test
  void severalSlosNeedAName() throws Exception {
    Path slo = dir.resolve("two.yaml");
    String one = Files.readString(EXAMPLE_SLO);
    Files.writeString(slo, one + "---\n" + one.replace("name: checkout-availability", "name: b"));
    Run r = run("slo-eval", "--slo", slo.toString(), "--input", EXAMPLE_CSV.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("defines 2 SLOs (checkout-availability, b); choose with --name");
    Run named =
        run("slo-eval", "--slo", slo.toString(), "--input", EXAMPLE_CSV.toString(), "--name", "b");
    assertThat(named.exit()).isZero();
    assertThat(named.out()).contains("slo=b budget_remaining=0.5370 transitions=2");
  }
}
