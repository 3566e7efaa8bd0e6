package io.signalfold.slo.internal;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link EvaluatorState}: a format version, then fields and length-prefixed
 * primitive arrays. Written by hand so the heap backend keeps the object (no per-access
 * (de)serialization) and RocksDB stores compact bytes; the version byte leaves room to evolve.
 */
public final class EvaluatorStateSerializer extends TypeSerializer<EvaluatorState> {

  private static final long serialVersionUID = 1L;
  private static final int VERSION = 1;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<EvaluatorState> duplicate() {
    return this;
  }

  @Override
  public EvaluatorState createInstance() {
    return new EvaluatorState("", 0, 0, 0);
  }

  @Override
  public EvaluatorState copy(EvaluatorState from) {
    EvaluatorState to =
        new EvaluatorState(
            from.groupKey, from.fineBad.length, from.coarseBad.length, from.ruleState.length);
    to.fineHead = from.fineHead;
    System.arraycopy(from.fineBad, 0, to.fineBad, 0, from.fineBad.length);
    System.arraycopy(from.fineTotal, 0, to.fineTotal, 0, from.fineTotal.length);
    to.coarseHead = from.coarseHead;
    System.arraycopy(from.coarseBad, 0, to.coarseBad, 0, from.coarseBad.length);
    System.arraycopy(from.coarseTotal, 0, to.coarseTotal, 0, from.coarseTotal.length);
    to.evalBucket = from.evalBucket;
    to.lastEvalMs = from.lastEvalMs;
    to.lastDataMs = from.lastDataMs;
    to.nextStatusMs = from.nextStatusMs;
    to.lastStatus = from.lastStatus;
    to.lateEvents = from.lateEvents;
    System.arraycopy(from.ruleState, 0, to.ruleState, 0, from.ruleState.length);
    System.arraycopy(from.activeSinceMs, 0, to.activeSinceMs, 0, from.activeSinceMs.length);
    System.arraycopy(from.firingSinceMs, 0, to.firingSinceMs, 0, from.firingSinceMs.length);
    System.arraycopy(
        from.keepFiringSinceMs, 0, to.keepFiringSinceMs, 0, from.keepFiringSinceMs.length);
    return to;
  }

  @Override
  public EvaluatorState copy(EvaluatorState from, EvaluatorState reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(EvaluatorState s, DataOutputView out) throws IOException {
    out.writeByte(VERSION);
    out.writeUTF(s.groupKey);
    out.writeLong(s.fineHead);
    out.writeInt(s.fineBad.length);
    for (int i = 0; i < s.fineBad.length; i++) {
      out.writeFloat(s.fineBad[i]);
      out.writeFloat(s.fineTotal[i]);
    }
    out.writeLong(s.coarseHead);
    out.writeInt(s.coarseBad.length);
    for (int i = 0; i < s.coarseBad.length; i++) {
      out.writeDouble(s.coarseBad[i]);
      out.writeDouble(s.coarseTotal[i]);
    }
    out.writeLong(s.evalBucket);
    out.writeLong(s.lastEvalMs);
    out.writeLong(s.lastDataMs);
    out.writeLong(s.nextStatusMs);
    out.writeByte(s.lastStatus);
    out.writeLong(s.lateEvents);
    out.writeInt(s.ruleState.length);
    for (int i = 0; i < s.ruleState.length; i++) {
      out.writeByte(s.ruleState[i]);
      out.writeLong(s.activeSinceMs[i]);
      out.writeLong(s.firingSinceMs[i]);
      out.writeLong(s.keepFiringSinceMs[i]);
    }
  }

  @Override
  public EvaluatorState deserialize(DataInputView in) throws IOException {
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("unknown SLO evaluator state version " + version);
    }
    String groupKey = in.readUTF();
    long fineHead = in.readLong();
    int fine = in.readInt();
    float[] fb = new float[fine];
    float[] ft = new float[fine];
    for (int i = 0; i < fine; i++) {
      fb[i] = in.readFloat();
      ft[i] = in.readFloat();
    }
    long coarseHead = in.readLong();
    int coarse = in.readInt();
    double[] cb = new double[coarse];
    double[] ct = new double[coarse];
    for (int i = 0; i < coarse; i++) {
      cb[i] = in.readDouble();
      ct[i] = in.readDouble();
    }
    long evalBucket = in.readLong();
    long lastEval = in.readLong();
    long lastData = in.readLong();
    long nextStatus = in.readLong();
    byte lastStatus = in.readByte();
    long late = in.readLong();
    int rules = in.readInt();
    EvaluatorState s = new EvaluatorState(groupKey, fine, coarse, rules);
    s.fineHead = fineHead;
    System.arraycopy(fb, 0, s.fineBad, 0, fine);
    System.arraycopy(ft, 0, s.fineTotal, 0, fine);
    s.coarseHead = coarseHead;
    System.arraycopy(cb, 0, s.coarseBad, 0, coarse);
    System.arraycopy(ct, 0, s.coarseTotal, 0, coarse);
    s.evalBucket = evalBucket;
    s.lastEvalMs = lastEval;
    s.lastDataMs = lastData;
    s.nextStatusMs = nextStatus;
    s.lastStatus = lastStatus;
    s.lateEvents = late;
    for (int i = 0; i < rules; i++) {
      s.ruleState[i] = in.readByte();
      s.activeSinceMs[i] = in.readLong();
      s.firingSinceMs[i] = in.readLong();
      s.keepFiringSinceMs[i] = in.readLong();
    }
    return s;
  }

  @Override
  public EvaluatorState deserialize(EvaluatorState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof EvaluatorStateSerializer;
  }

  @Override
  public int hashCode() {
    return EvaluatorStateSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<EvaluatorState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Snapshot for the serializer: stateless, so a class reference suffices. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<EvaluatorState> {
    public Snapshot() {
      super(EvaluatorStateSerializer::new);
    }
  }
}
