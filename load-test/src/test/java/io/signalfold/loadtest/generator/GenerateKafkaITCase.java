package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.loadtest.embedded.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** The generator writes through the Kafka producer: record timestamps are event times. */
class GenerateKafkaITCase {

  @Test
  void writesEveryRecordWithItsEventTime() throws Exception {
    Scenario s = TelemetryGeneratorTest.small().withHistory(Duration.ofMinutes(5));
    TelemetryGenerator.Topics topics = TelemetryGenerator.Topics.withPrefix("it-");
    MemoryTelemetryWriter expected = new MemoryTelemetryWriter();
    TelemetryGenerator.create(s, topics).generate(expected);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    try {
      List<String> names =
          List.of(topics.metrics(), topics.spans(), topics.logs(), topics.changes());
      broker.createTopics(1, names);
      try (KafkaTelemetryWriter w =
          KafkaTelemetryWriter.create(broker.bootstrapServers(), new Properties())) {
        TelemetryGenerator.create(s, topics).generate(w);
      }
      Properties p = new Properties();
      p.put("bootstrap.servers", broker.bootstrapServers());
      try (KafkaConsumer<byte[], byte[]> c =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        for (String topic : names) {
          List<MemoryTelemetryWriter.Record> want = expected.records(topic);
          TopicPartition tp = new TopicPartition(topic, 0);
          c.assign(List.of(tp));
          c.seekToBeginning(List.of(tp));
          Map<Integer, ConsumerRecord<byte[], byte[]>> got = new HashMap<>();
          long deadline = System.nanoTime() + 30_000_000_000L;
          while (got.size() < want.size() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
              got.put((int) r.offset(), r);
            }
          }
          assertThat(got).as(topic).hasSize(want.size());
          for (int i = 0; i < want.size(); i++) {
            assertThat(got.get(i).timestamp()).isEqualTo(want.get(i).timestampMs());
            assertThat(got.get(i).value()).isEqualTo(want.get(i).value());
          }
        }
      }
    } finally {
      broker.close();
    }
  }
}
