package io.signalfold.loadtest.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.job.PipelineConfig;
import io.signalfold.loadtest.generator.Scenario;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioRunConfigTest {

  @Test
  void theImpactAttributeTheScenarioExpectsIsCountedByIngestAndCorrelation() {
    Map<String, String> conf = new HashMap<>();
    conf.put("kafka.bootstrap.servers", "localhost:9092");
    ScenarioRun.impactAttributes(Scenario.builtInDefault(), conf);
    PipelineConfig cfg = PipelineConfig.fromMap(conf);
    assertThat(cfg.correlationConfig().impactAttributes()).containsExactly("robot.id");
    assertThat(cfg.ingestConfig().impactAttributes()).contains("robot.id", "customer.id");
  }
}
