package io.signalfold.anomaly.core;

import java.io.Serializable;

/**
 * Parameters of the per-series model and its detectors. One configuration serves every series of a
 * job (and the whole NAB corpus); time constants are in event time so that a change of export
 * resolution (1 m history, 10 s live) does not change how fast the model learns. Every time
 * constant also has a floor in points ({@code minPointsPerTau}) so that sparse series (one point
 * per hour) still average over a few points.
 *
 * @param minHistoryMs event time a series must have been observed before it may alert (cold start)
 * @param minHistoryPoints points a series must have seen before it may alert
 * @param levelTauMs time constant of the short-term level (local offset from the seasonal baseline)
 * @param baselineTauMs time constant of the slow, deseasonalised baseline
 * @param seasonDays memory of the daily profile in days (weekly profile: this many weeks)
 * @param spreadTauMs time constant of the robust spread (mean absolute residual)
 * @param minPointsPerTau each time constant covers at least this many typical intervals
 * @param anomalyWeight learning weight of points outside the band (reduced-weight learning)
 * @param learnBandZ residuals beyond this many sigmas count as outside the band for learning
 * @param cusumSlack CUSUM allowance k in sigmas (Page 1954): shifts smaller than this are ignored
 * @param investigateScore score from which an episode opens on the feed (tier INVESTIGATE)
 * @param alarmScore score from which an episode is (or escalates to) tier ALARM
 * @param recoverPoints consecutive points back in band that end an episode
 * @param recoverZ a point is back in band when its calibrated |z| is below this
 * @param shiftAcceptMs a deviation that persists this long in one direction is accepted as the new
 *     level (the episode recovers); errors stay visible this long at least
 * @param refreshMs an open episode is re-published (CONTINUING) at most this often
 * @param trendTauMs time constant of the trend regression (leading indicators)
 * @param trendHorizonMs a trend is reported when its limit is reached within this horizon, or when
 *     its projected change over this horizon exceeds {@code trendMinSigmas} baseline spreads
 * @param trendMinSigmas projected change over the horizon, in slow spreads, that makes a trend
 * @param trendMinR2 minimum coefficient of determination of the trend regression
 * @param driftMinRatio relative change of the 7-day mean versus four weeks earlier that is drift
 * @param recurringMinDays earlier days with an episode at the same time of day that make it
 *     recurring
 * @param missingIntervals silence longer than this many typical intervals is missing data
 * @param missingMinMs silence shorter than this is never missing data
 * @param reopenCooldownMs after an episode recovers, a new one opens within this time only if it is
 *     stronger than the last (anti-flapping: one incident, one episode)
 */
public record DetectorConfig(
    long minHistoryMs,
    int minHistoryPoints,
    long levelTauMs,
    long baselineTauMs,
    double seasonDays,
    long spreadTauMs,
    int minPointsPerTau,
    double anomalyWeight,
    double learnBandZ,
    double cusumSlack,
    double investigateScore,
    double alarmScore,
    int recoverPoints,
    double recoverZ,
    long shiftAcceptMs,
    long refreshMs,
    long trendTauMs,
    long trendHorizonMs,
    double trendMinSigmas,
    double trendMinR2,
    double driftMinRatio,
    int recurringMinDays,
    double missingIntervals,
    long missingMinMs,
    long reopenCooldownMs)
    implements Serializable {

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  /** The defaults used by the stage and by the NAB harness. */
  public static DetectorConfig defaults() {
    return new DetectorConfig(
        24 * HOUR,
        60,
        30 * MINUTE,
        24 * HOUR,
        4.0,
        6 * HOUR,
        4,
        0.1,
        3.0,
        1.0,
        0.5,
        0.8,
        3,
        2.0,
        2 * HOUR,
        15 * MINUTE,
        48 * HOUR,
        7 * 24 * HOUR,
        4.0,
        0.7,
        0.10,
        2,
        5.0,
        5 * MINUTE,
        6 * HOUR);
  }

  /** A copy with another cold-start requirement. */
  public DetectorConfig withMinHistory(long ms, int pointCount) {
    return new DetectorConfig(
        ms,
        pointCount,
        levelTauMs,
        baselineTauMs,
        seasonDays,
        spreadTauMs,
        minPointsPerTau,
        anomalyWeight,
        learnBandZ,
        cusumSlack,
        investigateScore,
        alarmScore,
        recoverPoints,
        recoverZ,
        shiftAcceptMs,
        refreshMs,
        trendTauMs,
        trendHorizonMs,
        trendMinSigmas,
        trendMinR2,
        driftMinRatio,
        recurringMinDays,
        missingIntervals,
        missingMinMs,
        reopenCooldownMs);
  }

  /** A copy with another shift acceptance time. */
  public DetectorConfig withShiftAcceptMs(long ms) {
    return new DetectorConfig(
        minHistoryMs,
        minHistoryPoints,
        levelTauMs,
        baselineTauMs,
        seasonDays,
        spreadTauMs,
        minPointsPerTau,
        anomalyWeight,
        learnBandZ,
        cusumSlack,
        investigateScore,
        alarmScore,
        recoverPoints,
        recoverZ,
        ms,
        refreshMs,
        trendTauMs,
        trendHorizonMs,
        trendMinSigmas,
        trendMinR2,
        driftMinRatio,
        recurringMinDays,
        missingIntervals,
        missingMinMs,
        reopenCooldownMs);
  }
}
