package io.signalfold.slo;

import io.signalfold.schema.AlertState;
import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Collects what an evaluator emits. */
final class CollectingOutput implements SloEvaluator.Output {

  final List<SloStatus> statuses = new ArrayList<>();
  final List<SloBurnAlert> alerts = new ArrayList<>();

  @Override
  public void status(SloStatus status) {
    statuses.add(status);
  }

  @Override
  public void alert(SloBurnAlert alert) {
    alerts.add(alert);
  }

  List<SloBurnAlert> burnAlerts() {
    return alerts.stream()
        .filter(a -> a.getAlertKind() == SloAlertKind.BURN_RATE)
        .collect(Collectors.toList());
  }

  /** {@code page-1h-5m FIRING @ 18} (minutes since {@code originMs}) for readable assertions. */
  List<String> transitions(long originMs) {
    return alerts.stream()
        .map(a -> ruleOf(a) + " " + a.getState() + " @ " + (a.getTimestampMs() - originMs) / 60_000)
        .collect(Collectors.toList());
  }

  static String ruleOf(SloBurnAlert a) {
    String id = a.getId();
    return id.substring(id.lastIndexOf('/') + 1, id.lastIndexOf('@'));
  }

  long firingCount() {
    return alerts.stream().filter(a -> a.getState() == AlertState.FIRING).count();
  }
}
