package io.signalfold.loadtest.nab;

import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.anomaly.core.EpisodeEvent;
import io.signalfold.anomaly.core.EpisodeListener;
import io.signalfold.anomaly.core.PointScore;
import io.signalfold.anomaly.core.SeriesDetector;
import io.signalfold.anomaly.core.SeriesSpec;

/**
 * The stage's own detector ({@link SeriesDetector}, the class the Flink operator keeps per series)
 * with the stage's default configuration, its evidence turned into one score per row by {@link
 * PointScore}: the score of the feed record the row produced (an episode opening, or an escalation
 * of an open one; what an on-call consumer of the anomaly feed would have seen at that moment), or
 * spatial novelty against the range seen since the file's first row, sequence novelty (a short
 * sequence of coarse slices of that range never seen before) or a sustained deviation from the same
 * time one day or one week earlier, once 60 rows have been seen (NAB's probationary period is at
 * least that long on every file but the shortest ones).
 */
public final class SignalfoldNabDetector implements NabDetector {

  private final DetectorConfig config;

  public SignalfoldNabDetector(DetectorConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "signalfold";
  }

  @Override
  public Stream newStream() {
    SeriesDetector detector = new SeriesDetector(config, SeriesSpec.generic());
    PointScore pointScore = PointScore.forNab();
    double[] rowScore = new double[1];
    EpisodeListener listener =
        (EpisodeEvent e) -> {
          if (e.escalation()) {
            rowScore[0] = Math.max(rowScore[0], e.score());
          }
        };
    return (t, v) -> {
      rowScore[0] = 0.0;
      detector.observe(t, v, listener);
      return pointScore.score(t, v, rowScore[0]);
    };
  }
}
