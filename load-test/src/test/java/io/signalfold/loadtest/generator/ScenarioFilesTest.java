package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.ingest.internal.ChangeEventParser;
import io.signalfold.ingest.internal.DecodeSink;
import io.signalfold.ingest.internal.LogDecoder;
import io.signalfold.ingest.internal.MetricDecoder;
import io.signalfold.ingest.internal.SpanDecoder;
import io.signalfold.schema.DeadLetterReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario file of the project (load-test/scenarios and shared/scenarios) loads, generates
 * with a shortened history, and every record it produces passes the ingest stage's decoders without
 * a single rejection.
 */
class ScenarioFilesTest {

  static List<Path> files() throws Exception {
    Set<Path> out = new LinkedHashSet<>();
    List<Path> dirs = new ArrayList<>(List.of(Path.of("scenarios")));
    SharedScenarioFolder.find().ifPresent(dirs::add);
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.toString().endsWith(".yaml"))
            .sorted()
            .forEach(p -> out.add(p.toAbsolutePath().normalize()));
      }
    }
    return new ArrayList<>(out);
  }

  @ParameterizedTest
  @MethodSource("files")
  void loadsGeneratesAndDecodes(Path file) {
    Scenario full = Scenario.load(file);
    assertThat(full.name()).isEqualTo(file.getFileName().toString().replace(".yaml", ""));
    assertThat(full.end()).isAfter(full.t0());
    // Keep the test fast: one hour of history; the part after T0 as written.
    Scenario s = full.withHistory(Duration.ofHours(1));
    // Decode every second record (every 50th for scenarios of days) to stay fast.
    DecodingWriter w = new DecodingWriter(s.duration().compareTo(Duration.ofHours(6)) > 0 ? 50 : 2);
    TelemetryGenerator.Stats stats = TelemetryGenerator.create(s).generate(w);
    assertThat(stats.spans()).isPositive();
    assertThat(stats.points()).isPositive();
    assertThat(stats.logs()).isPositive();
    assertThat(stats.changes()).isEqualTo(s.changes().size());
    assertThat(w.rejects).isEmpty();
    assertThat(w.decoded).isGreaterThan(stats.points() / w.stride);
  }

  /** Runs every record through the ingest decoders (no Flink) and collects rejections. */
  static final class DecodingWriter implements TelemetryWriter {
    final IngestConfig config = IngestConfig.defaults();
    final MetricDecoder metrics = new MetricDecoder(config);
    final SpanDecoder spans = new SpanDecoder(config);
    final LogDecoder logs = new LogDecoder(config);
    final ChangeEventParser changes = new ChangeEventParser(config);
    final List<String> rejects = new ArrayList<>();
    final int stride;
    long decoded;
    long seen;
    long lastTs = Long.MIN_VALUE;

    DecodingWriter(int stride) {
      this.stride = stride;
    }

    <T> DecodeSink<T> sink() {
      return new DecodeSink<>() {
        @Override
        public void emit(T item) {
          decoded++;
        }

        @Override
        public void reject(DeadLetterReason reason, String detail, byte[] payload) {
          if (rejects.size() < 10) {
            rejects.add(reason + ": " + detail);
          }
        }
      };
    }

    @Override
    public void write(String topic, byte[] key, byte[] value, long timestampMs) {
      TelemetryGenerator.Topics t = TelemetryGenerator.Topics.defaults();
      if (!topic.equals(t.changes())) {
        assertThat(timestampMs).as("event-time order").isGreaterThanOrEqualTo(lastTs);
        lastTs = timestampMs;
      }
      if (seen++ % stride != 0 && !topic.equals(t.changes())) {
        return;
      }
      if (topic.equals(t.metrics())) {
        metrics.decode(value, TelemetryEncoding.OTLP_PROTO, timestampMs, sink());
      } else if (topic.equals(t.spans())) {
        spans.decode(value, TelemetryEncoding.OTLP_PROTO, timestampMs, sink());
      } else if (topic.equals(t.logs())) {
        logs.decode(value, TelemetryEncoding.OTLP_PROTO, timestampMs, sink());
      } else {
        changes.parse(value, timestampMs, sink());
      }
    }
  }
}
