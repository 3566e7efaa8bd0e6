package io.signalfold.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The job jar built in {@code package} ({@code target/signalfold-job.jar}): runnable with {@code
 * flink run}, i.e. it carries the job, the Kafka connector and the libraries the cluster does not
 * have, and none of Flink's own runtime (provided by the cluster); the normal jar stays unshaded.
 */
class JobJarITCase {

  private static final Path JOB_JAR = Path.of("target/signalfold-job.jar");

  @Test
  void jobJarHasTheJobAndItsLibrariesButNoFlinkRuntime() throws Exception {
    assertThat(JOB_JAR).exists();
    try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
      Manifest mf = jar.getManifest();
      assertThat(mf.getMainAttributes().getValue("Main-Class"))
          .isEqualTo(SignalfoldJob.class.getName());
      for (String present :
          List.of(
              "io/signalfold/job/SignalfoldJob.class",
              "io/signalfold/job/SignalfoldPipeline.class",
              "io/signalfold/ingest/IngestStage.class",
              "io/signalfold/sinks/KafkaOutputs.class",
              "io/signalfold/schema/IncidentCandidate.class",
              "org/apache/flink/connector/kafka/source/KafkaSource.class",
              "org/apache/flink/connector/kafka/sink/KafkaSink.class",
              "org/apache/flink/formats/avro/typeutils/AvroTypeInfo.class",
              "org/apache/kafka/clients/consumer/KafkaConsumer.class",
              "org/apache/avro/specific/SpecificRecord.class",
              "com/fasterxml/jackson/databind/ObjectMapper.class",
              "com/google/protobuf/CodedInputStream.class",
              "io/opentelemetry/proto/collector/trace/v1/ExportTraceServiceRequest.class",
              "io/cloudevents/jackson/JsonFormat.class",
              "META-INF/services/io.cloudevents.core.format.EventFormat",
              "signalfold-job.properties")) {
        assertThat(jar.getEntry(present)).as(present).isNotNull();
      }
      List<String> forbidden = new ArrayList<>();
      jar.stream()
          .map(ZipEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .filter(
              n ->
                  n.startsWith("org/apache/flink/runtime/")
                      || n.startsWith("org/apache/flink/streaming/api/")
                      || n.startsWith("org/apache/flink/streaming/runtime/")
                      || n.startsWith("org/apache/flink/api/")
                      || n.startsWith("org/apache/flink/configuration/")
                      || n.startsWith("org/apache/flink/core/")
                      || n.startsWith("org/apache/flink/state/")
                      || n.startsWith("org/apache/flink/connector/base/")
                      || n.startsWith("org/rocksdb/")
                      || n.startsWith("org/slf4j/")
                      || n.startsWith("org/apache/logging/log4j/")
                      || n.startsWith("scala/"))
          .limit(20)
          .forEach(forbidden::add);
      assertThat(forbidden).as("Flink runtime / logging classes in the job jar").isEmpty();
    }
    // The main artifact (load-test depends on it) is the plain, unshaded module jar.
    Path plain;
    try (var files = Files.list(Path.of("target"))) {
      plain =
          files
              .filter(p -> p.getFileName().toString().matches("correlation-jobs-.*[0-9T]\\.jar"))
              .findFirst()
              .orElseThrow();
    }
    try (JarFile jar = new JarFile(plain.toFile())) {
      assertThat(jar.getEntry("io/signalfold/job/SignalfoldJob.class")).isNotNull();
      assertThat(jar.getEntry("org/apache/kafka/clients/consumer/KafkaConsumer.class")).isNull();
    }
  }
}
