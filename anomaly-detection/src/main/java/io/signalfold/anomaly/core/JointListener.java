package io.signalfold.anomaly.core;

/**
 * Receives the episode transitions of an {@link EntityJointCheck}. The event is reused: a listener
 * that keeps it must copy what it needs.
 */
@FunctionalInterface
public interface JointListener {

  /** Called once per published transition (OPEN, CONTINUING or RECOVERED). */
  void onJoint(JointEvent event);

  /** A listener that ignores everything (benchmarks, warm-up). */
  JointListener NONE = e -> {};
}
