package io.signalfold.sinks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Avro wire format of the output topics: Avro <b>single-object encoding</b> (Avro spec, "Single
 * object encoding"): the two marker bytes {@code C3 01}, the 8-byte little-endian CRC-64-AVRO
 * fingerprint of the writer schema, then the plain Avro binary of the record. No schema registry is
 * needed; a reader can tell which schema wrote a message and resolve it against its own. Every
 * generated class reads it with {@code IncidentCandidate.fromByteBuffer(ByteBuffer.wrap(bytes))};
 * the plain Avro binary body starts at byte {@value #HEADER_LENGTH}.
 */
public final class AvroEncoding {

  /** Length of the single-object header (marker + fingerprint) before the Avro binary body. */
  public static final int HEADER_LENGTH = 10;

  /** Value of the {@code content-type} Kafka header on Avro messages. */
  public static final String CONTENT_TYPE = "application/avro; encoding=single-object";

  private static final ConcurrentMap<Class<?>, BinaryMessageEncoder<?>> ENCODERS =
      new ConcurrentHashMap<>();
  private static final ConcurrentMap<Class<?>, BinaryMessageDecoder<?>> DECODERS =
      new ConcurrentHashMap<>();

  private AvroEncoding() {}

  /** Encodes one record as an Avro single-object message. */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> byte[] encode(T record) {
    BinaryMessageEncoder<T> encoder =
        (BinaryMessageEncoder<T>)
            ENCODERS.computeIfAbsent(
                record.getClass(),
                c -> new BinaryMessageEncoder<T>(SpecificData.getForClass(c), record.getSchema()));
    try {
      ByteBuffer buf = encoder.encode(record);
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + record.getClass().getSimpleName(), e);
    }
  }

  /** Decodes a single-object message written with the schema of {@code type}. */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
    BinaryMessageDecoder<T> decoder =
        (BinaryMessageDecoder<T>) DECODERS.computeIfAbsent(type, AvroEncoding::newDecoder);
    try {
      return decoder.decode(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode " + type.getSimpleName(), e);
    }
  }

  private static BinaryMessageDecoder<?> newDecoder(Class<?> type) {
    try {
      SpecificRecord empty = (SpecificRecord) type.getDeclaredConstructor().newInstance();
      return new BinaryMessageDecoder<>(SpecificData.getForClass(type), empty.getSchema());
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException("not a generated Avro class: " + type, e);
    }
  }
}
