package io.signalfold.loadtest;

import java.util.ArrayList;
import java.util.List;

/** The registered subcommands, one line each. */
final class Subcommands {

  private Subcommands() {}

  static List<Object> all() {
    List<Object> commands = new ArrayList<>();
    commands.add(new io.signalfold.loadtest.demo.DemoCommand());
    commands.add(new io.signalfold.loadtest.generator.GenerateCommand());
    commands.add(new io.signalfold.loadtest.nab.NabCommand());
    commands.add(new io.signalfold.loadtest.multivariate.MultivariateCommand());
    commands.add(new io.signalfold.loadtest.slo.SloEvalCommand());
    commands.add(new io.signalfold.loadtest.runner.ScenariosCommand());
    commands.add(new io.signalfold.loadtest.worlds.BenchCommand());
    return commands;
  }
}
