package io.signalfold.loadtest.generator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the shared scenario contract's example files are: beside the repository (the usual
 * checkout, run from a module folder), or at the machine's fixed location for a clone elsewhere.
 */
final class SharedScenarioFolder {

  private static final List<Path> CANDIDATES =
      List.of(Path.of("../../shared/scenarios"), Path.of("/work/shared/scenarios"));

  private SharedScenarioFolder() {}

  /** The first of the known locations that exists, absolute and normalized. */
  static Optional<Path> find() {
    for (Path dir : CANDIDATES) {
      if (Files.isDirectory(dir)) {
        return Optional.of(dir.toAbsolutePath().normalize());
      }
    }
    return Optional.empty();
  }
}
