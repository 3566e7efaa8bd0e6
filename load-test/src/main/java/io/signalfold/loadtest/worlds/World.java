package io.signalfold.loadtest.worlds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.signalfold.loadtest.generator.Scenario;
import java.util.List;
import java.util.Map;

/**
 * One generated world: the scenario it is (a valid scenario file, see FORMAT.md) and, for each of
 * its expected incidents in file order, the catalogue kind that injected it.
 *
 * @param seed the seed it was drawn from
 * @param document the scenario file's content
 * @param scenario the parsed scenario
 * @param incidentKinds one per expected incident, in the order of {@code expect.incidents}
 */
public record World(
    long seed, Map<String, Object> document, Scenario scenario, List<FaultKind> incidentKinds) {

  /** Length of the world in days (history plus the time after T0), for false alarms per day. */
  public double days() {
    return (scenario.history().toMillis() + scenario.duration().toMillis()) / 86_400_000.0;
  }

  /** The world as a scenario file, to replay it alone with {@code scenarios FILE}. */
  public String yaml() {
    ObjectMapper yaml =
        // Every string quoted: unquoted, a commit such as 005e346 would read back as a number.
        new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    try {
      return yaml.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("world " + seed + " does not serialize", e);
    }
  }
}
