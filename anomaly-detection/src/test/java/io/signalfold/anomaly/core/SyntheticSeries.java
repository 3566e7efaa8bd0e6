package io.signalfold.anomaly.core;

import java.util.Random;

/**
 * Test series shaped like production telemetry: a daily cycle (trough = peak * (1 - amplitude)), a
 * weekend factor, relative Gaussian noise, fixed seed.
 */
final class SyntheticSeries {

  static final long MINUTE = 60_000L;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  /** Monday 2026-03-02 00:00 UTC. */
  static final long START = 1_772_409_600_000L;

  private final double peak;
  private final double amplitude;
  private final double weekend;
  private final double noise;
  private final Random random;

  SyntheticSeries(double peak, double amplitude, double weekend, double noise, long seed) {
    this.peak = peak;
    this.amplitude = amplitude;
    this.weekend = weekend;
    this.noise = noise;
    this.random = new Random(seed);
  }

  /** The noiseless level at time t: peak at 15:00 UTC, trough at 03:00. */
  double level(long t) {
    double hour = (Math.floorMod(t, DAY)) / (double) HOUR;
    double cycle = 0.5 * (1 + Math.cos(2 * Math.PI * (hour - 15) / 24.0));
    double v = peak * (1 - amplitude + amplitude * cycle);
    long dayOfWeek = Math.floorMod(Math.floorDiv(t, DAY) + 3, 7L); // 0 = Monday
    return dayOfWeek >= 5 ? v * weekend : v;
  }

  double at(long t) {
    return level(t) * (1 + noise * random.nextGaussian());
  }
}
