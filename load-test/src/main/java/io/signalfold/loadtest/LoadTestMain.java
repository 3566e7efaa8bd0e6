package io.signalfold.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code load-test.jar}: the embedded demo, the telemetry generator, the scenario
 * runner and the benchmarks. Each subcommand lives in its own package and is registered here.
 */
@Command(
    name = "load-test.jar",
    mixinStandardHelpOptions = true,
    description = "signalfold: embedded demo, telemetry generator, scenario runner, benchmarks.",
    subcommands = {CommandLine.HelpCommand.class})
public final class LoadTestMain {

  private LoadTestMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree; subcommands are added by the packages that own them. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new LoadTestMain());
    for (Object sub : Subcommands.all()) {
      cli.addSubcommand(sub);
    }
    return cli;
  }
}
