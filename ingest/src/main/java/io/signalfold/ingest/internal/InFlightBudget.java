package io.signalfold.ingest.internal;

/**
 * A bound on the memory that requests in flight may hold, in weighted bytes (a body's bytes times
 * what parsing it costs). A request that does not fit is refused with a retryable answer instead of
 * exhausting the heap. Thread-safe.
 */
public final class InFlightBudget {

  private final long limit;
  private long used;

  public InFlightBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("in-flight budget must be positive: " + limit);
    }
    this.limit = limit;
  }

  /** Reserves {@code n}; false (and nothing reserved) when that would exceed the limit. */
  public synchronized boolean tryReserve(long n) {
    if (n < 0 || used + n > limit) {
      return false;
    }
    used += n;
    return true;
  }

  public synchronized void release(long n) {
    used = Math.max(0, used - n);
  }

  /** Weighted bytes reserved now. */
  public synchronized long used() {
    return used;
  }

  public long limit() {
    return limit;
  }
}
