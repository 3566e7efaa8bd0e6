package io.signalfold.slo.internal;

/**
 * One contribution to one SLO group's buckets: bad and total events at an event time. Bad may be
 * negative when only the good side of a ratio arrives in this record (bad = total - good is
 * additive). This is the record between the SLI extractors and the keyed evaluation.
 *
 * @param key SLO name and group ({@link SliKeys#key})
 * @param eventTimeMs end of the interval the counts cover
 * @param bad bad events (or minus the good ones)
 * @param total all events
 */
public record SliSample(String key, long eventTimeMs, double bad, double total) {}
