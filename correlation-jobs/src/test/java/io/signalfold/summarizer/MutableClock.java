package io.signalfold.summarizer;

import java.time.Instant;
import java.time.InstantSource;

/** A test clock that moves only when told to. */
final class MutableClock implements InstantSource {
  private volatile long millis;

  MutableClock(long millis) {
    this.millis = millis;
  }

  void advance(long ms) {
    millis += ms;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public long millis() {
    return millis;
  }
}
