package io.signalfold.anomaly.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Binary layout of {@link SeriesDetector} state, versioned so that a savepoint taken by an older
 * release restores into a newer one (state schema evolution is ours, not Kryo's: Flink only sees a
 * {@code byte[]}). Version 1 lacked the regime statistic and the cached calibration; version 2 adds
 * them. Readers accept every version up to the current one; writers write the current one unless
 * told otherwise (tests write version 1 to prove the upgrade path).
 */
public final class SeriesStateCodec {

  /** The version written by default. */
  public static final int CURRENT_VERSION = 2;

  private SeriesStateCodec() {}

  /** Writes the state of several detectors (one per derived signal of a key). */
  public static byte[] encode(SeriesDetector[] detectors, boolean[] present, int version) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096 * detectors.length);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(version);
      out.writeByte(detectors.length);
      for (int i = 0; i < detectors.length; i++) {
        out.writeBoolean(present[i]);
        if (present[i]) {
          write(detectors[i], out, version);
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Restores state into the given detectors (every field is overwritten); {@code present[i]} tells
   * whether slot i had state.
   */
  public static void decode(byte[] state, SeriesDetector[] into, boolean[] present) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
      int version = in.readUnsignedByte();
      if (version < 1 || version > CURRENT_VERSION) {
        throw new IllegalStateException("unknown series state version " + version);
      }
      int count = in.readUnsignedByte();
      for (int i = 0; i < count; i++) {
        boolean has = in.readBoolean();
        if (i < present.length) {
          present[i] = has;
        }
        if (!has) {
          continue;
        }
        SeriesDetector target = i < into.length ? into[i] : null;
        if (target == null) {
          // the slot was not expected (older layout with more slots): read and drop
          target = new SeriesDetector(DetectorConfig.defaults(), SeriesSpec.generic());
        }
        read(target, in, version);
      }
      for (int i = count; i < present.length; i++) {
        present[i] = false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(SeriesDetector d, DataOutputStream out, int version)
      throws IOException {
    out.writeLong(d.firstMs);
    out.writeLong(d.lastMs);
    out.writeLong(d.points);
    out.writeDouble(d.typicalDtMs);
    out.writeDouble(d.typicalTrials);
    out.writeDouble(d.baseline);
    out.writeDouble(d.shortLevel);
    out.writeDouble(d.spreadSeasonal);
    out.writeDouble(d.slowSpread);
    out.writeDouble(d.localLevel);
    out.writeDouble(d.slowLocal);
    out.writeDouble(d.spreadLocal);
    out.writeDouble(d.slowSpreadLocal);
    floats(out, d.day);
    floats(out, d.dayWeight);
    floats(out, d.week);
    floats(out, d.weekWeight);
    floats(out, d.zHist);
    out.writeDouble(d.cusumUp);
    out.writeDouble(d.cusumDown);
    if (version >= 2) {
      out.writeDouble(d.calib);
      out.writeDouble(d.shortAbsZ);
      out.writeDouble(d.regimeMean);
      out.writeDouble(d.regimeVar);
    }
    out.writeDouble(d.sw);
    out.writeDouble(d.st);
    out.writeDouble(d.stt);
    out.writeDouble(d.sy);
    out.writeDouble(d.sty);
    out.writeDouble(d.syy);
    out.writeLong(d.driftDay);
    floats(out, d.driftSum);
    floats(out, d.driftCount);
    out.writeLong(d.recurringDay);
    floats(out, d.recurCount);
    floats(out, d.recurMagnitude);
    for (int f = 0; f < SeriesDetector.FAMILIES; f++) {
      out.writeBoolean(d.active[f]);
      out.writeByte(d.openKind[f]);
      out.writeByte(d.curKind[f]);
      out.writeByte(d.tier[f]);
      out.writeByte(d.dir[f]);
      out.writeLong(d.onset[f]);
      out.writeLong(d.lastEmit[f]);
      out.writeDouble(d.maxScore[f]);
      out.writeInt(d.inBand[f]);
    }
    out.writeBoolean(d.devRecurring);
    out.writeDouble(d.devShift);
    if (version >= 2) {
      out.writeLong(d.lastRecoverMs);
      out.writeDouble(d.lastEpisodeMax);
      out.writeByte(d.lastEpisodeDir);
    }
    out.writeByte(d.recentSize);
    for (int i = 0; i < d.recentSize; i++) {
      out.writeLong(d.recentTimestamp(i));
      out.writeDouble(d.recentValue(i));
      out.writeDouble(d.recentExpected(i));
      out.writeDouble(d.recentLower(i));
      out.writeDouble(d.recentUpper(i));
    }
  }

  private static void read(SeriesDetector d, DataInputStream in, int version) throws IOException {
    d.firstMs = in.readLong();
    d.lastMs = in.readLong();
    d.points = in.readLong();
    d.typicalDtMs = in.readDouble();
    d.typicalTrials = in.readDouble();
    d.baseline = in.readDouble();
    d.shortLevel = in.readDouble();
    d.spreadSeasonal = in.readDouble();
    d.slowSpread = in.readDouble();
    d.localLevel = in.readDouble();
    d.slowLocal = in.readDouble();
    d.spreadLocal = in.readDouble();
    d.slowSpreadLocal = in.readDouble();
    floats(in, d.day);
    floats(in, d.dayWeight);
    floats(in, d.week);
    floats(in, d.weekWeight);
    floats(in, d.zHist);
    d.cusumUp = in.readDouble();
    d.cusumDown = in.readDouble();
    if (version >= 2) {
      d.calib = in.readDouble();
      d.shortAbsZ = in.readDouble();
      d.regimeMean = in.readDouble();
      d.regimeVar = in.readDouble();
    } else {
      // version 1 had no regime statistic nor cached calibration: start the regime from the
      // long-run mean of |z| of a normal; the calibration is recomputed on the next point
      d.calib = 0;
      d.shortAbsZ = 0.8;
      d.regimeMean = 0.8;
      d.regimeVar = 0.04;
    }
    d.sw = in.readDouble();
    d.st = in.readDouble();
    d.stt = in.readDouble();
    d.sy = in.readDouble();
    d.sty = in.readDouble();
    d.syy = in.readDouble();
    d.driftDay = in.readLong();
    floats(in, d.driftSum);
    floats(in, d.driftCount);
    d.recurringDay = in.readLong();
    floats(in, d.recurCount);
    floats(in, d.recurMagnitude);
    for (int f = 0; f < SeriesDetector.FAMILIES; f++) {
      d.active[f] = in.readBoolean();
      d.openKind[f] = in.readByte();
      d.curKind[f] = in.readByte();
      d.tier[f] = in.readByte();
      d.dir[f] = in.readByte();
      d.onset[f] = in.readLong();
      d.lastEmit[f] = in.readLong();
      d.maxScore[f] = in.readDouble();
      d.inBand[f] = in.readInt();
    }
    d.devRecurring = in.readBoolean();
    d.devShift = in.readDouble();
    if (version >= 2) {
      d.lastRecoverMs = in.readLong();
      d.lastEpisodeMax = in.readDouble();
      d.lastEpisodeDir = in.readByte();
    } else {
      d.lastRecoverMs = 0;
      d.lastEpisodeMax = 0;
      d.lastEpisodeDir = 0;
    }
    int recent = in.readUnsignedByte();
    d.recentSize = 0;
    d.recentNext = 0;
    for (int i = 0; i < recent; i++) {
      long t = in.readLong();
      double v = in.readDouble();
      double e = in.readDouble();
      double lo = in.readDouble();
      double hi = in.readDouble();
      d.restoreRecent(t, v, e, lo, hi);
    }
  }

  private static void floats(DataOutputStream out, float[] values) throws IOException {
    out.writeShort(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  private static void floats(DataInputStream in, float[] into) throws IOException {
    int n = in.readUnsignedShort();
    for (int i = 0; i < n; i++) {
      float v = in.readFloat();
      if (i < into.length) {
        into[i] = v;
      }
    }
  }
}
