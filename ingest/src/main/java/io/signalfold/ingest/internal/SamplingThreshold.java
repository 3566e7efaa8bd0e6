package io.signalfold.ingest.internal;

/**
 * Adjusted count of a sampled span from its W3C tracestate, following OpenTelemetry consistent
 * probability sampling (OpenTelemetry specification, "TraceState: Probability Sampling"): the
 * {@code ot} vendor entry may hold {@code th:T}, where T is the 56-bit rejection threshold in 1 to
 * 14 hex digits with trailing zeros omitted. The sampling probability is {@code 1 - T / 2^56}, and
 * the span stands for {@code 1 / p} spans. A span without a (valid) threshold counts once.
 */
public final class SamplingThreshold {

  private static final double TWO_POW_56 = 0x1p56;

  private SamplingThreshold() {}

  /** 1.0 without a valid threshold; 1/p otherwise. */
  public static double adjustedCount(String traceState) {
    if (traceState == null || traceState.isEmpty()) {
      return 1.0;
    }
    int entry = findOtEntry(traceState);
    if (entry < 0) {
      return 1.0;
    }
    int end = traceState.indexOf(',', entry);
    if (end < 0) {
      end = traceState.length();
    }
    // Sub-keys of the ot entry are separated by ';' and written key:value.
    int i = entry;
    while (i < end) {
      int semi = traceState.indexOf(';', i);
      if (semi < 0 || semi > end) {
        semi = end;
      }
      if (semi - i > 3 && traceState.startsWith("th:", i)) {
        return fromThreshold(traceState, i + 3, semi);
      }
      i = semi + 1;
    }
    return 1.0;
  }

  /** Start of the value of the {@code ot=} list member, or -1. */
  private static int findOtEntry(String ts) {
    int from = 0;
    while (from < ts.length()) {
      int idx = ts.indexOf("ot=", from);
      if (idx < 0) {
        return -1;
      }
      // Must be a whole list-member key: at the start or after ',' (optional blanks).
      int k = idx - 1;
      while (k >= 0 && (ts.charAt(k) == ' ' || ts.charAt(k) == '\t')) {
        k--;
      }
      if (k < 0 || ts.charAt(k) == ',') {
        return idx + 3;
      }
      from = idx + 3;
    }
    return -1;
  }

  private static double fromThreshold(String ts, int from, int to) {
    int digits = to - from;
    if (digits < 1 || digits > 14) {
      return 1.0;
    }
    long t = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(ts.charAt(i), 16);
      if (d < 0) {
        return 1.0;
      }
      t = (t << 4) | d;
    }
    t <<= 4 * (14 - digits); // trailing zeros were omitted
    double p = 1.0 - t / TWO_POW_56;
    if (p <= 0) {
      return 1.0;
    }
    return 1.0 / p;
  }
}
