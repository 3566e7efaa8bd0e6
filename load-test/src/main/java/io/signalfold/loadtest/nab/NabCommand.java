package io.signalfold.loadtest.nab;

import io.signalfold.anomaly.core.DetectorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nab}: runs the signalfold detector and AWS Random Cut Forest over the NAB corpus through
 * the same harness, writes NAB-layout results and prints one summary line per detector, ours last.
 */
@Command(
    name = "nab",
    mixinStandardHelpOptions = true,
    description = "Score the signalfold detector and Random Cut Forest on the NAB corpus.")
public final class NabCommand implements Callable<Integer> {

  @Option(names = "--corpus", required = true, description = "NAB folder holding data/ and labels/")
  Path corpus;

  @Option(names = "--out", description = "Results folder (NAB layout); default: nab-results")
  Path out = Path.of("nab-results");

  @Option(names = "--skip-rcf", description = "Do not run the Random Cut Forest baseline")
  boolean skipRcf;

  @Option(names = "--seed", description = "Random Cut Forest seed (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Override
  public Integer call() throws Exception {
    List<NabCorpus.DataFile> files = NabCorpus.read(corpus);
    List<String> lines = new ArrayList<>();
    if (!skipRcf) {
      lines.add(
          NabHarness.run(new RandomCutForestNabDetector(seed), files, out, System.out).line());
    }
    lines.add(
        NabHarness.run(new SignalfoldNabDetector(DetectorConfig.defaults()), files, out, System.out)
            .line());
    for (String line : lines) {
      System.out.println(line);
    }
    return 0;
  }
}
