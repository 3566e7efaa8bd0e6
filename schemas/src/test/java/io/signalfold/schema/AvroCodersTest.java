package io.signalfold.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/**
 * The generated coders that {@link AvroCoders} switches on write exactly what Avro's generic writer
 * writes, binary and JSON, for random records of every class, and read it back to equal records;
 * and every generated record class is reached.
 */
class AvroCodersTest {

  private static final int RECORDS_PER_CLASS = 40;

  @Test
  void everyGeneratedRecordClassHasItsCodersOn() throws Exception {
    AvroCoders.enable();
    List<Class<?>> records = generatedRecordClasses();
    assertThat(records).hasSizeGreaterThan(20);
    for (Class<?> type : records) {
      assertThat(SpecificData.getForClass(type).useCustomCoders()).as(type.getName()).isTrue();
    }
  }

  @Test
  void generatedCodersWriteAndReadTheSameBytesAsTheGenericPath() throws Exception {
    SpecificData generic = new SpecificData();
    generic.setCustomCoders(false);
    SpecificData custom = new SpecificData();
    custom.setCustomCoders(true);
    int checked = 0;
    for (Class<?> type : generatedRecordClasses()) {
      Schema schema = SpecificData.get().getSchema(type);
      Iterator<Object> random = new RandomData(schema, RECORDS_PER_CLASS, 17L).iterator();
      while (random.hasNext()) {
        Object record = SpecificData.get().deepCopy(schema, random.next());
        byte[] expected = binary(generic, schema, record);
        assertThat(binary(custom, schema, record)).as(type.getName()).isEqualTo(expected);
        assertThat(json(custom, schema, record))
            .as(type.getName())
            .isEqualTo(json(generic, schema, record));
        Object read =
            new SpecificDatumReader<>(schema, schema, custom)
                .read(null, DecoderFactory.get().binaryDecoder(expected, null));
        assertThat(read).as(type.getName()).isEqualTo(record);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20 * RECORDS_PER_CLASS);
  }

  private static byte[] binary(SpecificData data, Schema schema, Object record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(schema, data).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static String json(SpecificData data, Schema schema, Object record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
    new SpecificDatumWriter<>(schema, data).write(record, encoder);
    encoder.flush();
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Every class compiled from the schemas: the records of the package on the class path. */
  private static List<Class<?>> generatedRecordClasses() throws Exception {
    Path dir =
        Path.of(AvroCoders.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("io/signalfold/schema");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".class") || name.contains("$")) {
          continue;
        }
        Class<?> type = Class.forName("io.signalfold.schema." + name.replace(".class", ""));
        if (SpecificRecordBase.class.isAssignableFrom(type)) {
          out.add(type);
        }
      }
    }
    return out;
  }
}
