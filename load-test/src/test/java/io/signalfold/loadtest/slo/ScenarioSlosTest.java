package io.signalfold.loadtest.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every {@code slos:} entry of the scenario files builds an SLO the engine can evaluate. */
class ScenarioSlosTest {

  @Test
  void everyScenarioSloEntryBuildsAndCompiles() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("scenarios"))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
    }
    assertThat(files).isNotEmpty();
    List<String> built = new ArrayList<>();
    for (Path f : files) {
      Map<?, ?> scenario = yaml.readValue(f.toFile(), Map.class);
      Object slos = scenario.get("slos");
      if (!(slos instanceof List)) {
        continue;
      }
      for (Object entry : (List<?>) slos) {
        @SuppressWarnings("unchecked")
        Map<String, ?> e = (Map<String, ?>) entry;
        SloDefinition d = SloDefinition.fromScenario(e);
        SloEvaluator.create(d, SloConfig.defaults()); // compiles its windows and rules
        built.add(f.getFileName() + ":" + d.name());
      }
    }
    assertThat(built).hasSizeGreaterThan(5);
  }
}
