package io.signalfold.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scenario suite in load-test/scenarios covers every fault kind, every root-cause kind and
 * every change kind of FORMAT.md, has quiet scenarios, and names real entities in its expectations.
 * (Full validation is the generator's loader; this guards coverage.)
 */
class ScenarioSuiteCoverageTest {

  private static final Path DIR = Path.of("..", "load-test", "scenarios");

  private static final Set<String> FAULT_KINDS =
      Set.of(
          "error_rate",
          "latency",
          "latency_ramp",
          "memory_leak",
          "cpu_saturation",
          "disk_fill",
          "dependency_down",
          "throttling",
          "traffic",
          "log_pattern",
          "restart_loop");
  private static final Set<String> ROOT_CAUSE_KINDS =
      Set.of(
          "deployment",
          "config",
          "scale",
          "manual_session",
          "permission",
          "dependency",
          "resource",
          "traffic",
          "instance",
          "container",
          "zone",
          "cell",
          "planned_activity",
          "unknown");
  private static final Set<String> CHANGE_KINDS =
      Set.of(
          "deploy",
          "rollback",
          "config",
          "scale",
          "manual_session",
          "permission",
          "feature_flag",
          "planned_activity",
          "merge");

  @Test
  void suiteCoversEveryFaultRootCauseAndChangeKind() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(15);
    YAMLMapper yaml = new YAMLMapper();
    Set<String> faults = new TreeSet<>();
    Set<String> causes = new TreeSet<>();
    Set<String> changes = new TreeSet<>();
    int quiet = 0;
    for (Path f : files) {
      JsonNode root = yaml.readTree(f.toFile());
      String file = f.getFileName().toString();
      assertThat(root.path("name").asText())
          .as(file)
          .isEqualTo(file.substring(0, file.length() - 5));
      Set<String> entities = new TreeSet<>();
      for (JsonNode s : root.path("topology").path("services")) {
        entities.add(s.path("name").asText());
        for (int i = 0; i < s.path("instances").asInt(1); i++) {
          entities.add(s.path("name").asText() + "-" + i);
        }
        s.path("zone").forEach(z -> entities.add(z.asText()));
        s.path("cell").forEach(c -> entities.add(c.asText()));
        s.path("containers").forEach(c -> entities.add(c.asText()));
      }
      root.path("topology")
          .path("dependencies")
          .forEach(d -> entities.add(d.path("name").asText()));
      for (JsonNode e : root.path("events")) {
        if (e.has("fault")) {
          faults.add(e.path("fault").path("kind").asText());
        }
        if (e.has("change")) {
          changes.add(e.path("change").path("kind").asText());
        }
      }
      JsonNode incidents = root.path("expect").path("incidents");
      if (incidents.isEmpty()) {
        quiet++;
      }
      for (JsonNode i : incidents) {
        causes.add(i.path("root_cause").path("kind").asText());
        assertThat(entities)
            .as(file + " root cause entity")
            .contains(i.path("root_cause").path("entity").asText());
        assertThat(i.has("open_within")).as(file + " open_within").isTrue();
      }
    }
    assertThat(faults).containsAll(FAULT_KINDS);
    assertThat(causes).containsAll(ROOT_CAUSE_KINDS);
    assertThat(changes).containsAll(CHANGE_KINDS);
    assertThat(quiet).isGreaterThanOrEqualTo(2);
  }
}
