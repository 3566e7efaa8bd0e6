package io.signalfold.anomaly.core;

import io.signalfold.schema.Direction;
import io.signalfold.schema.SignalClass;
import java.io.Serializable;

/**
 * What kind of series a detector watches: its class (LEADING or LAGGING), which side of the band
 * matters, how its noise behaves, and the limit a trend is heading to. Derived from the signal name
 * on every record (never stored in state), so a configuration change applies at once.
 *
 * @param signalClass LEADING (trend, drift, time to limit) or LAGGING (steps, spikes)
 * @param sides UP or DOWN to alert on one side only, NONE for both
 * @param noise how to judge a deviation given the number of trials behind the value
 * @param limit the capacity or threshold a trend is heading to, or null
 * @param trend whether the trend and drift detectors run on this series
 * @param minDeviation the smallest deviation from the expectation that matters in the signal's own
 *     unit (0: any); a series smoother than that (a disk filling by 0.05 points an hour) gets a
 *     band of at least this half-width, so that statistically clear but meaningless moves stay in
 *     band
 */
public record SeriesSpec(
    SignalClass signalClass,
    Direction sides,
    NoiseModel noise,
    Double limit,
    boolean trend,
    double minDeviation)
    implements Serializable {

  /** A spec without a minimum deviation. */
  public SeriesSpec(
      SignalClass signalClass, Direction sides, NoiseModel noise, Double limit, boolean trend) {
    this(signalClass, sides, noise, limit, trend, 0.0);
  }

  /** How the count behind a value limits how surprising it can be. */
  public enum NoiseModel {
    /** A measured value (gauge, latency, rate of a large population). */
    CONTINUOUS,
    /** A fraction of trials (error ratio): value = failures / trials. */
    BINOMIAL,
    /** A rate of rare events (log template counts): value = count / exposure seconds. */
    POISSON
  }

  /** A plain two-sided continuous series, as NAB uses. */
  public static SeriesSpec generic() {
    return new SeriesSpec(SignalClass.LAGGING, Direction.NONE, NoiseModel.CONTINUOUS, null, false);
  }
}
