package io.signalfold.loadtest.generator;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;

/**
 * Coverage-guided fuzzing (Jazzer) of the scenario parser (FORMAT.md files from users): any bytes
 * either parse or are refused with a {@link ScenarioException} that says why; any other exception
 * is a finding.
 */
class ScenarioFuzzTest {

  @FuzzTest(maxDuration = "20s")
  void scenarioFiles(byte[] bytes) {
    try {
      Scenario.parse("fuzz.yaml", new ByteArrayInputStream(bytes));
    } catch (ScenarioException expected) {
      // a clear refusal
    }
  }
}
