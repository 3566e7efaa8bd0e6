package io.signalfold.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedKafkaTest {

  @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

  @Test
  void roundTripsRecordsThroughTheRealBroker() throws Exception {
    KAFKA.createTopics(2, "round-trip");
    KAFKA.produce(
        "round-trip",
        List.of("a".getBytes(StandardCharsets.UTF_8), "b".getBytes(StandardCharsets.UTF_8)));

    List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readAll("round-trip");

    assertThat(records)
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrder("a", "b");
  }
}
