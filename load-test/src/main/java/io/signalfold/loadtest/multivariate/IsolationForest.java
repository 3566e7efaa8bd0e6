package io.signalfold.loadtest.multivariate;

import java.util.Random;

/**
 * Isolation forest (Liu, Ting and Zhou, "Isolation Forest", ICDM 2008), written from the paper as
 * the baseline of the multivariate evaluation: Smile 2.6.0, the last LGPL release the project may
 * use, has no isolation forest ({@code smile.anomaly} arrived in the GPL 3.x line). Each tree is
 * grown on a sub-sample of {@code sampleSize} rows without replacement, splitting on a random
 * feature at a uniform random value between its minimum and maximum, up to height {@code ceil(log2
 * sampleSize)}; the score of x is {@code 2^(-E[h(x)] / c(sampleSize))}, where h is the path length
 * plus {@code c(size)} of the leaf reached and c(n) the average path length of an unsuccessful
 * search in a binary search tree.
 */
final class IsolationForest {

  private static final double EULER = 0.5772156649015329;

  private final Tree[] trees;
  private final double norm;

  private IsolationForest(Tree[] trees, int sampleSize) {
    this.trees = trees;
    this.norm = averagePath(sampleSize);
  }

  static IsolationForest fit(double[][] rows, int treeCount, int sampleSize, long seed) {
    Random random = new Random(seed);
    int psi = Math.min(sampleSize, rows.length);
    int heightLimit = (int) Math.ceil(Math.log(psi) / Math.log(2));
    Tree[] trees = new Tree[treeCount];
    int[] index = new int[rows.length];
    for (int t = 0; t < treeCount; t++) {
      for (int i = 0; i < index.length; i++) {
        index[i] = i;
      }
      for (int i = 0; i < psi; i++) { // partial Fisher-Yates: the first psi are the sample
        int j = i + random.nextInt(index.length - i);
        int tmp = index[i];
        index[i] = index[j];
        index[j] = tmp;
      }
      Tree tree = new Tree(2 * psi);
      tree.grow(rows, index, 0, psi, 0, heightLimit, random);
      trees[t] = tree;
    }
    return new IsolationForest(trees, psi);
  }

  /** Anomaly score in (0, 1]; about 0.5 and below is normal, near 1 is isolated quickly. */
  double score(double[] x) {
    double sum = 0;
    for (Tree t : trees) {
      sum += t.pathLength(x);
    }
    return Math.pow(2.0, -(sum / trees.length) / norm);
  }

  /** c(n): average path length of an unsuccessful binary-search-tree search among n points. */
  static double averagePath(int n) {
    if (n <= 1) {
      return 0.0;
    }
    if (n == 2) {
      return 1.0;
    }
    return 2.0 * (Math.log(n - 1.0) + EULER) - 2.0 * (n - 1.0) / n;
  }

  /** One tree in flat arrays: node i splits on feature[i] at split[i], or is a leaf of size[i]. */
  private static final class Tree {
    final int[] feature;
    final double[] split;
    final int[] left;
    final int[] right;
    final int[] size;
    int nodes;

    Tree(int capacity) {
      feature = new int[capacity];
      split = new double[capacity];
      left = new int[capacity];
      right = new int[capacity];
      size = new int[capacity];
    }

    /** Grows the subtree over index[from, to) and returns its node. */
    int grow(double[][] rows, int[] index, int from, int to, int depth, int limit, Random random) {
      int node = nodes++;
      int n = to - from;
      feature[node] = -1;
      size[node] = n;
      if (depth >= limit || n <= 1) {
        return node;
      }
      int dims = rows[index[from]].length;
      // a random feature that still varies in this node (give up after a few tries)
      for (int attempt = 0; attempt < 2 * dims; attempt++) {
        int f = random.nextInt(dims);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
          double v = rows[index[i]][f];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        if (hi <= lo) {
          continue;
        }
        double s = lo + (hi - lo) * random.nextDouble();
        int mid = from;
        for (int i = from; i < to; i++) {
          if (rows[index[i]][f] < s) {
            int tmp = index[i];
            index[i] = index[mid];
            index[mid] = tmp;
            mid++;
          }
        }
        feature[node] = f;
        split[node] = s;
        left[node] = grow(rows, index, from, mid, depth + 1, limit, random);
        right[node] = grow(rows, index, mid, to, depth + 1, limit, random);
        return node;
      }
      return node;
    }

    double pathLength(double[] x) {
      int node = 0;
      int depth = 0;
      while (feature[node] >= 0) {
        node = x[feature[node]] < split[node] ? left[node] : right[node];
        depth++;
      }
      return depth + averagePath(size[node]);
    }
  }
}
