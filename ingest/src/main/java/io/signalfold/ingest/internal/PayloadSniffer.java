package io.signalfold.ingest.internal;

/**
 * Tells JSON from protobuf by the first non-blank byte. An OTLP request in protobuf starts with the
 * tag of field 1 (0x0A); '{' (0x7B) would be field 15 as a start-group, which no OTLP request has.
 */
public final class PayloadSniffer {

  private PayloadSniffer() {}

  public static boolean looksLikeJson(byte[] value) {
    for (byte b : value) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' || b == '[';
    }
    return false;
  }

  public static String firstByteHex(byte[] value) {
    return value.length == 0 ? "(empty)" : String.format("%02x", value[0] & 0xFF);
  }
}
