package io.signalfold.loadtest.generator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts records and bytes and keeps a SHA-256 over everything written (topic, key, value,
 * timestamp, in order): the dry run and the determinism check.
 */
public final class CountingTelemetryWriter implements TelemetryWriter {

  private final MessageDigest digest;
  private final boolean hash;
  private long records;
  private long bytes;

  /** {@code hash}: also digest the content (costs time). */
  public CountingTelemetryWriter(boolean hash) {
    this.hash = hash;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void write(String topic, byte[] key, byte[] value, long timestampMs) {
    records++;
    bytes += value.length + key.length;
    if (hash) {
      digest.update(topic.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      digest.update(key);
      digest.update(value);
      for (int i = 0; i < 8; i++) {
        digest.update((byte) (timestampMs >>> (8 * i)));
      }
    }
  }

  public long records() {
    return records;
  }

  public long bytes() {
    return bytes;
  }

  /** Hex SHA-256 of everything written so far (only with {@code hash}). */
  public String sha256() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }
}
