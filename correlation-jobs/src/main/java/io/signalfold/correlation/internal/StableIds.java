package io.signalfold.correlation.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Ids derived from data only (a hash of the content plus a time bucket), so a replay of the same
 * input gives the same ids.
 */
public final class StableIds {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm").withZone(ZoneOffset.UTC);

  private StableIds() {}

  /** First 8 bytes of SHA-256, hex. */
  public static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(16);
      for (int i = 0; i < 8; i++) {
        sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16))
            .append(Character.forDigit(d[i] & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** Candidate id: onset bucket time + hash of the first opening signal's series and bucket. */
  public static String candidateId(String seriesId, long onsetMs, long bucketMs) {
    long bucket = Math.floorDiv(onsetMs, bucketMs) * bucketMs;
    return "inc-"
        + STAMP.format(Instant.ofEpochMilli(bucket))
        + "-"
        + hash(seriesId + "|" + bucket).substring(0, 10);
  }

  public static String anomalyId(String seriesId, long onsetMs) {
    return "anom-" + hash(seriesId + "|" + onsetMs);
  }

  public static String hypothesisId(String kind, String entity, String changeId) {
    return "hyp-" + hash(kind + "|" + entity + "|" + changeId).substring(0, 12);
  }
}
