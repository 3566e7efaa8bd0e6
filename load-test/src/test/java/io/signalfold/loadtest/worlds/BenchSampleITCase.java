package io.signalfold.loadtest.worlds;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.loadtest.LoadTestMain;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A small fixed sample of the randomized benchmark, played through the real pipeline (in-process
 * broker, the production job on a MiniCluster): a regression on the diagnosis. The expected lines
 * are the bench's own result lines (the world, each incident's outcome, false candidates, the kind
 * and summary lines). A change that moves them updates {@code bench/sample.txt} in the same commit
 * and says why, with what the development seeds say.
 */
class BenchSampleITCase {

  static final String[] SAMPLE = {
    "bench",
    "--seeds",
    "107..108",
    "--max-services",
    "4",
    "--max-instances",
    "3",
    "--max-history",
    "1d"
  };

  @Test
  void theSampleScoresAsRecorded() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = LoadTestMain.commandLine().execute(SAMPLE);
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    List<String> results = results(out);
    System.out.println(String.join("\n", results));
    assertThat(results).containsExactlyElementsOf(expected());
  }

  /** The lines that state outcomes (no wall-clock figures). */
  static List<String> results(String out) {
    return out.lines()
        .filter(
            l ->
                l.startsWith("== world-")
                    || l.startsWith("  TOP")
                    || l.startsWith("  WRONG")
                    || l.startsWith("  MISSED")
                    || l.startsWith("  FALSE")
                    || l.startsWith("kind=")
                    || l.startsWith("bench="))
        .toList();
  }

  private static List<String> expected() throws Exception {
    try (InputStream in = BenchSampleITCase.class.getResourceAsStream("/bench/sample.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
