package io.signalfold.schema;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Turns on the generated encoders and decoders of every record in this package.
 *
 * <p>Avro's generated classes carry {@code customEncode}/{@code customDecode} methods that write
 * the same binary form as the generic datum writer without looking fields up by name or resolving
 * unions by reflection, but Avro uses them only when the class's model says so, and the default
 * ({@code org.apache.avro.specific.use_custom_coders}) is off. Flink's Avro serializer encodes
 * through the model of each class ({@code MODEL$}), so switching it on there is what makes the
 * records that cross operators (and the Kafka output topics) cheaper to write and read. The bytes
 * are the same either way ({@code AvroCodersTest}), so a JVM where this was not called yet is only
 * slower, never different.
 */
public final class AvroCoders {

  /** The records written to topics or passed between operators; the rest are reached from them. */
  private static final List<Class<? extends SpecificRecordBase>> ROOTS =
      List.of(
          Anomaly.class,
          CallEdge.class,
          ChangeEvent.class,
          DeadLetter.class,
          ExponentialHistogram.class,
          ExternalAlert.class,
          HypothesisFeedback.class,
          IncidentCandidate.class,
          IncidentSummary.class,
          LogSignal.class,
          MetricPoint.class,
          RedPoint.class,
          ResourceContext.class,
          SeriesSample.class,
          SloBurnAlert.class,
          SloStatus.class);

  private static volatile boolean enabled;

  private AvroCoders() {}

  /** Switches the generated coders on for every record class of this package; idempotent. */
  public static void enable() {
    if (enabled) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (Class<? extends SpecificRecordBase> root : ROOTS) {
      visit(root.getClassLoader(), SpecificData.getForClass(root).getSchema(root), seen);
    }
    enabled = true;
  }

  private static void visit(ClassLoader loader, Schema schema, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        SpecificData.getForClass(generatedClass(loader, schema)).setCustomCoders(true);
        for (Schema.Field field : schema.getFields()) {
          visit(loader, field.schema(), seen);
        }
      }
      case UNION -> schema.getTypes().forEach(t -> visit(loader, t, seen));
      case ARRAY -> visit(loader, schema.getElementType(), seen);
      case MAP -> visit(loader, schema.getValueType(), seen);
      default -> {}
    }
  }

  private static Class<?> generatedClass(ClassLoader loader, Schema record) {
    try {
      return Class.forName(record.getFullName(), true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("no generated class for " + record.getFullName(), e);
    }
  }
}
