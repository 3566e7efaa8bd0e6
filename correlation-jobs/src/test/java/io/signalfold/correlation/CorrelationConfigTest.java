package io.signalfold.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalfold.correlation.RankingWeights.Weight;
import io.signalfold.correlation.internal.CandidateState;
import io.signalfold.correlation.internal.CorrelationInput;
import io.signalfold.correlation.internal.EdgeState;
import io.signalfold.correlation.internal.EngineMeta;
import io.signalfold.correlation.internal.RedRollup;
import io.signalfold.correlation.internal.RedSeriesState;
import io.signalfold.correlation.internal.SignalState;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class CorrelationConfigTest {

  @Test
  void flatKeysOverrideTheDefaultsAndBadValuesNameTheirKey() {
    CorrelationConfig c =
        CorrelationConfig.fromMap(
            Map.of(
                "correlation.grouping.open-delay", "45s",
                "correlation.lifecycle.quiet-period", "PT10M",
                "correlation.impact.attributes", "robot.id, customer.id",
                "correlation.business.metric", "orders.placed",
                "correlation.ranking.weight.leading-first", "1.5",
                "correlation.signals.category.queue_depth", "saturation",
                "unrelated.key", "ignored"));
    assertThat(c.openDelayMs()).isEqualTo(45_000);
    assertThat(c.quietPeriodMs()).isEqualTo(600_000);
    assertThat(c.impactAttributes()).containsExactly("robot.id", "customer.id");
    assertThat(c.businessMetric()).isEqualTo("orders.placed");
    assertThat(c.weights().get(Weight.LEADING_FIRST)).isEqualTo(1.5);
    assertThat(c.weights().get(Weight.DEPLOY)).isEqualTo(Weight.DEPLOY.defaultValue());
    assertThat(c.categoryOverrides()).containsEntry("queue_depth", "SATURATION");
    assertThat(CorrelationConfig.defaults().openDelayMs()).isEqualTo(30_000);

    assertThatThrownBy(
            () -> CorrelationConfig.fromMap(Map.of("correlation.grouping.open-delay", "soon")))
        .hasMessageContaining("correlation.grouping.open-delay");
    assertThatThrownBy(() -> CorrelationConfig.fromMap(Map.of("correlation.grouping.nope", "1")))
        .hasMessageContaining("correlation.grouping.nope");
    assertThatThrownBy(
            () -> CorrelationConfig.fromMap(Map.of("correlation.ranking.weight.deploy", "-1")))
        .hasMessageContaining("weight.deploy");
  }

  @Test
  void stateAndStreamTypesUseFlinkPojoAndAvroSerializersNeverKryo() {
    for (Class<?> c :
        List.of(
            SignalState.class,
            CandidateState.class,
            EdgeState.class,
            RedSeriesState.class,
            EngineMeta.class,
            CorrelationInput.class,
            RedRollup.Acc.class)) {
      TypeInformation<?> t = TypeInformation.of(c);
      assertThat(t).as(c.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
      assertNoGenericType(t, c.getSimpleName());
    }
  }

  private static void assertNoGenericType(TypeInformation<?> t, String path) {
    assertThat(t).as(path).isNotInstanceOf(GenericTypeInfo.class);
    if (t instanceof PojoTypeInfo<?> p) {
      for (int i = 0; i < p.getArity(); i++) {
        assertNoGenericType(
            p.getPojoFieldAt(i).getTypeInformation(),
            path + "." + p.getPojoFieldAt(i).getField().getName());
      }
    } else if (t instanceof ObjectArrayTypeInfo<?, ?> a) {
      assertNoGenericType(a.getComponentInfo(), path + "[]");
    }
  }
}
