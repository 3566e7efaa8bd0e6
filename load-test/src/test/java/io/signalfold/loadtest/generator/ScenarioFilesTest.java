package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario file of the project loads, and generates (shortened history, counted only). */
class ScenarioFilesTest {

  static List<Path> files() throws Exception {
    List<Path> out = new ArrayList<>();
    for (Path dir : List.of(Path.of("scenarios"), Path.of("../../shared/scenarios"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(out::add);
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("files")
  void loadsAndGenerates(Path file) {
    Scenario full = Scenario.load(file);
    assertThat(full.name()).isEqualTo(file.getFileName().toString().replace(".yaml", ""));
    assertThat(full.end()).isAfter(full.t0());
    // Keep the test fast: one hour of history and at most six hours after T0 at full resolution.
    Scenario s = full.withHistory(Duration.ofHours(1));
    CountingTelemetryWriter w = new CountingTelemetryWriter(false);
    TelemetryGenerator.Stats stats = TelemetryGenerator.create(s).generate(w);
    assertThat(stats.spans()).isPositive();
    assertThat(stats.points()).isPositive();
    assertThat(stats.logs()).isPositive();
    assertThat(stats.changes()).isEqualTo(s.changes().size());
    assertThat(w.records()).isEqualTo(stats.records());
  }
}
