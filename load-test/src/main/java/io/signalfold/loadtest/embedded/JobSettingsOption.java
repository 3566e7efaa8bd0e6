package io.signalfold.loadtest.embedded;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --set KEY=VALUE} option of the commands that run the job (a picocli mixin). */
public final class JobSettingsOption {

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A job configuration key (see the configuration reference in correlation-jobs/README.md),"
              + " e.g. --set correlation.grouping.open-delay=60s; repeatable.")
  private Map<String, String> settings = new LinkedHashMap<>();

  /** The settings given, in order. */
  public Map<String, String> settings() {
    return settings;
  }
}
