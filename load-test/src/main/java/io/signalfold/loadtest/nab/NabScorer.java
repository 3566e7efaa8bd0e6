package io.signalfold.loadtest.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Numenta Anomaly Benchmark scoring rules, written from the description in {@code
 * shared/nab/SCORING.md}: scaled-sigmoid weighting of detections by their position relative to the
 * labelled windows, one threshold per profile chosen to maximise the summed corpus score, and
 * normalisation between the null detector (0) and the perfect one (100).
 */
public final class NabScorer {

  /** A scoring profile: weights of a true positive, a false positive and a false negative. */
  public record Profile(String name, double tp, double fp, double fn) {}

  public static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);
  public static final Profile REWARD_LOW_FP = new Profile("reward_low_fp", 1.0, 0.22, 1.0);
  public static final Profile REWARD_LOW_FN = new Profile("reward_low_fn", 1.0, 0.11, 2.0);
  public static final List<Profile> PROFILES = List.of(STANDARD, REWARD_LOW_FP, REWARD_LOW_FN);

  /**
   * One scored file: anomaly scores per row and the labelled windows as inclusive row ranges.
   *
   * @param name file name relative to the corpus data folder (category/file.csv)
   * @param scores one score per row
   * @param windows inclusive [start, end] row index pairs, in time order
   */
  public record FileScores(String name, double[] scores, int[][] windows) {}

  /** Result of scoring a corpus under one profile. */
  public record Result(
      Profile profile,
      double threshold,
      double raw,
      double nullScore,
      double perfect,
      double normalised,
      int windows,
      int detectedWindows,
      int falsePositiveRows) {}

  private NabScorer() {}

  /** S(p) = 2 sig(-5p) - 1, and -1 for p > 3. */
  public static double scaledSigmoid(double p) {
    if (p > 3.0) {
      return -1.0;
    }
    return 2.0 / (1.0 + Math.exp(5.0 * p)) - 1.0;
  }

  /** The probationary period of a file of n rows: min(floor(0.15 n), 750). */
  public static int probation(int n) {
    return Math.min((int) Math.floor(0.15 * n), (int) Math.floor(0.15 * 5000));
  }

  /**
   * The weighted value of each row if it detects, under one profile, and the window each row lies
   * in (-1 outside). Probationary rows get NaN.
   */
  static void rowValues(int n, int[][] windows, Profile profile, double[] value, int[] windowOf) {
    int prob = probation(n);
    double sMinus1 = scaledSigmoid(-1.0);
    int next = 0;
    int lastEnd = -1;
    int lastWidth = 0;
    for (int i = 0; i < n; i++) {
      windowOf[i] = -1;
      while (next < windows.length && windows[next][1] < i) {
        lastEnd = windows[next][1];
        lastWidth = windows[next][1] - windows[next][0] + 1;
        next++;
      }
      if (i < prob) {
        value[i] = Double.NaN;
        continue;
      }
      if (next < windows.length && windows[next][0] <= i) {
        int a = windows[next][0];
        int b = windows[next][1];
        int w = b - a + 1;
        double p = -(b - i + 1) / (double) w;
        value[i] = scaledSigmoid(p) * profile.tp() / sMinus1;
        windowOf[i] = next;
      } else if (lastEnd < 0) {
        value[i] = -profile.fp();
      } else {
        double p = Math.abs(lastEnd - i) / (double) Math.max(lastWidth - 1, 1);
        value[i] = scaledSigmoid(p) * profile.fp();
      }
    }
  }

  /** Number of windows of a file that have at least one row after the probationary period. */
  static int scoredWindows(int n, int[][] windows) {
    int prob = probation(n);
    int count = 0;
    for (int[] w : windows) {
      if (w[1] >= prob) {
        count++;
      }
    }
    return count;
  }

  /** Score of one file at a fixed threshold (used by tests and per-file reports). */
  public static double fileScore(FileScores file, Profile profile, double threshold) {
    int n = file.scores().length;
    double[] value = new double[n];
    int[] windowOf = new int[n];
    rowValues(n, file.windows(), profile, value, windowOf);
    double total = 0;
    double[] best = new double[file.windows().length];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(value[i]) || file.scores()[i] < threshold) {
        continue;
      }
      if (windowOf[i] >= 0) {
        best[windowOf[i]] = Math.max(best[windowOf[i]], value[i]);
      } else {
        total += value[i];
      }
    }
    int prob = probation(n);
    for (int w = 0; w < best.length; w++) {
      if (file.windows()[w][1] < prob) {
        continue;
      }
      total += best[w] == Double.NEGATIVE_INFINITY ? -profile.fn() : best[w];
    }
    return total;
  }

  /**
   * Scores a corpus under one profile: sweeps every distinct score value as threshold (from the
   * highest down, adding rows incrementally) and keeps the one with the largest summed score.
   */
  public static Result score(List<FileScores> files, Profile profile) {
    List<double[]> rows = new ArrayList<>(); // {score, value, globalWindow or -1}
    int windowCount = 0;
    List<Integer> windowBase = new ArrayList<>();
    for (FileScores f : files) {
      int n = f.scores().length;
      double[] value = new double[n];
      int[] windowOf = new int[n];
      rowValues(n, f.windows(), profile, value, windowOf);
      windowBase.add(windowCount);
      for (int i = 0; i < n; i++) {
        if (Double.isNaN(value[i])) {
          continue;
        }
        rows.add(
            new double[] {
              f.scores()[i], value[i], windowOf[i] < 0 ? -1 : windowCount + windowOf[i]
            });
      }
      windowCount += f.windows().length;
    }
    // windows entirely inside the probationary period do not count
    boolean[] scored = new boolean[windowCount];
    int scoredCount = 0;
    int fi = 0;
    for (FileScores f : files) {
      int prob = probation(f.scores().length);
      for (int w = 0; w < f.windows().length; w++) {
        if (f.windows()[w][1] >= prob) {
          scored[windowBase.get(fi) + w] = true;
          scoredCount++;
        }
      }
      fi++;
    }
    rows.sort((x, y) -> Double.compare(y[0], x[0]));
    double nullScore = -profile.fn() * scoredCount;
    double perfect = profile.tp() * scoredCount;
    double[] best = new double[windowCount];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    double current = nullScore;
    double bestTotal = nullScore;
    double bestThreshold = Double.POSITIVE_INFINITY;
    int i = 0;
    while (i < rows.size()) {
      double threshold = rows.get(i)[0];
      while (i < rows.size() && rows.get(i)[0] == threshold) {
        double[] r = rows.get(i);
        int w = (int) r[2];
        if (w < 0) {
          current += r[1];
        } else if (r[1] > best[w]) {
          current += best[w] == Double.NEGATIVE_INFINITY ? r[1] + profile.fn() : r[1] - best[w];
          best[w] = r[1];
        }
        i++;
      }
      if (current > bestTotal) {
        bestTotal = current;
        bestThreshold = threshold;
      }
    }
    int detected = 0;
    int fps = 0;
    for (double[] r : rows) {
      if (r[0] >= bestThreshold && r[2] < 0) {
        fps++;
      }
    }
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (double[] r : rows) {
      if (r[0] >= bestThreshold && r[2] >= 0) {
        best[(int) r[2]] = 1;
      }
    }
    for (int w = 0; w < windowCount; w++) {
      if (scored[w] && best[w] == 1) {
        detected++;
      }
    }
    double normalised = 100.0 * (bestTotal - nullScore) / (perfect - nullScore);
    return new Result(
        profile,
        bestThreshold,
        bestTotal,
        nullScore,
        perfect,
        normalised,
        scoredCount,
        detected,
        fps);
  }
}
