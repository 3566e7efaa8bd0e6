package io.signalfold.correlation.internal;

import io.signalfold.schema.ChangeEvent;

/**
 * All the state of one correlation domain. Every store is bounded: entries expire by event-time
 * cleanup (see {@code StateJanitor}) and counts are capped by configuration.
 */
public interface CorrelationState {

  /** Raw signals by source-prefixed id. */
  KeyedStore<SignalState> signals();

  /** Candidates by id. */
  KeyedStore<CandidateState> candidates();

  /** Next deadline (open, update, resolve check, expiry) per candidate id. */
  KeyedStore<Long> deadlines();

  /** Signal and change records waiting for the watermark, by time-ordered key. */
  KeyedStore<CorrelationInput> pending();

  /** Change events by id. */
  KeyedStore<ChangeEvent> changes();

  /** Topology edges by caller + callee. */
  KeyedStore<EdgeState> edges();

  /** RED series rings by service/operation/kind/peer. */
  KeyedStore<RedSeriesState> redSeries();

  /** RED interval counts by series and slot start: [requests, errors, maxP95, throttled]. */
  KeyedStore<double[]> redSlots();

  /** Impact HLL sketches by series, slot start and attribute. */
  KeyedStore<byte[]> sketches();

  /** Business metric buckets: [sum, count]. */
  KeyedStore<double[]> business();

  /** Inventory facts: last-seen time by service/type or service/facet/value. */
  KeyedStore<Long> inventory();

  StateCell<EngineMeta> meta();
}
