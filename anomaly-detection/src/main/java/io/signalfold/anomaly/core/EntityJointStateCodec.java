package io.signalfold.anomaly.core;

import java.nio.ByteBuffer;

/**
 * Binary layout of {@link EntityJointCheck} state, versioned like {@link SeriesStateCodec} so that
 * a later layout can restore this one (Flink only sees a {@code byte[]}). Every array has its fixed
 * size, so the encoding is always {@link #BYTES} long.
 */
public final class EntityJointStateCodec {

  /** The version written. */
  public static final int CURRENT_VERSION = 1;

  private static final int M = EntityJointCheck.MAX_METRICS;

  /** Size of one encoded state. */
  public static final int BYTES =
      1 // version
          + 3 * 8 // firstMs, lastMs, vectors
          + 8 // bucketStart
          + 2 * M * 8 // bucketSum, bucketCount
          + 2 * M * 8 // metricFirstMs, metricVectors
          + 3 * M * 8 // mean, var, zMean
          + M * 8 // covVectors
          + EntityJointCheck.PAIRS * 8 // cov
          + EntityJointCheck.SURPRISE_BINS * 4 // surpriseHist
          + 8 // typicalDistance
          + 8
          + 8
          + 4
          + 8
          + 8; // onsetMs, lastPublishedMs, quietVectors, episodeScore, quietUntilMs

  private EntityJointStateCodec() {}

  public static byte[] encode(EntityJointCheck c) {
    byte[] bytes = new byte[BYTES];
    ByteBuffer out = ByteBuffer.wrap(bytes);
    out.put((byte) CURRENT_VERSION);
    out.putLong(c.firstMs);
    out.putLong(c.lastMs);
    out.putLong(c.vectors);
    out.putLong(c.bucketStart);
    putDoubles(out, c.bucketSum);
    putDoubles(out, c.bucketCount);
    putLongs(out, c.metricFirstMs);
    putLongs(out, c.metricVectors);
    putDoubles(out, c.mean);
    putDoubles(out, c.var);
    putDoubles(out, c.zMean);
    putLongs(out, c.covVectors);
    putDoubles(out, c.cov);
    for (float f : c.surpriseHist) {
      out.putFloat(f);
    }
    out.putDouble(c.typicalDistance);
    out.putLong(c.onsetMs);
    out.putLong(c.lastPublishedMs);
    out.putInt(c.quietVectors);
    out.putDouble(c.episodeScore);
    out.putLong(c.quietUntilMs);
    return bytes;
  }

  /** Restores every field of {@code into} from {@code state}. */
  public static void decode(byte[] state, EntityJointCheck into) {
    ByteBuffer in = ByteBuffer.wrap(state);
    int version = in.get() & 0xff;
    if (version != CURRENT_VERSION) {
      throw new IllegalStateException("unknown entity joint state version " + version);
    }
    into.reset();
    into.firstMs = in.getLong();
    into.lastMs = in.getLong();
    into.vectors = in.getLong();
    into.bucketStart = in.getLong();
    getDoubles(in, into.bucketSum);
    getDoubles(in, into.bucketCount);
    getLongs(in, into.metricFirstMs);
    getLongs(in, into.metricVectors);
    getDoubles(in, into.mean);
    getDoubles(in, into.var);
    getDoubles(in, into.zMean);
    getLongs(in, into.covVectors);
    getDoubles(in, into.cov);
    for (int i = 0; i < into.surpriseHist.length; i++) {
      into.surpriseHist[i] = in.getFloat();
    }
    into.typicalDistance = in.getDouble();
    into.onsetMs = in.getLong();
    into.lastPublishedMs = in.getLong();
    into.quietVectors = in.getInt();
    into.episodeScore = in.getDouble();
    into.quietUntilMs = in.getLong();
  }

  private static void putDoubles(ByteBuffer out, double[] a) {
    for (double v : a) {
      out.putDouble(v);
    }
  }

  private static void putLongs(ByteBuffer out, long[] a) {
    for (long v : a) {
      out.putLong(v);
    }
  }

  private static void getDoubles(ByteBuffer in, double[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = in.getDouble();
    }
  }

  private static void getLongs(ByteBuffer in, long[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = in.getLong();
    }
  }
}
