package io.signalfold.loadtest.nab;

import io.signalfold.anomaly.core.DetectorConfig;
import io.signalfold.anomaly.core.EpisodeEvent;
import io.signalfold.anomaly.core.EpisodeListener;
import io.signalfold.anomaly.core.SeriesDetector;
import io.signalfold.anomaly.core.SeriesSpec;

/**
 * The stage's own detector ({@link SeriesDetector}, the class the Flink operator keeps per series)
 * with the stage's default configuration. The row score is the score of the feed record the row
 * produced: an episode opening, or an escalation of an open one; rows that publish nothing score 0.
 * That is what an on-call consumer of the anomaly feed would have seen at that moment.
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
      return rowScore[0];
    };
  }
}
