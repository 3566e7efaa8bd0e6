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

  /**
   * Only metadata.version is finalized: transaction.version is 0 (classic transactions), whatever
   * the test kit's "Bootstrap metadata" log line says. The exactly-once documentation in
   * sinks/README.md states this; change both together.
   */
  @Test
  void finalizesClassicTransactionsOnly() throws Exception {
    assertThat(KAFKA.finalizedFeatureLevel("metadata.version")).isPositive();
    assertThat(KAFKA.finalizedFeatureLevel("transaction.version")).isEqualTo((short) 0);
  }
}
