package io.signalfold.loadtest.nab;

/** A streaming detector as the NAB harness drives it: one fresh stream per corpus file. */
public interface NabDetector {

  /** Name used in the results folder and the printed line. */
  String name();

  /** A fresh per-file scorer. */
  Stream newStream();

  /** Scores one file row by row; a row's score may use only that row and earlier ones. */
  interface Stream {
    /** Observes the row and returns its anomaly score in [0, 1]. */
    double score(long timestampMs, double value);
  }
}
