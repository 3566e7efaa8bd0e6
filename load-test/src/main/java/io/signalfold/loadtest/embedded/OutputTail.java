package io.signalfold.loadtest.embedded;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.AvroEncoding;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.annotation.Nullable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the pipeline's output topics while a run is going on, with {@code read_committed} like
 * any consumer of the exactly-once sinks: writes every JSON (CloudEvents) record as one line to
 * {@code <dir>/<topic>.jsonl}, decodes the Avro incident candidates for the caller, and counts
 * records per topic. Runs on its own thread; {@link #drainAndClose} reads to the end offsets.
 */
public final class OutputTail implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String candidatesTopic;
  @Nullable private final Path dir;
  private final Consumer<IncidentCandidate> onCandidate;
  private final Map<String, BufferedWriter> writers = new HashMap<>();
  private final Map<String, Long> counts = new HashMap<>();
  private final List<IncidentCandidate> candidates = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;
  private volatile RuntimeException failure;

  /**
   * @param jsonTopics JSON twin topics written to files (and counted)
   * @param candidatesTopic the Avro incident-candidates topic, decoded and handed to onCandidate
   * @param dir where the {@code .jsonl} files go, or null to only count
   */
  public OutputTail(
      String bootstrapServers,
      List<String> jsonTopics,
      String candidatesTopic,
      @Nullable Path dir,
      Consumer<IncidentCandidate> onCandidate)
      throws IOException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.candidatesTopic = candidatesTopic;
    this.dir = dir;
    this.onCandidate = onCandidate;
    if (dir != null) {
      Files.createDirectories(dir);
      // One file per topic even when a topic stays empty (no dead letters is an answer too).
      for (String t : jsonTopics) {
        writers.put(t, Files.newBufferedWriter(dir.resolve(t.replace(".json", "") + ".jsonl")));
      }
    }
    List<TopicPartition> parts = new ArrayList<>();
    List<String> all = new ArrayList<>(jsonTopics);
    all.add(candidatesTopic);
    for (String t : all) {
      consumer
          .partitionsFor(t, Duration.ofSeconds(30))
          .forEach(i -> parts.add(new TopicPartition(t, i.partition())));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    this.thread = new Thread(this::loop, "output-tail");
    this.thread.setDaemon(true);
  }

  public OutputTail start() {
    thread.start();
    return this;
  }

  private void loop() {
    try {
      while (!stop.get()) {
        pollOnce(Duration.ofMillis(200));
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private void pollOnce(Duration timeout) {
    ConsumerRecords<byte[], byte[]> records;
    synchronized (consumer) {
      records = consumer.poll(timeout);
    }
    for (ConsumerRecord<byte[], byte[]> r : records) {
      synchronized (counts) {
        counts.merge(r.topic(), 1L, Long::sum);
      }
      if (r.topic().equals(candidatesTopic)) {
        IncidentCandidate c = AvroEncoding.decode(r.value(), IncidentCandidate.class);
        synchronized (candidates) {
          candidates.add(c);
        }
        onCandidate.accept(c);
      } else if (dir != null) {
        write(r.topic(), r.value());
      }
    }
  }

  private void write(String topic, byte[] value) {
    try {
      BufferedWriter w = writers.get(topic);
      if (w == null) {
        w = Files.newBufferedWriter(dir.resolve(topic.replace(".json", "") + ".jsonl"));
        writers.put(topic, w);
      }
      w.write(new String(value, StandardCharsets.UTF_8));
      w.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records seen so far on a topic. */
  public long count(String topic) {
    synchronized (counts) {
      return counts.getOrDefault(topic, 0L);
    }
  }

  /** Every candidate record decoded so far (all versions). */
  public List<IncidentCandidate> candidates() {
    synchronized (candidates) {
      return List.copyOf(candidates);
    }
  }

  /** Stops the thread, reads what is left up to the end offsets, and closes the files. */
  public void drainAndClose() throws Exception {
    stop.set(true);
    thread.join(10_000);
    if (failure != null) {
      throw failure;
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && !reached(end)) {
      pollOnce(Duration.ofMillis(200));
    }
    close();
  }

  private boolean reached(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    stop.set(true);
    for (BufferedWriter w : writers.values()) {
      w.close();
    }
    writers.clear();
    synchronized (consumer) {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
