package io.signalfold.ingest;

/**
 * A resource dimension a RED series can be broken down by. Each dimension multiplies the number of
 * series by its number of distinct values, so the defaults are chosen in {@link IngestConfig}.
 */
public enum RedDimension {
  /** {@code host.name} / {@code k8s.pod.name} / {@code service.instance.id}. */
  INSTANCE,
  /** {@code service.version}. */
  VERSION,
  /** {@code cloud.availability_zone}. */
  ZONE,
  /** The configured cell attribute (default {@code cell}). */
  CELL,
  /** {@code k8s.container.name}. */
  CONTAINER
}
