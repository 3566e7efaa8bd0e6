package io.signalfold.loadtest.slo;

import io.signalfold.schema.SloAlertKind;
import io.signalfold.schema.SloBurnAlert;
import io.signalfold.schema.SloStatus;
import io.signalfold.slo.BurnRatePolicy;
import io.signalfold.slo.OpenSloLoader;
import io.signalfold.slo.SloConfig;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloDefinitionException;
import io.signalfold.slo.SloEvaluator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code slo-eval}: evaluates one OpenSLO definition on a CSV of per-interval good/total counts
 * with the default burn-rate policy, using the engine's evaluation core (the same code as the Flink
 * stage), and prints one line per burn-alert transition, then a summary line:
 *
 * <pre>
 * 2026-03-04T02:11:00Z page firing burn_long=14.67 burn_short=80.00
 * 2026-03-04T02:30:00Z page resolved burn_long=33.33 burn_short=0.00
 * slo=checkout-availability budget_remaining=0.5370 transitions=2
 * </pre>
 *
 * <p>CSV rows are {@code timestamp,good,total} (ISO-8601 timestamps, the end of each interval; an
 * optional header line and {@code #} comments are skipped). The fine bucket width is the greatest
 * common divisor of the row spacings (capped so it divides 5 minutes), so each row is evaluated
 * exactly at its timestamp. Exit codes: 0 on success, 2 on bad input (messages on stderr name the
 * file and line).
 */
@Command(
    name = "slo-eval",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate an OpenSLO definition on timestamp,good,total CSV rows with the default"
            + " multiwindow burn-rate policy; print alert transitions and the budget left.")
public final class SloEvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--slo", required = true, description = "OpenSLO v1 YAML file")
  Path sloFile;

  @Option(names = "--input", required = true, description = "CSV: timestamp,good,total")
  Path input;

  @Option(
      names = "--name",
      description = "SLO to evaluate when the file defines several (default: the only one)")
  String name;

  /** One CSV row. */
  record Row(long timeMs, double good, double total) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SloDefinition slo;
    List<Row> rows;
    try {
      slo = select(OpenSloLoader.create().load(sloFile));
      rows = readCsv(input);
    } catch (SloDefinitionException | IllegalArgumentException e) {
      err.println("slo-eval: " + e.getMessage());
      err.flush();
      return 2;
    }
    Result r = evaluate(slo, rows);
    for (SloBurnAlert a : r.transitions()) {
      out.println(line(a));
    }
    out.printf(
        Locale.ROOT,
        "slo=%s budget_remaining=%.4f transitions=%d%n",
        slo.name(),
        r.finalStatus() == null ? 1.0 : r.finalStatus().getBudgetRemainingFraction(),
        r.transitions().size());
    out.flush();
    if (r.lateRows() > 0) {
      err.println(
          "slo-eval: warning: "
              + r.lateRows()
              + " rows older than the allowed lateness were ignored");
      err.flush();
    }
    return 0;
  }

  private SloDefinition select(List<SloDefinition> slos) {
    if (name != null) {
      return slos.stream()
          .filter(s -> s.name().equals(name))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      sloFile + ": no SLO named '" + name + "' (have " + names(slos) + ")"));
    }
    if (slos.size() != 1) {
      throw new IllegalArgumentException(
          sloFile
              + ": "
              + (slos.isEmpty()
                  ? "defines no SLO"
                  : "defines " + slos.size() + " SLOs (" + names(slos) + "); choose with --name"));
    }
    return slos.get(0);
  }

  private static String names(List<SloDefinition> slos) {
    return slos.stream().map(SloDefinition::name).collect(Collectors.joining(", "));
  }

  /** What an evaluation produced. */
  record Result(List<SloBurnAlert> transitions, SloStatus finalStatus, long lateRows) {}

  /**
   * Evaluates {@code rows} in file order: record, then evaluate at the row's time. Only burn-rate
   * transitions are returned (the default policy without budget-consumed alerts).
   */
  static Result evaluate(SloDefinition slo, List<Row> rows) {
    long resolution = resolutionMs(rows);
    long origin = rows.isEmpty() ? 0 : Math.floorMod(rows.get(0).timeMs(), resolution);
    BurnRatePolicy policy = BurnRatePolicy.sreWorkbook().withBudgetAlerts(List.of());
    SloConfig config =
        SloConfig.defaults()
            .withFineResolution(Duration.ofMillis(resolution))
            .withDefaultPolicy(policy);
    SloDefinition withDefaultPolicy = slo.toBuilder().policy(null).build();
    SloEvaluator ev = SloEvaluator.create(withDefaultPolicy, java.util.Map.of(), config, origin);
    List<SloBurnAlert> transitions = new ArrayList<>();
    SloEvaluator.Output sink =
        new SloEvaluator.Output() {
          @Override
          public void status(SloStatus status) {}

          @Override
          public void alert(SloBurnAlert alert) {
            if (alert.getAlertKind() == SloAlertKind.BURN_RATE) {
              transitions.add(alert);
            }
          }
        };
    long last = Long.MIN_VALUE;
    for (Row row : rows) {
      ev.record(row.timeMs(), row.good(), row.total(), sink);
      ev.evaluate(row.timeMs(), sink);
      last = Math.max(last, row.timeMs());
    }
    SloStatus status = rows.isEmpty() ? null : ev.statusAt(last);
    return new Result(transitions, status, ev.lateEventsIgnored());
  }

  /**
   * The fine bucket width: the greatest common divisor of the spacings between distinct timestamps
   * and of 5 minutes (every default window is a multiple of it), at least a second.
   */
  static long resolutionMs(List<Row> rows) {
    long five = Duration.ofMinutes(5).toMillis();
    if (rows.size() < 2) {
      return Duration.ofMinutes(1).toMillis();
    }
    long[] times = rows.stream().mapToLong(Row::timeMs).sorted().distinct().toArray();
    long g = five;
    for (int i = 1; i < times.length; i++) {
      g = gcd(g, times[i] - times[i - 1]);
    }
    return Math.max(1000, g);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** {@code <ISO timestamp> <page|ticket> <firing|resolved> burn_long=<x> burn_short=<y>}. */
  static String line(SloBurnAlert a) {
    return String.format(
        Locale.ROOT,
        "%s %s %s burn_long=%.2f burn_short=%.2f",
        Instant.ofEpochMilli(a.getTimestampMs()),
        a.getSeverity().name().toLowerCase(Locale.ROOT),
        a.getState().name().toLowerCase(Locale.ROOT),
        a.getBurnLong(),
        a.getBurnShort());
  }

  /**
   * Reads {@code timestamp,good,total} rows.
   *
   * @throws IllegalArgumentException naming file and line for the first bad row
   */
  static List<Row> readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Row> rows = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", -1);
      String where = file + ":" + (i + 1) + ": ";
      if (rows.isEmpty() && f.length > 0 && f[0].strip().equalsIgnoreCase("timestamp")) {
        continue; // header
      }
      if (f.length != 3) {
        throw new IllegalArgumentException(
            where + "expected timestamp,good,total, got " + f.length + " fields");
      }
      long t;
      try {
        t = OffsetDateTime.parse(f[0].strip()).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            where
                + "timestamp '"
                + f[0].strip()
                + "' is not ISO-8601 with an offset, e.g."
                + " 2026-03-02T00:01:00Z");
      }
      double good = number(f[1], "good", where);
      double total = number(f[2], "total", where);
      if (good > total) {
        throw new IllegalArgumentException(
            where + "good (" + good + ") exceeds total (" + total + ")");
      }
      rows.add(new Row(t, good, total));
    }
    return rows;
  }

  private static double number(String text, String field, String where) {
    try {
      double v = Double.parseDouble(text.strip());
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where + field + " must be a non-negative number, got '" + text.strip() + "'");
    }
  }
}
