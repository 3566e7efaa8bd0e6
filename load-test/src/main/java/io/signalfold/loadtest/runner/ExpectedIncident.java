package io.signalfold.loadtest.runner;

import java.util.List;
import javax.annotation.Nullable;

/**
 * One {@code expect.incidents} entry of a scenario, with the event time of the fault it describes.
 *
 * @param entity the root-cause entity (service, dependency, host, zone, cell, container)
 * @param kind the root-cause kind of the scenario vocabulary, lower case (e.g. {@code deployment})
 * @param version the version a deployment cause must name, or null
 * @param faultStartMs event time the fault starts
 * @param faultEndMs event time the fault is cleared (the scenario end when never cleared)
 * @param openWithinMs longest accepted event time from fault start to the candidate opening
 * @param symptoms services that must be listed as affected, not as causes
 * @param impactAttribute attribute whose distinct count the candidate must report, or null
 * @param resolves whether the candidate must resolve after the clear
 */
public record ExpectedIncident(
    String entity,
    String kind,
    @Nullable String version,
    long faultStartMs,
    long faultEndMs,
    long openWithinMs,
    List<String> symptoms,
    @Nullable String impactAttribute,
    boolean resolves) {

  public ExpectedIncident {
    symptoms = List.copyOf(symptoms);
  }

  /** {@code kind: entity[@version]}, for reports. */
  public String describe() {
    return kind + ": " + entity + (version == null ? "" : "@" + version);
  }
}
