package io.signalfold.anomaly.core;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Binary layout of {@link SeriesDetector} state, versioned so that a savepoint taken by an older
 * release restores into a newer one (state schema evolution is ours, not Kryo's: Flink only sees a
 * {@code byte[]}). Version 1 lacked the regime statistic and the cached calibration; version 2 adds
 * them; version 3 adds the observed range (spatial novelty). Readers accept every version up to the
 * current one; writers write the current one unless told otherwise (tests write version 1 to prove
 * the upgrade path).
 */
public final class SeriesStateCodec {

  /** The version written by default. */
  public static final int CURRENT_VERSION = 3;

  private SeriesStateCodec() {}

  /** Writes the state of several detectors (one per derived signal of a key). */
  public static byte[] encode(SeriesDetector[] detectors, boolean[] present, int version) {
    ByteBuffer out = SCRATCH.get();
    if (out.capacity() < MAX_BYTES_PER_SERIES * detectors.length + 2) {
      out = ByteBuffer.allocate(MAX_BYTES_PER_SERIES * detectors.length + 2);
      SCRATCH.set(out);
    }
    out.clear();
    out.put((byte) version);
    out.put((byte) detectors.length);
    for (int i = 0; i < detectors.length; i++) {
      out.put((byte) (present[i] ? 1 : 0));
      if (present[i]) {
        write(detectors[i], out, version);
      }
    }
    return Arrays.copyOf(out.array(), out.position());
  }

  /** Upper bound of one series' encoded size (the arrays are fixed-size). */
  private static final int MAX_BYTES_PER_SERIES = 8192;

