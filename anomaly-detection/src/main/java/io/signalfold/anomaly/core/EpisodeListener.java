package io.signalfold.anomaly.core;

/**
 * Receives the episode transitions of a {@link SeriesDetector}. The event object is reused by the
 * detector: a listener that keeps it must copy what it needs.
 */
@FunctionalInterface
public interface EpisodeListener {

  /** Called once per published transition (OPEN, CONTINUING or RECOVERED). */
  void onEpisode(EpisodeEvent event);

  /** A listener that ignores everything (benchmarks, warm-up). */
  EpisodeListener NONE = e -> {};
}
