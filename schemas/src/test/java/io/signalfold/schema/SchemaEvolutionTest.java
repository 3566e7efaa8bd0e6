package io.signalfold.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every record schema must stay readable across versions: a consumer on the next version (one more
 * optional field) reads data written today, and today's generated class reads data written by the
 * next version.
 */
class SchemaEvolutionTest {

  static Stream<Schema> recordSchemas() throws IOException {
    Path root = Path.of("src/main/avro");
    Schema.Parser parser = new Schema.Parser();
    List<Path> files = new ArrayList<>();
    // Shared types first, as the code generator sees them.
    try (Stream<Path> common = Files.list(root.resolve("common"))) {
      common.sorted().forEach(files::add);
    }
    try (Stream<Path> all = Files.walk(root)) {
      all.filter(p -> p.toString().endsWith(".avsc"))
          .filter(p -> !p.getParent().endsWith("common"))
          .sorted()
          .forEach(files::add);
    }
    List<Schema> records = new ArrayList<>();
    for (Path f : files) {
      Schema s = parser.parse(f.toFile());
      if (s.getType() == Schema.Type.RECORD) {
        records.add(s);
      }
    }
    assertThat(records).hasSizeGreaterThanOrEqualTo(14);
    return records.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordSchemas")
  void nextVersionReadsOldDataAndOldClassReadsNewData(Schema current) throws IOException {
    Schema next = withExtraOptionalField(current);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(next, current).getType())
        .as("next reader reads current writer")
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, next).getType())
        .as("current reader reads next writer")
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);

    GenericRecord old = (GenericRecord) sample(current, new Random(42), 0);
    GenericRecord readByNext = decode(encode(current, old), current, next);
    assertThat(readByNext.get("evolutionProbe")).isNull();
    // Every old field survives: projected back onto today's schema, the bytes are identical.
    GenericRecord projected = new GenericData.Record(current);
    for (Schema.Field f : current.getFields()) {
      projected.put(f.name(), readByNext.get(f.name()));
    }
    assertThat(encode(current, projected)).isEqualTo(encode(current, old));

    // The generated class (today's code) reads a record written by the next version.
    GenericRecord newer = new GenericData.Record(next);
    for (Schema.Field f : current.getFields()) {
      newer.put(f.name(), old.get(f.name()));
    }
    newer.put("evolutionProbe", "written by a newer producer");
    Class<?> generated = SpecificData.get().getClass(current);
    assertThat(generated).as("generated class for %s", current.getFullName()).isNotNull();
    SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(next, current);
    SpecificRecord specific =
        reader.read(null, DecoderFactory.get().binaryDecoder(encode(next, newer), null));
    assertThat(specific).isInstanceOf(generated);
    assertThat(specific.getSchema().getFields()).hasSameSizeAs(current.getFields());
  }

  private static Schema withExtraOptionalField(Schema s) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : s.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(
        new Schema.Field(
            "evolutionProbe",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            "added by a later version",
            Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(s.getName(), s.getDoc(), s.getNamespace(), false, fields);
  }

  private static byte[] encode(Schema schema, GenericRecord r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
    enc.flush();
    return out.toByteArray();
  }

  private static GenericRecord decode(byte[] bytes, Schema writer, Schema reader)
      throws IOException {
    return new GenericDatumReader<GenericRecord>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }

  /** A value of every field, nested records and collections included, so all of it is exercised. */
  private static Object sample(Schema s, Random rnd, int depth) {
    switch (s.getType()) {
      case RECORD:
        GenericData.Record r = new GenericData.Record(s);
        for (Schema.Field f : s.getFields()) {
          r.put(f.name(), sample(f.schema(), rnd, depth + 1));
        }
        return r;
      case UNION:
        // The non-null branch, so optional fields carry data.
        for (Schema branch : s.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return sample(branch, rnd, depth);
          }
        }
        return null;
      case ARRAY:
        List<Object> list = new ArrayList<>();
        if (depth < 6) {
          list.add(sample(s.getElementType(), rnd, depth + 1));
        }
        return new GenericData.Array<>(s, list);
      case MAP:
        Map<String, Object> map = new HashMap<>();
        if (depth < 6) {
          map.put("k" + rnd.nextInt(100), sample(s.getValueType(), rnd, depth + 1));
        }
        return map;
      case ENUM:
        return new GenericData.EnumSymbol(
            s, s.getEnumSymbols().get(rnd.nextInt(s.getEnumSymbols().size())));
      case STRING:
        return "s" + rnd.nextInt(1000);
      case BYTES:
        return ByteBuffer.wrap(new byte[] {1, 2, 3});
      case INT:
        return rnd.nextInt(1000);
      case LONG:
        return 1_700_000_000_000L + rnd.nextInt(1_000_000);
      case DOUBLE:
        return rnd.nextDouble();
      case FLOAT:
        return rnd.nextFloat();
      case BOOLEAN:
        return rnd.nextBoolean();
      case NULL:
        return null;
      default:
        throw new IllegalArgumentException("no sample for " + s);
    }
  }
}
