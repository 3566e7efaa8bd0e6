package io.signalfold.slo;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of the OpenSLO loader: any text either loads or is refused with
 * an {@link SloDefinitionException} that says why; any other exception is a finding.
 */
class OpenSloFuzzTest {

  @FuzzTest(maxDuration = "20s")
  void openSloFiles(byte[] bytes) {
    try {
      OpenSloLoader.create().parse("fuzz.yaml", new String(bytes, StandardCharsets.UTF_8));
    } catch (SloDefinitionException expected) {
      // a clear refusal
    }
  }
}
