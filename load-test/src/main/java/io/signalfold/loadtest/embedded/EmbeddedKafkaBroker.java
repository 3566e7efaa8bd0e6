package io.signalfold.loadtest.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (KRaft, one combined broker/controller node) running inside this JVM, built
 * from the Kafka artifacts on Maven Central: the embedded default of the demo and the scenario
 * runner. Nothing is downloaded and nothing outlives the process: the log directories are deleted
 * on close.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats and starts the broker; returns once it accepts clients. */
  public static EmbeddedKafkaBroker start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    // A single node must hold the internal topics alone: without replication factor 1 consumer
    // groups never get partitions and transactional producers time out.
    builder.setConfigProp("offsets.topic.replication.factor", "1");
    builder.setConfigProp("offsets.topic.num.partitions", "1");
    builder.setConfigProp("transaction.state.log.replication.factor", "1");
    builder.setConfigProp("transaction.state.log.min.isr", "1");
    builder.setConfigProp("transaction.state.log.num.partitions", "1");
    builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
    builder.setConfigProp("unstable.api.versions.enable", "false");
    builder.setConfigProp("unstable.feature.versions.enable", "false");
    // Generated history arrives with old event timestamps: keep it instead of expiring it.
    builder.setConfigProp("log.retention.ms", "-1");
    builder.setConfigProp("log.message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE));
    builder.setConfigProp("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE));
    builder.setConfigProp("message.max.bytes", String.valueOf(16 * 1024 * 1024));
    builder.setDeleteOnClose(true);
    KafkaClusterTestKit cluster = builder.build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new EmbeddedKafkaBroker(cluster);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates the topics that do not exist yet. */
  public void createTopics(int partitions, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : topics) {
        if (!existing.contains(t)) {
          missing.add(new NewTopic(t, partitions, (short) 1));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
