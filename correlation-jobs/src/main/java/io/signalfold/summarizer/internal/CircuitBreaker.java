package io.signalfold.summarizer.internal;

import java.time.Duration;
import java.time.InstantSource;

/**
 * A three-state circuit breaker (closed, open, half-open) in front of the LLM endpoint.
 *
 * <p>Design note: the classic breaker of Nygard's "Release It!" as implemented by resilience
 * libraries (Resilience4j, Polly): after {@code failureThreshold} consecutive failures calls are
 * refused for {@code openDuration}; then exactly one probe is let through; its success closes the
 * breaker, its failure opens it again. Time comes from an injected clock.
 */
public final class CircuitBreaker {

  /** The breaker's states. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failureThreshold;
  private final long openMillis;
  private final InstantSource clock;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAtMs;
  private boolean probeInFlight;

  public CircuitBreaker(int failureThreshold, Duration openDuration, InstantSource clock) {
    this.failureThreshold = failureThreshold;
    this.openMillis = openDuration.toMillis();
    this.clock = clock;
  }

  /** True when a call may go out now; a half-open breaker lets one probe through. */
  public synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.millis() - openedAtMs >= openMillis) {
          state = State.HALF_OPEN;
          probeInFlight = true;
          return true;
        }
        return false;
      case HALF_OPEN:
      default:
        if (!probeInFlight) {
          probeInFlight = true;
          return true;
        }
        return false;
    }
  }

  /** The endpoint answered usefully. */
  public synchronized void onSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    probeInFlight = false;
  }

  /** The endpoint failed (connection error, timeout, 429, 5xx). */
  public synchronized void onFailure() {
    probeInFlight = false;
    if (state == State.HALF_OPEN) {
      open();
      return;
    }
    consecutiveFailures++;
    if (consecutiveFailures >= failureThreshold) {
      open();
    }
  }

  /** A call that was acquired but never made (e.g. out of budget) gives its probe back. */
  public synchronized void release() {
    probeInFlight = false;
  }

  public synchronized State state() {
    if (state == State.OPEN && clock.millis() - openedAtMs >= openMillis) {
      return State.HALF_OPEN;
    }
    return state;
  }

  private void open() {
    state = State.OPEN;
    openedAtMs = clock.millis();
    consecutiveFailures = 0;
  }
}
