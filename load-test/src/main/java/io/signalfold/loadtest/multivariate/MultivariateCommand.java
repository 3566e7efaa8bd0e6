package io.signalfold.loadtest.multivariate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code multivariate}: where does the entity joint check add accuracy? Generates entities whose
 * CPU follows their request rate, injects relationship breaks (each metric inside its own band) and
 * ordinary univariate spikes, and runs the joint check, the univariate SeriesDetector on each
 * metric, their union, an isolation forest and Random Cut Forest over the same vectors. Prints per
 * detector the breaks detected, false alerts per day of normal data, the spikes flagged and points
 * per second (metric values, one thread), one {@code MULTIVARIATE ...} line each, last.
 *
 * <p>Scoring: a detector fires on a vector (an episode opens, or its score reaches its threshold);
 * fires less than 30 minutes apart form one alert. An injected event is detected when a fire falls
 * between its start and 15 minutes after its end. An alert is false when it starts after the
 * training days and more than 2 hours away from every injected event (breaks and spikes).
 */
@Command(
    name = "multivariate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate the entity joint check against isolation forest and the univariate detector.")
public final class MultivariateCommand implements Callable<Integer> {

  @Option(names = "--entities", description = "Generated entities (default ${DEFAULT-VALUE})")
  int entities = 5;

  @Option(names = "--days", description = "Days per entity (default ${DEFAULT-VALUE})")
  int days = 28;

  @Option(names = "--train-days", description = "Normal days first (default ${DEFAULT-VALUE})")
  int trainDays = 7;

  @Option(
      names = "--breaks",
      description = "Relationship breaks per entity (default ${DEFAULT-VALUE})")
  int breaks = 12;

  @Option(
      names = "--spikes",
      description = "Univariate spikes per entity (default ${DEFAULT-VALUE})")
  int spikes = 12;

  @Option(names = "--seed", description = "Seed of the first entity (default ${DEFAULT-VALUE})")
  long seed = 1;

  private static final long ALERT_GAP_MS = 30 * EntityTelemetry.MINUTE;
  private static final long DETECT_AFTER_MS = 15 * EntityTelemetry.MINUTE;
  private static final long EXCLUDE_AFTER_MS = 2 * EntityTelemetry.HOUR;

  /** Counts of one detector over all entities. */
  private static final class Tally {
    final String name;
    final int[] detectedByKind = new int[EntityTelemetry.Kind.values().length];
    final int[] injectedByKind = new int[EntityTelemetry.Kind.values().length];
    int falseAlerts;
    double evalDays;
    long points;
    long nanos;

    Tally(String name) {
      this.name = name;
    }

    int detected(boolean breaks) {
      int k = 0;
      for (EntityTelemetry.Kind kind : EntityTelemetry.Kind.values()) {
        if (kind.relationshipBreak == breaks) {
          k += detectedByKind[kind.ordinal()];
        }
      }
      return k;
    }

    int injected(boolean breaks) {
      int k = 0;
      for (EntityTelemetry.Kind kind : EntityTelemetry.Kind.values()) {
        if (kind.relationshipBreak == breaks) {
          k += injectedByKind[kind.ordinal()];
        }
      }
      return k;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "MULTIVARIATE detector=%s detected=%d/%d false_per_day=%.2f points_per_s=%s"
              + " spikes_flagged=%d/%d",
          name,
          detected(true),
          injected(true),
          falseAlerts / evalDays,
          nanos > 0 ? Long.toString(Math.round(points / (nanos / 1e9))) : "n/a",
          detected(false),
          injected(false));
    }

    String detail() {
      StringBuilder b = new StringBuilder(name).append(':');
      for (EntityTelemetry.Kind kind : EntityTelemetry.Kind.values()) {
        b.append(' ')
            .append(kind)
            .append(' ')
            .append(detectedByKind[kind.ordinal()])
            .append('/')
            .append(injectedByKind[kind.ordinal()]);
      }
      return b.append(", false alerts ").append(falseAlerts).toString();
    }
  }

  @Override
  public Integer call() {
    List<Supplier<EntityDetector>> detectors = new ArrayList<>();
    detectors.add(EntityDetector.Joint::new);
    detectors.add(EntityDetector.Univariate::new);
    detectors.add(() -> new EntityDetector.Isolation(1.0, seed));
    detectors.add(() -> new EntityDetector.Isolation(0.999, seed));
    detectors.add(() -> new EntityDetector.Rcf(1.0, seed));
    detectors.add(() -> new EntityDetector.Rcf(0.999, seed));
    List<Tally> tallies = new ArrayList<>();
    Tally combined = new Tally("seriesDetector+entityJointCheck");
    for (int e = 0; e < entities; e++) {
      EntityTelemetry data = EntityTelemetry.generate(seed + e, days, trainDays, breaks, spikes);
      boolean[] jointFires = null;
      boolean[] univariateFires = null;
      for (int d = 0; d < detectors.size(); d++) {
        EntityDetector detector = detectors.get(d).get();
        if (tallies.size() <= d) {
          tallies.add(new Tally(detector.name()));
        }
        Tally tally = tallies.get(d);
        detector.prepare(data);
        boolean[] fires = new boolean[data.rows.length];
        long t0 = System.nanoTime();
        for (int i = 0; i < data.rows.length; i++) {
          fires[i] = detector.observe(i, data.times[i], data.rows[i]);
        }
        tally.nanos += System.nanoTime() - t0;
        tally.points += (long) data.rows.length * data.rows[0].length;
        score(data, fires, tally);
        if (d == 0) {
          jointFires = fires;
        } else if (d == 1) {
          univariateFires = fires;
        }
      }
      boolean[] union = new boolean[data.rows.length];
      for (int i = 0; i < union.length; i++) {
        union[i] = jointFires[i] || univariateFires[i];
      }
      score(data, union, combined);
    }
    tallies.add(2, combined);
    System.out.printf(
        Locale.ROOT,
        "%d entities x %d days (%d training days), %d breaks and %d spikes each%n",
        entities,
        days,
        trainDays,
        breaks,
        spikes);
    for (Tally t : tallies) {
      System.out.println(t.detail());
    }
    for (Tally t : tallies) {
      System.out.println(t.line());
    }
    return 0;
  }

  private static void score(EntityTelemetry data, boolean[] fires, Tally tally) {
    for (EntityTelemetry.Injected inj : data.injected) {
      tally.injectedByKind[inj.kind().ordinal()]++;
      boolean hit = false;
      for (int i = 0; i < fires.length && !hit; i++) {
        long t = data.times[i];
        hit = fires[i] && t >= inj.startMs() && t <= inj.endMs() + DETECT_AFTER_MS;
      }
      if (hit) {
        tally.detectedByKind[inj.kind().ordinal()]++;
      }
    }
    long lastFire = Long.MIN_VALUE;
    for (int i = data.trainRows; i < fires.length; i++) {
      if (!fires[i]) {
        continue;
      }
      long t = data.times[i];
      boolean newAlert = lastFire == Long.MIN_VALUE || t - lastFire >= ALERT_GAP_MS;
      lastFire = t;
      if (newAlert && !nearInjected(data, t)) {
        tally.falseAlerts++;
      }
    }
    tally.evalDays += data.evalDays;
  }

  private static boolean nearInjected(EntityTelemetry data, long t) {
    for (EntityTelemetry.Injected inj : data.injected) {
      if (t >= inj.startMs() && t <= inj.endMs() + EXCLUDE_AFTER_MS) {
        return true;
      }
    }
    return false;
  }
}
