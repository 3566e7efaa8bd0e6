package io.signalfold.loadtest.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Streams every corpus file through a detector (one fresh stream per file, rows in order, no
 * look-ahead), writes the results in NAB's layout, scores them under the three profiles and reports
 * per-category scores and throughput (single thread, time spent inside the detector only).
 */
public final class NabHarness {

  /** Outcome of one detector on the corpus. */
  public record Run(
      String detector,
      Map<String, NabScorer.Result> profiles,
      double pointsPerSecond,
      Map<String, Double> standardByCategory,
      List<NabScorer.FileScores> files) {

    /** The line the command prints for this detector. */
    public String line() {
      return String.format(
          Locale.ROOT,
          "NAB detector=%s standard=%.2f reward_low_fp=%.2f reward_low_fn=%.2f points_per_s=%.0f",
          detector,
          profiles.get("standard").normalised(),
          profiles.get("reward_low_fp").normalised(),
          profiles.get("reward_low_fn").normalised(),
          pointsPerSecond);
    }
  }

  private NabHarness() {}

  public static Run run(
      NabDetector detector, List<NabCorpus.DataFile> corpus, Path out, PrintStream log)
      throws IOException {
    // JIT warm-up on the first files, not timed and not scored: throughput is steady state
    for (int f = 0; f < Math.min(3, corpus.size()); f++) {
      NabDetector.Stream warm = detector.newStream();
      NabCorpus.DataFile file = corpus.get(f);
      for (int i = 0; i < file.values().length; i++) {
        warm.score(file.epochMs()[i], file.values()[i]);
      }
    }
    List<NabScorer.FileScores> scored = new ArrayList<>();
    long nanos = 0;
    long points = 0;
    for (NabCorpus.DataFile file : corpus) {
      NabDetector.Stream stream = detector.newStream();
      int n = file.values().length;
      double[] scores = new double[n];
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        scores[i] = stream.score(file.epochMs()[i], file.values()[i]);
      }
      nanos += System.nanoTime() - start;
      points += n;
      scored.add(new NabScorer.FileScores(file.name(), scores, file.windows()));
      if (out != null) {
        write(out, detector.name(), file, scores);
      }
    }
    Map<String, NabScorer.Result> results = new LinkedHashMap<>();
    for (NabScorer.Profile p : NabScorer.PROFILES) {
      results.put(p.name(), NabScorer.score(scored, p));
    }
    Map<String, Double> byCategory = byCategory(scored, results.get("standard"));
    double pps = points / (nanos / 1e9);
    Run run = new Run(detector.name(), results, pps, byCategory, scored);
    if (log != null) {
      report(run, log);
    }
    return run;
  }

  /** Normalised standard-profile score of each category at the corpus-wide threshold. */
  static Map<String, Double> byCategory(List<NabScorer.FileScores> files, NabScorer.Result r) {
    Map<String, double[]> acc = new LinkedHashMap<>(); // raw, windows
    for (NabScorer.FileScores f : files) {
      String cat = f.name().substring(0, f.name().indexOf('/'));
      double[] a = acc.computeIfAbsent(cat, k -> new double[2]);
      a[0] += NabScorer.fileScore(f, r.profile(), r.threshold());
      a[1] += NabScorer.scoredWindows(f.scores().length, f.windows());
    }
    Map<String, Double> result = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : acc.entrySet()) {
      double windows = e.getValue()[1];
      double nul = -r.profile().fn() * windows;
      double perfect = r.profile().tp() * windows;
      result.put(
          e.getKey(),
          windows == 0 ? Double.NaN : 100.0 * (e.getValue()[0] - nul) / (perfect - nul));
    }
    return result;
  }

  static void report(Run run, PrintStream log) {
    for (NabScorer.Result r : run.profiles().values()) {
      log.printf(
          Locale.ROOT,
          "%s %-14s score=%6.2f threshold=%.6f raw=%.3f windows=%d detected=%d fp_rows=%d%n",
          run.detector(),
          r.profile().name(),
          r.normalised(),
          r.threshold(),
          r.raw(),
          r.windows(),
          r.detectedWindows(),
          r.falsePositiveRows());
    }
    for (Map.Entry<String, Double> e : run.standardByCategory().entrySet()) {
      log.printf(
          Locale.ROOT,
          "%s category %-22s standard=%7.2f%n",
          run.detector(),
          e.getKey(),
          e.getValue());
    }
  }

  private static void write(Path out, String detector, NabCorpus.DataFile file, double[] scores)
      throws IOException {
    Path dir = out.resolve(detector).resolve(file.category());
    Files.createDirectories(dir);
    Path csv = dir.resolve(detector + "_" + file.fileName());
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("timestamp,value,anomaly_score,label\n");
      for (int i = 0; i < scores.length; i++) {
        w.write(file.timestamps()[i]);
        w.write(',');
        w.write(Double.toString(file.values()[i]));
        w.write(',');
        w.write(Double.toString(scores[i]));
        w.write(',');
        w.write(file.inWindow(i) ? '1' : '0');
        w.write('\n');
      }
    }
  }
}
