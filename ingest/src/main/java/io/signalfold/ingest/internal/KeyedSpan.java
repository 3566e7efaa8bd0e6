package io.signalfold.ingest.internal;

/** A span routed to one RED series (operation series or one of the rollups). A Flink POJO. */
public final class KeyedSpan {
  /** Operation series (service/operation/kind/peer + breakdown dimensions). */
  public static final int OPERATION = 0;

  /** Service-level rollup (operation '*'). */
  public static final int SERVICE = 1;

  /** {@code ROLLUP_BASE + RedDimension.ordinal()}: service rollup per value of one dimension. */
  public static final int ROLLUP_BASE = 2;

  public String key;
  public int mode;
  public SpanRecord span;

  public KeyedSpan() {}

  static KeyedSpan of(String key, int mode, SpanRecord span) {
    KeyedSpan k = new KeyedSpan();
    k.key = key;
    k.mode = mode;
    k.span = span;
    return k;
  }

  public String getKey() {
    return key;
  }
}
