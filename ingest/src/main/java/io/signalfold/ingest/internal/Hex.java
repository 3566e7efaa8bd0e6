package io.signalfold.ingest.internal;

import com.google.protobuf.ByteString;

/** Lowercase hex for trace and span ids, without intermediate strings per byte. */
public final class Hex {

  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  public static String encode(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = DIGITS[bytes[i] & 0xF];
    }
    return new String(out);
  }

  /** Hex of a protobuf bytes field; the empty string for an empty field. */
  public static String encode(ByteString bytes) {
    int n = bytes.size();
    if (n == 0) {
      return "";
    }
    char[] out = new char[n * 2];
    for (int i = 0; i < n; i++) {
      byte b = bytes.byteAt(i);
      out[2 * i] = DIGITS[(b >> 4) & 0xF];
      out[2 * i + 1] = DIGITS[b & 0xF];
    }
    return new String(out);
  }

  /** Decodes hex (either case); null when the text is not hex of even length. */
  public static byte[] decode(String hex) {
    if ((hex.length() & 1) != 0) {
      return null;
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }
}
