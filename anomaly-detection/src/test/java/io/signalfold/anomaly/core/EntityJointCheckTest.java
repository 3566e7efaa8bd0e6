package io.signalfold.anomaly.core;

import static io.signalfold.anomaly.core.SyntheticSeries.DAY;
import static io.signalfold.anomaly.core.SyntheticSeries.HOUR;
import static io.signalfold.anomaly.core.SyntheticSeries.MINUTE;
import static io.signalfold.anomaly.core.SyntheticSeries.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.AnomalyPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntityJointCheckTest {

  private static final int RATE = 0;
  private static final int CPU = 1;
  private static final int MEMORY = 2;

  /**
   * One service instance: bursty traffic (8% noise), CPU follows the request rate closely (the cost
   * per request is stable), memory is independent.
   */
  private static final class Entity {
    final SyntheticSeries traffic = new SyntheticSeries(160, 0.6, 1.0, 0.08, 11);
    final Random noise = new Random(12);

    double rate(long t) {
      return traffic.at(t);
    }

    double cpuFor(double rate) {
      return 0.05 + 0.004 * rate + 0.006 * noise.nextGaussian();
    }

    double memory(long t) {
      return 0.55 + 0.02 * Math.sin(2 * Math.PI * t / (7.0 * HOUR)) + 0.01 * noise.nextGaussian();
    }

    double[] normal(long t) {
      double r = rate(t);
      return new double[] {
        r, cpuFor(r), memory(t), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN
      };
    }
  }

  private static final int MEMORY_COPY = 3;
  private static final int CPU_SIDECAR = 4;

  /**
   * The same entity as the scenario generator reports it: heap and process memory are the identical
   * number, a sidecar's CPU is an affine copy of the main container's, and the copies miss a point
   * now and then (so the covariance is learned pairwise over different vectors).
   */
  private static final class CopiedEntity {
    final Entity entity = new Entity();
    final Random gaps = new Random(13);

    double[] normal(long t) {
      return copies(entity.normal(t));
    }

    double[] copies(double[] x) {
      x[MEMORY_COPY] = gaps.nextDouble() < 0.02 ? Double.NaN : x[MEMORY];
      x[CPU_SIDECAR] = gaps.nextDouble() < 0.02 ? Double.NaN : 0.03 + 0.1 * x[CPU];
      return x;
    }
  }

  private record Recorded(AnomalyPhase phase, long timestampMs, long onsetMs, double score) {}

  private static final class Recorder implements JointListener {
    final List<Recorded> events = new ArrayList<>();
    int firstContributor = -1;

    @Override
    public void onJoint(JointEvent e) {
      events.add(new Recorded(e.phase(), e.timestampMs(), e.onsetMs(), e.score()));
      if (firstContributor < 0 && e.contributorCount() > 0) {
        firstContributor = e.contributorSlot(0);
      }
    }

    List<Recorded> opened() {
      return events.stream().filter(e -> e.phase() == AnomalyPhase.OPEN).toList();
    }
  }

  private static long history(
      EntityJointCheck check, Entity entity, long from, long to, Recorder r) {
    long t = from;
    for (; t < to; t += MINUTE) {
      check.evaluate(t, entity.normal(t), r);
    }
    return t;
  }

  @Test
  void correlatedNormalDataRaisesNothing() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    Entity entity = new Entity();
    double maxScore = 0;
    for (long t = START; t < START + 10 * DAY; t += MINUTE) {
      check.evaluate(t, entity.normal(t), r);
      maxScore = Math.max(maxScore, check.lastScore());
    }
    assertThat(r.events).isEmpty();
    assertThat(maxScore).isLessThan(0.5);
    assertThat(check.lastDimensions()).isEqualTo(3);
  }

  @Test
  void aRelationshipBreakInsideEveryUnivariateBandIsFlagged() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    Entity entity = new Entity();
    SeriesDetector[] univariate = new SeriesDetector[3];
    RecordingListener univariateEvents = new RecordingListener();
    for (int i = 0; i < 3; i++) {
      univariate[i] = new SeriesDetector(DetectorConfig.defaults(), SeriesSpec.generic());
    }
    long breakAt = START + 5 * DAY + 15 * HOUR;
    boolean allJudged = true;
    for (long t = START; t < breakAt + 30 * MINUTE; t += MINUTE) {
      double[] x = entity.normal(t);
      if (t >= breakAt) {
        // the request rate falls by 12% (1.5 of its own sigmas); CPU stays where the old load put
        // it
        double before = x[RATE];
        x[RATE] = before * 0.88;
        x[CPU] = entity.cpuFor(before);
        univariateEvents.events.clear();
      }
      check.evaluate(t, x, r);
      for (int i = 0; i < 3; i++) {
        univariate[i].observe(t, x[i], univariateEvents);
      }
      if (t >= breakAt) {
        allJudged &= check.lastJudged();
        assertThat(univariateEvents.events).as("univariate episodes at %d", t).isEmpty();
      }
    }
    assertThat(allJudged).as("every metric stayed inside its own band").isTrue();
    assertThat(r.opened())
        .singleElement()
        .satisfies(e -> assertThat(e.onsetMs()).isBetween(breakAt, breakAt + 5 * MINUTE));
    assertThat(r.firstContributor).isIn(RATE, CPU);
  }

  @Test
  void aSpikeOfOneMetricIsLeftToTheUnivariateDetector() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    Entity entity = new Entity();
    long t = history(check, entity, START, START + 4 * DAY + 14 * HOUR, r);
    for (int i = 0; i < 5; i++, t += MINUTE) {
      double[] x = entity.normal(t);
      x[MEMORY] = 0.9; // far outside the memory band
      check.evaluate(t, x, r);
      assertThat(check.lastJudged()).isFalse();
      assertThat(check.lastScore()).isZero();
    }
    assertThat(r.events).isEmpty();
  }

  @Test
  void aLoadSpikeThatKeepsTheRelationshipIsNotFlagged() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    Entity entity = new Entity();
    long t = history(check, entity, START, START + 4 * DAY + 8 * HOUR, r);
    for (int i = 0; i < 20; i++, t += MINUTE) {
      double[] x = entity.normal(t);
      x[RATE] *= 1.4; // more load, and CPU follows it as usual
      x[CPU] = entity.cpuFor(x[RATE]);
      check.evaluate(t, x, r);
    }
    assertThat(r.events).isEmpty();
  }

  @Test
  void nothingIsFlaggedDuringTheColdStart() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    Entity entity = new Entity();
    long t = history(check, entity, START, START + 20 * HOUR, r);
    for (int i = 0; i < 30; i++, t += MINUTE) {
      double[] x = entity.normal(t);
      x[CPU] = x[CPU] + 0.2;
      x[RATE] = x[RATE] * 0.5;
      check.evaluate(t, x, r);
      assertThat(check.lastScore()).isZero();
    }
    assertThat(r.events).isEmpty();
  }

  @Test
  void pointsAreAveragedIntoVectorsOfOneBucket() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    Entity entity = new Entity();
    // 10 s points: six per one-minute vector
    for (long t = START; t < START + 2 * DAY; t += 10_000L) {
      double[] x = entity.normal(t);
      check.observe(RATE, t, x[RATE], r);
      check.observe(CPU, t, x[CPU], r);
      check.observe(MEMORY, t, x[MEMORY], r);
    }
    assertThat(check.historyVectors()).isEqualTo(2 * 24 * 60 - 1);
    assertThat(check.observe(CPU, START, 0.5, r)).as("older than the open bucket").isFalse();
  }

  @Test
  void stateRoundTripContinuesExactly() {
    JointCheckConfig cfg = JointCheckConfig.defaults();
    EntityJointCheck original = new EntityJointCheck(cfg);
    Recorder r = new Recorder();
    Entity entity = new Entity();
    long t = history(original, entity, START, START + 3 * DAY, r);
    original.observe(RATE, t, 120, r); // an open bucket is part of the state
    byte[] bytes = EntityJointStateCodec.encode(original);
    assertThat(bytes).hasSize(EntityJointStateCodec.BYTES);
    EntityJointCheck restored = new EntityJointCheck(cfg);
    EntityJointStateCodec.decode(bytes, restored);
    assertThat(EntityJointStateCodec.encode(restored)).isEqualTo(bytes);
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    for (int i = 0; i < 120; i++, t += MINUTE) {
      double[] x = entity.normal(t);
      if (i > 60) {
        x[CPU] += 0.08;
      }
      original.evaluate(t, x, a);
      restored.evaluate(t, x.clone(), b);
      assertThat(restored.lastDistance()).isEqualTo(original.lastDistance());
    }
    assertThat(b.events).isEqualTo(a.events);
    assertThat(a.events).isNotEmpty();
  }

  @Test
  void chiSquareSurpriseMatchesKnownQuantiles() {
    // P(chi2_1 >= 3.841) = 0.05, P(chi2_3 >= 16.27) = 0.001
    assertThat(EntityJointCheck.chiSquareSurprise(1, 3.841)).isCloseTo(1.301, within(0.01));
    assertThat(EntityJointCheck.chiSquareSurprise(3, 16.27)).isCloseTo(3.0, within(0.01));
    assertThat(EntityJointCheck.chiSquareSurprise(2, 1e6)).isEqualTo(50.0);
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  @Test
  void anEpisodeIsInvestigateGradeAndRecovers() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    Entity entity = new Entity();
    long t = history(check, entity, START, START + 5 * DAY + 15 * HOUR, r);
    for (int i = 0; i < 20; i++, t += MINUTE) {
      double[] x = entity.normal(t);
      x[CPU] = entity.cpuFor(x[RATE] / 0.75);
      check.evaluate(t, x, r);
    }
    history(check, entity, t, t + HOUR, r);
    assertThat(r.events.get(0).phase()).isEqualTo(AnomalyPhase.OPEN);
    assertThat(r.events.get(r.events.size() - 1).phase()).isEqualTo(AnomalyPhase.RECOVERED);
    assertThat(r.events)
        .allSatisfy(e -> assertThat(e.onsetMs()).isEqualTo(r.events.get(0).onsetMs()));
  }

  @Test
  void identicalAndCopiedMetricsRaiseNothingOverDays() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    CopiedEntity entity = new CopiedEntity();
    double maxScore = 0;
    for (long t = START; t < START + 10 * DAY; t += MINUTE) {
      check.evaluate(t, entity.normal(t), r);
      maxScore = Math.max(maxScore, check.lastScore());
    }
    assertThat(r.events).isEmpty();
    assertThat(maxScore).isLessThan(0.5);
  }

  @Test
  void withCopiedMetricsCpuUpAtTheSameLoadIsStillFlagged() {
    EntityJointCheck check = new EntityJointCheck(JointCheckConfig.defaults());
    Recorder r = new Recorder();
    CopiedEntity entity = new CopiedEntity();
    long t = START;
    for (; t < START + 5 * DAY + 15 * HOUR; t += MINUTE) {
      check.evaluate(t, entity.normal(t), r);
    }
    assertThat(r.events).isEmpty();
    long breakAt = t;
    for (int i = 0; i < 20; i++, t += MINUTE) {
      double[] x = entity.entity.normal(t);
      // each request costs a third more CPU; the sidecar copy follows the main container
      x[CPU] = entity.entity.cpuFor(x[RATE] / 0.75);
      check.evaluate(t, entity.copies(x), r);
    }
    assertThat(r.opened())
        .singleElement()
        .satisfies(e -> assertThat(e.onsetMs()).isBetween(breakAt, breakAt + 5 * MINUTE));
    assertThat(r.firstContributor).isIn(RATE, CPU, CPU_SIDECAR);
  }

  @Test
  void eigenDecompositionOfSymmetricMatricesAlsoIndefiniteOnesIsExact() {
    Random random = new Random(7);
    for (int k = 2; k <= EntityJointCheck.MAX_METRICS; k++) {
      double[][] m = new double[k][k];
      for (int a = 0; a < k; a++) {
        for (int b = 0; b <= a; b++) {
          m[a][b] = random.nextGaussian();
          m[b][a] = m[a][b];
        }
      }
      double[] flat = new double[EntityJointCheck.MAX_METRICS * EntityJointCheck.MAX_METRICS];
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          flat[a * EntityJointCheck.MAX_METRICS + b] = m[a][b];
        }
      }
      double[] vectors = new double[flat.length];
      double[] lambda = new double[EntityJointCheck.MAX_METRICS];
      assertThat(EntityJointCheck.symmetricEigen(flat, k, vectors, lambda)).isTrue();
      double[] ours = java.util.Arrays.copyOf(lambda, k);
      double[] theirs =
          new org.apache.commons.math3.linear.EigenDecomposition(
                  new org.apache.commons.math3.linear.Array2DRowRealMatrix(m))
              .getRealEigenvalues();
      java.util.Arrays.sort(ours);
      java.util.Arrays.sort(theirs);
      assertThat(ours).containsExactly(theirs, within(1e-9));
      // each column is an eigenvector: M v = lambda v
      for (int j = 0; j < k; j++) {
        for (int a = 0; a < k; a++) {
          double mv = 0;
          for (int b = 0; b < k; b++) {
            mv += m[a][b] * vectors[b * EntityJointCheck.MAX_METRICS + j];
          }
          assertThat(mv)
              .isCloseTo(lambda[j] * vectors[a * EntityJointCheck.MAX_METRICS + j], within(1e-9));
        }
      }
    }
  }
}
