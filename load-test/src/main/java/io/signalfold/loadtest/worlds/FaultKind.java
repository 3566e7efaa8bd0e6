package io.signalfold.loadtest.worlds;

import java.time.Duration;
import javax.annotation.Nullable;

/**
 * The benchmark's fault catalogue: every fault kind of FORMAT.md and every incident of INCIDENTS.md
 * that the generator can express, each with the root cause a correct diagnosis names. An injector
 * picks free entities of the world, writes the events (the fault, the change behind it, a
 * distractor near it, the clear) and the expectation, and returns when it is over; it returns null,
 * writing nothing, when the world has no entities it can use.
 */
public enum FaultKind {
  /** A deploy whose new version fails part of its requests (I1, I17). */
  BAD_DEPLOY_ERRORS(ChangeFaults::badDeployErrors),
  /** A deploy whose new version is slow. */
  BAD_DEPLOY_LATENCY(ChangeFaults::badDeployLatency),
  /** A rollout that stops on one canary instance, which fails. */
  CANARY_HALT(ChangeFaults::canaryHalt),
  /** A deploy that starts a memory leak, hours before it bites (after T0). */
  DEPLOY_LEAK(ChangeFaults::deployLeak),
  /** A deploy whose health check fails: the new instances restart in a loop (I4). */
  HEALTH_CHECK_CHURN(ChangeFaults::healthCheckChurn),
  /** A configuration change that exhausts a pool: latency and a new log template (I11). */
  CONFIG_REGRESSION(ChangeFaults::configRegression),
  /** A feature flag turned on for one endpoint, which fails. */
  FLAG_FLIP(ChangeFaults::flagFlip),
  /** A resource policy set to deny: every call to the dependency fails (I5). */
  PERMISSION_DENIED(ChangeFaults::permissionDenied),
  /** A service scaled to zero: its telemetry stops, its callers are refused (I16). */
  SCALE_TO_ZERO(ChangeFaults::scaleToZero),
  /** An operator's shell session breaks one host (I2). */
  MANUAL_SESSION(ChangeFaults::manualSession),
  /** Failures in waves, each after its own deploy (I3): one incident per wave. */
  RECURRING_WAVES(ChangeFaults::recurringWaves),
  /** A leading signal: latency ramping up since a deploy hours before T0 (I14). */
  LATENCY_RAMP(ChangeFaults::latencyRamp),
  /** A table throttles part of the calls (I15, I23). */
  DEPENDENCY_THROTTLING(InfraFaults::dependencyThrottling),
  /** A dependency gets slow without failing. */
  DEPENDENCY_SLOW(InfraFaults::dependencySlow),
  /** A cache or queue goes down. */
  DEPENDENCY_DOWN(InfraFaults::dependencyDown),
  /** An external API's certificate expires: every TLS call to it fails. */
  CERTIFICATE_EXPIRY(InfraFaults::certificateExpiry),
  /** One bad host among several restarts in a loop. */
  BAD_HOST(InfraFaults::badHost),
  /** A noisy neighbour saturates one instance's CPU (I9). */
  NOISY_NEIGHBOUR(InfraFaults::noisyNeighbour),
  /** A zone's network degrades: every instance there fails part of its requests (I9, I25). */
  ZONE_GRAY(InfraFaults::zoneGray),
  /** One cell behind the router is impaired (I25). */
  CELL_OUTAGE(InfraFaults::cellOutage),
  /** A sidecar container leaks memory in many services at once (I20). */
  SIDECAR_OOM(InfraFaults::sidecarOom),
  /** A disk fills up. */
  DISK_FILL(InfraFaults::diskFill),
  /** A legitimate traffic surge saturates a service; a healthy deploy just before (I10, I22). */
  TRAFFIC_SURGE(InfraFaults::trafficSurge),
  /** A load test announced as planned activity saturates a service (I19). */
  PLANNED_LOAD_TEST(InfraFaults::plannedLoadTest);

  /** Writes one fault into a draft at {@code at} after T0; null when the world cannot hold it. */
  @FunctionalInterface
  interface Injector {
    @Nullable
    Duration inject(WorldDraft draft, Duration at);
  }

  private final Injector injector;

  FaultKind(Injector injector) {
    this.injector = injector;
  }

  /** The name used on the benchmark's per-kind lines. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  @Nullable
  Duration inject(WorldDraft draft, Duration at) {
    return injector.inject(draft, at);
  }
}
