package io.signalfold.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.IngestOutputs;
import io.signalfold.ingest.IngestSources;
import io.signalfold.ingest.IngestStage;
import io.signalfold.ingest.RawTelemetry;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the generator produces, decoded by the real ingest stage on a MiniCluster (parallelism 2)
 * from bounded in-memory streams: no dead letters, RED rates and error fractions as configured,
 * PARENT_CHILD edges for every call, fault errors in the faulty service and its callers, the deploy
 * reported and derived, and the fault message among the log templates.
 */
class GeneratorIngestITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  static Scenario scenario;
  static List<RedPoint> red;
  static List<CallEdge> edges;
  static List<LogSignal> logSignals;
  static List<ChangeEvent> changes;
  static List<DeadLetter> dead;
  static List<MetricPoint> points;

  @BeforeAll
  static void run() throws Exception {
    try (InputStream in =
        GeneratorIngestITCase.class.getResourceAsStream("/generator/small.yaml")) {
      scenario = Scenario.parse("small.yaml", in);
    }
    MemoryTelemetryWriter w = new MemoryTelemetryWriter();
    TelemetryGenerator.create(scenario).generate(w);
    TelemetryGenerator.Topics topics = TelemetryGenerator.Topics.defaults();

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    IngestSources sources =
        IngestSources.builder()
            .metrics(stream(env, w, topics.metrics()))
            .spans(stream(env, w, topics.spans()))
            .logs(stream(env, w, topics.logs()))
            .changeEvents(stream(env, w, topics.changes()))
            .build();
    IngestOutputs out = IngestStage.build(sources, IngestConfig.defaults());
    CloseableIterator<RedPoint> r = out.redPoints().collectAsync();
    CloseableIterator<CallEdge> e = out.callEdges().collectAsync();
    CloseableIterator<LogSignal> l = out.logSignals().collectAsync();
    CloseableIterator<ChangeEvent> c = out.changeEvents().collectAsync();
    CloseableIterator<DeadLetter> d = out.deadLetters().collectAsync();
    CloseableIterator<MetricPoint> m = out.metricPoints().collectAsync();
    env.execute("generator-ingest");
    red = drain(r);
    edges = drain(e);
    logSignals = drain(l);
    changes = drain(c);
    dead = drain(d);
    points = drain(m);
  }

  private static DataStream<RawTelemetry> stream(
      StreamExecutionEnvironment env, MemoryTelemetryWriter w, String topic) {
    List<RawTelemetry> raw = new ArrayList<>();
    long offset = 0;
    for (MemoryTelemetryWriter.Record rec : w.records(topic)) {
      raw.add(RawTelemetry.create(topic, 0, offset++, rec.timestampMs(), rec.key(), rec.value()));
    }
    return env.fromData(raw, TypeInformation.of(RawTelemetry.class)).name(topic);
  }

  private static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
    List<T> all = new ArrayList<>();
    it.forEachRemaining(all::add);
    it.close();
    return all;
  }

  private static long at(String rel) {
    return scenario.t0().plus(ScenarioDurations.parse(rel)).toEpochMilli();
  }

  /** Service rollup (operation '*', no instance) of a service over [from, to). */
  private static double[] rollup(String service, long from, long to) {
    double req = 0;
    double err = 0;
    for (RedPoint p : red) {
      if (p.getService().equals(service)
          && p.getOperation().equals("*")
          && p.getResource().getInstance() == null
          && p.getIntervalStartMs() >= from
          && p.getIntervalStartMs() < to) {
        req += p.getRequests();
        err += p.getErrors();
      }
    }
    return new double[] {req, err};
  }

  @Test
  void noDeadLetters() {
    assertThat(dead).isEmpty();
    assertThat(red).isNotEmpty();
    assertThat(points).isNotEmpty();
  }

  @Test
  void entryRequestRateAndErrorFractionAsConfigured() {
    long from = scenario.start().toEpochMilli();
    long to = at("10m");
    double[] g = rollup("gateway", from, to);
    double expected = 0;
    for (long t = from; t < to; t += 1000) {
      expected += 100 * TelemetryGenerator.loadFactor(scenario.traffic(), t);
    }
    assertThat(g[0]).isCloseTo(expected, within(expected * 0.10));
    assertThat(g[1] / g[0]).isCloseTo(0.005, within(0.0015));
    // every 30 s interval of the entry service is within 10% of the configured rate
    for (RedPoint p : red) {
      if (p.getService().equals("gateway")
          && p.getOperation().equals("*")
          && p.getResource().getInstance() == null
          && p.getIntervalStartMs() < to) {
        double want =
            100 * 30 * TelemetryGenerator.loadFactor(scenario.traffic(), p.getIntervalStartMs());
        assertThat(p.getRequests())
            .as("gateway at %s", p.getIntervalStartMs())
            .isCloseTo(want, within(want * 0.10));
      }
    }
    double[] api = rollup("api", from, to);
    assertThat(api[0]).isCloseTo(g[0], within(g[0] * 0.05));
    double[] store = rollup("store", from, to);
    assertThat(store[0]).isCloseTo(g[0] * 0.5, within(g[0] * 0.05));
  }

  @Test
  void parentChildEdgeForEveryServiceCall() {
    for (Scenario.Call call : scenario.calls()) {
      boolean service = scenario.service(call.to()) != null;
      Predicate<CallEdge> match =
          e -> e.getCaller().equals(call.from()) && e.getCallee().equals(call.to());
      assertThat(edges).as(call.toString()).anyMatch(match);
      assertThat(edges)
          .filteredOn(match)
          .allSatisfy(
              e ->
                  assertThat(e.getResolution())
                      .isEqualTo(
                          service ? EdgeResolution.PARENT_CHILD : EdgeResolution.PEER_ATTRIBUTE));
    }
  }

  @Test
  void faultRaisesErrorsInStoreAndItsCallers() {
    for (String s : List.of("store", "api", "gateway")) {
      double[] before = rollup(s, at("0m"), at("10m"));
      double[] during = rollup(s, at("14m"), at("29m"));
      double[] after = rollup(s, at("32m"), at("40m"));
      assertThat(during[1] / during[0]).as(s).isGreaterThan(0.1);
      assertThat(before[1] / before[0]).as(s).isLessThan(0.02);
      assertThat(after[1] / after[0]).as(s).isLessThan(0.02);
    }
    double[] store = rollup("store", at("14m"), at("29m"));
    assertThat(store[1] / store[0]).isCloseTo(0.5, within(0.05));
  }

  @Test
  void deployIsReportedAndDerived() {
    assertThat(changes)
        .anySatisfy(
            c -> {
              assertThat(c.getKind()).isEqualTo(ChangeKind.DEPLOY);
              assertThat(c.getDerived()).isFalse();
              assertThat(c.getService()).isEqualTo("store");
              assertThat(c.getVersion()).isEqualTo("1.1.0");
              assertThat(c.getPreviousVersion()).isEqualTo("1.0.0");
              assertThat(c.getTimestampMs()).isEqualTo(at("10m"));
            });
    assertThat(changes)
        .filteredOn(c -> c.getDerived() && c.getService().equals("store"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.getVersion()).isEqualTo("1.1.0"));
  }

  @Test
  void faultMessageBecomesALogTemplate() {
    assertThat(logSignals)
        .filteredOn(s -> s.getKind() == LogSignalKind.TEMPLATE_COUNT)
        .extracting(s -> String.valueOf(s.getTemplate()))
        .anyMatch(t -> t.contains("cannot deserialize cache record"));
  }
}