  /** Per-thread scratch buffer: encoding allocates only the returned array. */
  private static final ThreadLocal<ByteBuffer> SCRATCH =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(4 * MAX_BYTES_PER_SERIES));

  /**
   * Restores state into the given detectors (every field is overwritten); {@code present[i]} tells
   * whether slot i had state.
   */
  public static void decode(byte[] state, SeriesDetector[] into, boolean[] present) {
    ByteBuffer in = ByteBuffer.wrap(state);
    int version = in.get() & 0xff;
    if (version < 1 || version > CURRENT_VERSION) {
      throw new IllegalStateException("unknown series state version " + version);
    }
    int count = in.get() & 0xff;
    for (int i = 0; i < count; i++) {
      boolean has = in.get() != 0;
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
  }

  private static void write(SeriesDetector d, ByteBuffer out, int version) {
    out.putLong(d.firstMs);
    out.putLong(d.lastMs);
    out.putLong(d.points);
    out.putDouble(d.typicalDtMs);
    out.putDouble(d.typicalTrials);
    out.putDouble(d.baseline);
    out.putDouble(d.shortLevel);
    out.putDouble(d.spreadSeasonal);
    out.putDouble(d.slowSpread);
    out.putDouble(d.localLevel);
    out.putDouble(d.slowLocal);
    out.putDouble(d.spreadLocal);
    out.putDouble(d.slowSpreadLocal);
    writeFloats(out, d.day);
    writeFloats(out, d.dayWeight);
    writeFloats(out, d.week);
    writeFloats(out, d.weekWeight);
    writeFloats(out, d.zHist);
    out.putDouble(d.cusumUp);
    out.putDouble(d.cusumDown);
    if (version >= 2) {
      out.putDouble(d.calib);
      out.putDouble(d.shortAbsZ);
      out.putDouble(d.regimeMean);
      out.putDouble(d.regimeVar);
    }
    if (version >= 3) {
      out.putDouble(d.rangeMin);
      out.putDouble(d.rangeMax);
      out.putLong(d.rangeFromMs);
    }
    out.putDouble(d.sw);
    out.putDouble(d.st);
    out.putDouble(d.stt);
    out.putDouble(d.sy);
    out.putDouble(d.sty);
    out.putDouble(d.syy);
    out.putLong(d.driftDay);
    writeFloats(out, d.driftSum);
    writeFloats(out, d.driftCount);
    out.putLong(d.recurringDay);
    writeFloats(out, d.recurCount);
    writeFloats(out, d.recurMagnitude);
    for (int f = 0; f < SeriesDetector.FAMILIES; f++) {
      out.put((byte) (d.active[f] ? 1 : 0));
      out.put(d.openKind[f]);
      out.put(d.curKind[f]);
      out.put(d.tier[f]);
      out.put(d.dir[f]);
      out.putLong(d.onset[f]);
      out.putLong(d.lastEmit[f]);
      out.putDouble(d.maxScore[f]);
      out.putInt(d.inBand[f]);
    }
    out.put((byte) (d.devRecurring ? 1 : 0));
    out.putDouble(d.devShift);
    if (version >= 2) {
      out.putLong(d.lastRecoverMs);
      out.putDouble(d.lastEpisodeMax);
      out.put((byte) d.lastEpisodeDir);
    }
    out.put((byte) d.recentSize);
    for (int i = 0; i < d.recentSize; i++) {
      out.putLong(d.recentTimestamp(i));
      out.putDouble(d.recentValue(i));
      out.putDouble(d.recentExpected(i));
      out.putDouble(d.recentLower(i));
      out.putDouble(d.recentUpper(i));
    }
  }

  private static void read(SeriesDetector d, ByteBuffer in, int version) {
    d.firstMs = in.getLong();
    d.lastMs = in.getLong();
    d.points = in.getLong();
    d.typicalDtMs = in.getDouble();
    d.typicalTrials = in.getDouble();
    d.baseline = in.getDouble();
    d.shortLevel = in.getDouble();
    d.spreadSeasonal = in.getDouble();
    d.slowSpread = in.getDouble();
    d.localLevel = in.getDouble();
    d.slowLocal = in.getDouble();
    d.spreadLocal = in.getDouble();
    d.slowSpreadLocal = in.getDouble();
    readFloats(in, d.day);
    readFloats(in, d.dayWeight);
    readFloats(in, d.week);
    readFloats(in, d.weekWeight);
    readFloats(in, d.zHist);
    d.cusumUp = in.getDouble();
    d.cusumDown = in.getDouble();
    if (version >= 2) {
      d.calib = in.getDouble();
      d.shortAbsZ = in.getDouble();
      d.regimeMean = in.getDouble();
      d.regimeVar = in.getDouble();
    } else {
      // version 1 had no regime statistic nor cached calibration: start the regime from the
      // long-run mean of |z| of a normal; the calibration is recomputed on the next point
      d.calib = 0;
      d.shortAbsZ = 0.8;
      d.regimeMean = 0.8;
      d.regimeVar = 0.04;
    }
    if (version >= 3) {
      d.rangeMin = in.getDouble();
      d.rangeMax = in.getDouble();
      d.rangeFromMs = in.getLong();
    } else {
      // older versions did not keep the observed range: it starts on the next point and novelty
      // waits for the cold-start time, so an upgrade cannot raise spurious novelties
      d.rangeMin = 0;
      d.rangeMax = 0;
      d.rangeFromMs = -1;
    }
    d.sw = in.getDouble();
    d.st = in.getDouble();
    d.stt = in.getDouble();
    d.sy = in.getDouble();
    d.sty = in.getDouble();
    d.syy = in.getDouble();
    d.driftDay = in.getLong();
    readFloats(in, d.driftSum);
    readFloats(in, d.driftCount);
    d.recurringDay = in.getLong();
    readFloats(in, d.recurCount);
    readFloats(in, d.recurMagnitude);
    for (int f = 0; f < SeriesDetector.FAMILIES; f++) {
      d.active[f] = (in.get() != 0);
      d.openKind[f] = in.get();
      d.curKind[f] = in.get();
      d.tier[f] = in.get();
      d.dir[f] = in.get();
      d.onset[f] = in.getLong();
      d.lastEmit[f] = in.getLong();
      d.maxScore[f] = in.getDouble();
      d.inBand[f] = in.getInt();
    }
    d.devRecurring = (in.get() != 0);
    d.devShift = in.getDouble();
    if (version >= 2) {
      d.lastRecoverMs = in.getLong();
      d.lastEpisodeMax = in.getDouble();
      d.lastEpisodeDir = in.get();
    } else {
      d.lastRecoverMs = 0;
      d.lastEpisodeMax = 0;
      d.lastEpisodeDir = 0;
    }
    int recent = (in.get() & 0xff);
    d.recentSize = 0;
    d.recentNext = 0;
    for (int i = 0; i < recent; i++) {
      long t = in.getLong();
      double v = in.getDouble();
      double e = in.getDouble();
      double lo = in.getDouble();
      double hi = in.getDouble();
      d.restoreRecent(t, v, e, lo, hi);
    }
  }

  private static void writeFloats(ByteBuffer out, float[] values) {
    out.putShort((short) values.length);
    out.asFloatBuffer().put(values);
    out.position(out.position() + 4 * values.length);
  }

  private static void readFloats(ByteBuffer in, float[] into) {
    int n = in.getShort() & 0xffff;
    int take = Math.min(n, into.length);
    in.asFloatBuffer().get(into, 0, take);
    in.position(in.position() + 4 * n);
  }
}
