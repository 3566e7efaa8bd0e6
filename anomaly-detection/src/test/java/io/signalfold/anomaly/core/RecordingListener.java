package io.signalfold.anomaly.core;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;
import java.util.ArrayList;
import java.util.List;

/** Copies every published episode transition. */
final class RecordingListener implements EpisodeListener {

  record Published(
      AnomalyPhase phase,
      AnomalyKind kind,
      AnomalyTier tier,
      Direction direction,
      long timestampMs,
      long onsetMs,
      double score,
      boolean recurring,
      double recurringMagnitude,
      double slopePerHour,
      long timeToLimitMs,
      long historyPoints,
      boolean onsetCensored) {}

  final List<Published> events = new ArrayList<>();

  @Override
  public void onEpisode(EpisodeEvent e) {
    events.add(
        new Published(
            e.phase(),
            e.kind(),
            e.tier(),
            e.direction(),
            e.timestampMs(),
            e.onsetMs(),
            e.score(),
            e.recurring(),
            e.recurringMagnitude(),
            e.slopePerHour(),
            e.timeToLimitMs(),
            e.historyPoints(),
            e.onsetCensored()));
  }

  List<Published> opened() {
    return events.stream().filter(p -> p.phase() == AnomalyPhase.OPEN).toList();
  }

  List<Published> alarms() {
    return events.stream()
        .filter(p -> p.phase() != AnomalyPhase.RECOVERED && p.tier() == AnomalyTier.ALARM)
        .toList();
  }

  void clear() {
    events.clear();
  }
}
