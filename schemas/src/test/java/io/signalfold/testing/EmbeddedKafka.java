package io.signalfold.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Kafka broker in KRaft mode, in this JVM, for tests. Register it as a static
 * JUnit 5 extension:
 *
 * <pre>{@code @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();}</pre>
 *
 * <p>The single-node settings matter: without replication factor 1 for the offsets and
 * transaction-state topics, consumer groups never get partitions and transactional producers time
 * out.
 *
 * <p>Features: built like this, the broker finalizes only the metadata version (the released one of
 * Kafka 4.2); no other feature is finalized, so {@code transaction.version} is 0 (classic
 * transactions, not KIP-890 transactions V2), unlike a new 4.x cluster formatted with {@code
 * kafka-storage.sh format}, which finalizes transaction.version 2. The "Bootstrap metadata" line
 * the test kit logs lists transaction.version 2, but that is not what the broker finalizes: {@link
 * #finalizedFeatureLevel} shows what clients see (EmbeddedKafkaTest pins it). sinks/README.md has
 * the exactly-once failover results with levels 0, 1 and 2.
 */
public final class EmbeddedKafka implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  private KafkaClusterTestKit cluster;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  /** Formats and starts the broker; returns once it accepts clients. */
  public EmbeddedKafka start() throws Exception {
    if (cluster != null) {
      return this;
    }
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    for (Map.Entry<String, String> e : singleNodeBrokerSettings().entrySet()) {
      builder.setConfigProp(e.getKey(), e.getValue());
    }
    cluster = builder.build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return this;
  }

  /** Broker settings a one-node cluster needs (see the class comment). */
  public static Map<String, String> singleNodeBrokerSettings() {
    return Map.ofEntries(
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("unstable.api.versions.enable", "false"),
        Map.entry("unstable.feature.versions.enable", "false"),
        // Generated telemetry carries old event timestamps: never expire it by retention.
        Map.entry("log.retention.ms", "-1"),
        Map.entry("message.max.bytes", String.valueOf(16 * 1024 * 1024)));
  }

  public String bootstrapServers() {
    if (cluster == null) {
      throw new IllegalStateException("EmbeddedKafka is not started");
    }
    return cluster.bootstrapServers();
  }

  /**
   * The finalized level of a cluster feature (e.g. {@code transaction.version}), as a client sees
   * it through {@code Admin.describeFeatures()}; 0 if the feature is not finalized.
   */
  public short finalizedFeatureLevel(String feature) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      FinalizedVersionRange range =
          admin
              .describeFeatures()
              .featureMetadata()
              .get(60, TimeUnit.SECONDS)
              .finalizedFeatures()
              .get(feature);
      return range == null ? 0 : range.maxVersionLevel();
    }
  }

  public void createTopics(int partitions, String... topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String t : topics) {
        newTopics.add(new NewTopic(t, partitions, (short) 1));
      }
      admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
    }
  }

  public KafkaProducer<byte[], byte[]> newProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p);
  }

  /** Sends values (null keys) to a topic and waits until all are acknowledged. */
  public void produce(String topic, Collection<byte[]> values) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = newProducer()) {
      for (byte[] v : values) {
        producer.send(new ProducerRecord<>(topic, v));
      }
      producer.flush();
    }
  }

  /**
   * Reads every committed record of a topic from the beginning up to its current end offsets
   * (read_committed, so aborted transactions are invisible).
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!reachedEnd(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out reading " + topic + " up to " + end);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
