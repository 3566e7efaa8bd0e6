package io.signalfold.slo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;
import io.signalfold.schema.SpanKind;
import io.signalfold.slo.GroupDimension;
import io.signalfold.slo.SeriesSelector;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloDefinition;
import io.signalfold.slo.SloDefinitionBuilder;
import io.signalfold.slo.SloWindow;
import io.signalfold.slo.TestRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class SliExtractorsTest {

  private static final long T = 1_772_409_600_000L; // 2026-03-02T00:00:00Z

  private static SloDefinitionBuilder slo(String name, Sli sli) {
    return SloDefinition.builder(name)
        .service("checkout")
        .sli(sli)
        .objective(0.99)
        .window(SloWindow.parse("30d"));
  }

  @Test
  void sliSampleIsAFlinkPojoNotAKryoFallback() {
    assertThat(TypeInformation.of(SliSample.class)).isInstanceOf(PojoTypeInfo.class);
  }

  @Test
  void availabilityReadsOnlyTheWholeServiceRollupOfServerSpans() {
    // As ingest emits one interval: the whole-service rollup, a rollup per instance, an operation
    // series; plus a client-side series and another service. Only the first may count.
    SloDefinition d = slo("a", new Sli.Availability(null)).build();
    List<SliSample> out =
        run(
            new RedSliExtractor(List.of(d), "*"),
            List.of(
                TestRecords.red("checkout", "*", SpanKind.SERVER, whole(), T, 300, 6, null),
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-1", "az-1"), T, 100, 3, null),
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-2", "az-2"), T, 200, 3, null),
                TestRecords.red("checkout", "GET /x", SpanKind.SERVER, whole(), T, 300, 6, null),
                TestRecords.red("checkout", "*", SpanKind.CLIENT, whole(), T, 100, 3, null),
                TestRecords.red("payments", "*", SpanKind.SERVER, whole(), T, 100, 3, null)));
    assertThat(out).containsExactly(new SliSample(SliKeys.key("a", ""), T, 6, 300));
  }

  @Test
  void zoneGroupingSumsThePerInstanceRollupPerZoneAndSkipsTheWholeServiceRollup() {
    SloDefinition d = slo("a", new Sli.Availability(null)).groupBy(GroupDimension.ZONE).build();
    List<SliSample> out =
        run(
            new RedSliExtractor(List.of(d), "*"),
            List.of(
                TestRecords.red("checkout", "*", SpanKind.SERVER, whole(), T, 220, 10, null),
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-1", "az-1"), T, 100, 1, null),
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-2", "az-1"), T, 50, 2, null),
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-3", "az-2"), T, 70, 7, null)));
    String az1 = SliKeys.key("a", "zone=az-1");
    assertThat(out)
        .containsExactly(
            new SliSample(az1, T, 1, 100),
            new SliSample(az1, T, 2, 50),
            new SliSample(SliKeys.key("a", "zone=az-2"), T, 7, 70));
  }

  @Test
  void operationGroupingSkipsTheRollupAndANamedOperationSelectsOnlyIt() {
    SloDefinition perOp =
        slo("per-op", new Sli.Availability(null)).groupBy(GroupDimension.OPERATION).build();
    SloDefinition one = slo("one", new Sli.Availability("GET /x")).build();
    List<SliSample> out =
        run(
            new RedSliExtractor(List.of(perOp, one), "*"),
            List.of(
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-1", null), T, 300, 3, null),
                TestRecords.red(
                    "checkout", "GET /x", SpanKind.SERVER, res("i-1", null), T, 100, 1, null),
                TestRecords.red(
                    "checkout", "POST /y", SpanKind.SERVER, res("i-1", null), T, 200, 2, null)));
    assertThat(out)
        .containsExactly(
            new SliSample(SliKeys.key("per-op", "operation=GET /x"), T, 1, 100),
            new SliSample(SliKeys.key("one", ""), T, 1, 100),
            new SliSample(SliKeys.key("per-op", "operation=POST /y"), T, 2, 200));
  }

  @Test
  void invalidRedPointsAreNotTurnedIntoSamples() {
    SloDefinition d = slo("a", new Sli.Availability(null)).build();
    List<SliSample> out =
        run(
            new RedSliExtractor(List.of(d), "*"),
            List.of(
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-1", null), T, 10, 11, null),
                TestRecords.red(
                    "checkout", "*", SpanKind.SERVER, res("i-1", null), T, Double.NaN, 0, null)));
    assertThat(out).isEmpty();
  }

  @Test
  void latencyFromTheRedHistogram() {
    SloDefinition d = slo("lat", new Sli.Latency(128, null, null)).build();
    List<SliSample> out =
        run(
            new RedSliExtractor(List.of(d), "*"),
            List.of(
                TestRecords.red(
                    "checkout",
                    "*",
                    SpanKind.SERVER,
                    whole(),
                    T,
                    100,
                    0,
                    TestRecords.histogram(0, 5, 10, 20, 30, 40))));
    assertThat(out).containsExactly(new SliSample(SliKeys.key("lat", ""), T, 70, 100));
  }

  @Test
  void metricRatioMatchesNameServiceAndAttributes() {
    SloDefinition d =
        slo(
                "orders",
                new Sli.Ratio(
                    new SeriesSelector.Metric("orders", null, Map.of("status", "ok"), null),
                    true,
                    new SeriesSelector.Metric("orders", null, Map.of(), null)))
            .build();
    List<SliSample> out =
        run(
            new MetricSliExtractor(List.of(d)),
            List.of(
                TestRecords.sum("orders", res("i-1", null), Map.of("status", "ok"), T, 90),
                TestRecords.sum("orders", res("i-1", null), Map.of("status", "failed"), T, 10),
                TestRecords.sum(
                    "orders", TestRecords.resource("other", "i", null), Map.of(), T, 5)));
    String k = SliKeys.key("orders", "");
    // good 90 -> bad -90; totals 90 + 10: bad = 100 - 90 = 10 across the samples.
    assertThat(out)
        .containsExactly(
            new SliSample(k, T, -90, 0), new SliSample(k, T, 90, 90), new SliSample(k, T, 10, 10));
    assertThat(out.stream().mapToDouble(SliSample::bad).sum()).isEqualTo(10.0);
  }

  @Test
  void latencyFromAHistogramMetricConvertsTheThresholdToTheMetricUnit() {
    SloDefinition d =
        slo(
                "lat",
                new Sli.Latency(
                    200,
                    null,
                    new SeriesSelector.Metric(
                        "http.server.request.duration", null, Map.of(), null)))
            .build();
    List<SliSample> out =
        run(
            new MetricSliExtractor(List.of(d)),
            List.of(
                TestRecords.explicitHistogram(
                    "http.server.request.duration",
                    "s",
                    res("i-1", null),
                    T,
                    List.of(0.1, 0.2, 0.5),
                    List.of(50L, 30L, 15L, 5L))));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).total()).isEqualTo(100.0);
    assertThat(out.get(0).bad()).isCloseTo(20.0, within(1e-9));
  }

  @Test
  void logRatioCountsSeverityTotalsAndTemplatesSeparately() {
    SloDefinition bySeverity =
        slo(
                "clean",
                new Sli.Ratio(
                    new SeriesSelector.Logs(null, Set.of(Severity.ERROR), null, null),
                    false,
                    new SeriesSelector.Logs(null, Set.of(), null, null)))
            .build();
    SloDefinition byTemplate =
        slo(
                "deser",
                new Sli.Ratio(
                    new SeriesSelector.Logs(null, Set.of(), null, "cannot deserialize*"),
                    false,
                    new SeriesSelector.Logs(null, Set.of(), null, null)))
            .build();
    ResourceContext r = res("i-1", null);
    List<SliSample> out =
        run(
            new LogSliExtractor(List.of(bySeverity, byTemplate)),
            List.of(
                TestRecords.logs(r, LogSignalKind.SEVERITY_COUNT, Severity.INFO, null, T, 90),
                TestRecords.logs(r, LogSignalKind.SEVERITY_COUNT, Severity.ERROR, null, T, 10),
                TestRecords.logs(
                    r,
                    LogSignalKind.TEMPLATE_COUNT,
                    Severity.ERROR,
                    "cannot deserialize <*> record",
                    T,
                    7),
                TestRecords.logs(
                    r, LogSignalKind.TEMPLATE_COUNT, Severity.ERROR, "timeout <*>", T, 3)));
    double cleanBad = sum(out, "clean", true);
    double cleanTotal = sum(out, "clean", false);
    assertThat(cleanBad).isEqualTo(10.0);
    assertThat(cleanTotal).isEqualTo(100.0);
    assertThat(sum(out, "deser", true)).isEqualTo(7.0);
    assertThat(sum(out, "deser", false)).isEqualTo(100.0);
  }

  private static double sum(List<SliSample> out, String slo, boolean bad) {
    return out.stream()
        .filter(s -> SliKeys.sloName(s.key()).equals(slo))
        .mapToDouble(s -> bad ? s.bad() : s.total())
        .sum();
  }

  /** Resource of the whole-service rollup: service only. */
  private static ResourceContext whole() {
    return ResourceContext.newBuilder().setService("checkout").build();
  }

  private static ResourceContext res(String instance, String zone) {
    return TestRecords.resource("checkout", instance, zone);
  }

  private static <T> List<SliSample> run(
      org.apache.flink.api.common.functions.FlatMapFunction<T, SliSample> f, List<T> in) {
    List<SliSample> out = new ArrayList<>();
    ListCollector<SliSample> c = new ListCollector<>(out);
    for (T t : in) {
      try {
        f.flatMap(t, c);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }
}
