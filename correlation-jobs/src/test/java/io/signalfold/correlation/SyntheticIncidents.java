package io.signalfold.correlation;

import static io.signalfold.correlation.Telemetry.changeOf;
import static io.signalfold.correlation.Telemetry.min;

import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.SloAlertSeverity;
import java.util.List;

/**
 * The signal streams each scenario of the suite would produce, one per root-cause kind, built with
 * {@link Telemetry}: the faults' effects as FORMAT.md describes them (callers see errors on client
 * spans then on their own server spans, resource gauges move for resource faults, ERROR logs with
 * the fault's message appear on the affected instances), plus the distractors of each incident.
 */
final class SyntheticIncidents {

  private SyntheticIncidents() {}

  static final List<String> ATTRS = List.of("robot.id");

  static CorrelationConfig config() {
    return CorrelationConfig.builder().impactAttributes(ATTRS).build();
  }

  /**
   * gateway -> bot-service -> botforge -> robots-table; bot-service -> schedule -> action ->
   * iot-core.
   */
  static Telemetry botTopology(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("gateway", 3)
        .version("1.8.0")
        .operations("GET /bots", "POST /bots/{id}/commands")
        .rps(120);
    t.service("bot-service", 3)
        .version("3.2.0")
        .operations("GET /bots/{id}", "POST /commands")
        .rps(100);
    t.service("schedule-service", 2).version("1.1.4").operations("POST /schedule").rps(40);
    t.service("action-service", 2).version("0.9.2").operations("POST /actions").rps(40);
    t.service("botforge", 2).version("2.4.0").operations("GET /forge/{id}").rps(50);
    t.call("gateway", "bot-service")
        .call("bot-service", "schedule-service")
        .call("bot-service", "botforge")
        .call("schedule-service", "action-service")
        .callDependency("action-service", "iot-core", DependencyKind.HTTP, "http")
        .callDependency("botforge", "robots-table", DependencyKind.DATABASE, "dynamodb");
    return t;
  }

  /**
   * A deploy of botforge 2.4.1 breaks deserialization of cached records; errors cascade to
   * bot-service and the gateway; a merge on the gateway 10 minutes earlier was never deployed.
   */
  static Telemetry deployCascade(long seed) {
    Telemetry t = botTopology(seed);
    t.errors("botforge", null, 0.3, min(31), min(77));
    t.errors("bot-service", "botforge", 0.3, min(31), min(77), 0, "HTTP 500 from botforge");
    t.errors("bot-service", null, 0.15, min(31), min(77));
    t.errors("gateway", "bot-service", 0.15, min(31), min(77));
    t.errors("gateway", null, 0.15, min(31), min(77));
    t.background(min(-120), min(120), ATTRS);
    t.merge("chg-merge-gw", "gateway", "c0ffee1", min(20));
    t.deploy("chg-botforge-241", "botforge", "2.4.0", "2.4.1", min(30), 300_000);
    t.change(
        changeOf("chg-rollback-240", ChangeKind.ROLLBACK, min(75), "botforge")
            .setVersion("2.4.0")
            .setPreviousVersion("2.4.1")
            .setRolloutEndMs(min(78))
            .build());
    t.anomaly("botforge", "http.server.error_rate")
        .operation("GET /forge/{id}")
        .version("2.4.1")
        .onset(min(31.5))
        .value(0.3, 0.004)
        .recovers(min(78))
        .add();
    for (String inst : List.of("botforge-0", "botforge-1")) {
      t.anomaly("botforge", "log.template.count")
          .instance(inst)
          .version("2.4.1")
          .onset(min(31))
          .detectedAfter(60_000)
          .value(40, 0)
          .log(
              "cannot deserialize cache record: unknown field <*>",
              "cannot deserialize cache record: unknown field 'cachedAt'")
          .recovers(min(78))
          .add();
    }
    t.anomaly("bot-service", "http.client.error_rate")
        .peer("botforge")
        .onset(min(31.5))
        .value(0.3, 0.004)
        .recovers(min(78))
        .add();
    t.anomaly("bot-service", "http.server.error_rate")
        .operation("GET /bots/{id}")
        .onset(min(32))
        .value(0.15, 0.004)
        .recovers(min(78.5))
        .add();
    t.anomaly("gateway", "http.server.error_rate")
        .operation("GET /bots")
        .onset(min(32))
        .value(0.15, 0.004)
        .recovers(min(78.5))
        .add();
    t.slo(
        "slo-gw-avail-1",
        "gateway-availability",
        "gateway",
        SloAlertSeverity.PAGE,
        min(34),
        min(80));
    return t;
  }

  /** Noise anomalies that must neither open nor join anything. */
  static void noise(Telemetry t, long from, long to) {
    t.anomaly("schedule-service", "http.server.duration.p95")
        .onset(from + 600_000)
        .investigate()
        .value(80, 40)
        .recovers(from + 900_000)
        .add();
    t.anomaly("action-service", "process.cpu.utilization")
        .instance("action-service-1")
        .onset(from + 1_200_000)
        .recurring()
        .value(0.9, 0.4)
        .recovers(from + 1_500_000)
        .add();
    // A one-interval ALARM blip that recovers before the open delay.
    t.anomaly("schedule-service", "http.server.error_rate")
        .onset(to - 1_800_000)
        .value(0.05, 0.004)
        .recovers(to - 1_800_000 + 45_000)
        .add();
    t.anomaly("iot-core", "jvm.gc.duration")
        .kind(AnomalyKind.SPIKE)
        .investigate()
        .onset(to - 600_000)
        .recovers(to - 500_000)
        .add();
  }
}
