package io.signalfold.correlation;

import static io.signalfold.correlation.Telemetry.changeOf;
import static io.signalfold.correlation.Telemetry.hours;
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
    return deployCascade(seed, min(-120), min(120));
  }

  static Telemetry deployCascade(long seed, long from, long to) {
    Telemetry t = botTopology(seed);
    t.errors("botforge", null, 0.3, min(31), min(77));
    t.errors("bot-service", "botforge", 0.3, min(31), min(77), 0, "HTTP 500 from botforge");
    t.errors("bot-service", null, 0.15, min(31), min(77));
    t.errors("gateway", "bot-service", 0.15, min(31), min(77));
    t.errors("gateway", null, 0.15, min(31), min(77));
    t.background(from, to, ATTRS);
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

  static final String[] THREE_ZONES = {"az-1", "az-2", "az-3"};

  /** A manual shell session on api-1 breaks only that host. */
  static Telemetry manualSession(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("web", 3).operations("GET /");
    t.service("api", 3).operations("GET /items", "POST /items");
    t.call("web", "api").callDependency("api", "items-db", DependencyKind.DATABASE, "postgresql");
    t.errors("api", null, 0.33, min(10.5), min(50));
    t.errors("web", "api", 0.33, min(10.5), min(50));
    t.errors("web", null, 0.3, min(10.5), min(50));
    t.background(min(-120), min(90), ATTRS);
    t.change(
        changeOf("chg-session-1", ChangeKind.MANUAL_SESSION, min(10), "api")
            .setActor("alice")
            .setInstance("api-1")
            .build());
    t.deploy("chg-web-routine", "web", "4.0.0", "4.0.1", min(-50), 300_000);
    t.anomaly("api", "log.template.count")
        .instance("api-1")
        .onset(min(10.5))
        .value(30, 0)
        .log("config file <*> not readable", "config file /etc/api/app.yaml not readable")
        .recovers(min(50))
        .add();
    t.anomaly("api", "http.server.error_rate")
        .instance("api-1")
        .onset(min(10.5))
        .value(1.0, 0.004)
        .recovers(min(50))
        .add();
    t.anomaly("api", "http.server.error_rate")
        .operation("GET /items")
        .onset(min(11))
        .value(0.33, 0.004)
        .recovers(min(50.5))
        .add();
    t.anomaly("web", "http.server.error_rate")
        .operation("GET /")
        .onset(min(11.5))
        .value(0.3, 0.004)
        .recovers(min(50.5))
        .add();
    return t;
  }

  static CorrelationConfig businessConfig() {
    return CorrelationConfig.builder()
        .impactAttributes(List.of("customer.id"))
        .businessMetric("orders.placed", "order-api")
        .build();
  }

  /** orders-table throttles order-api's writes; no change; the availability SLO burns. */
  static Telemetry dependencyThrottling(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("web-frontend", 2).operations("GET /", "POST /checkout").rps(80);
    t.service("order-api", 3, THREE_ZONES).operations("POST /orders", "GET /orders/{id}").rps(60);
    t.service("delivery-api", 2).operations("POST /deliveries").rps(30);
    t.service("appointment-service", 2).operations("POST /visits").rps(20);
    t.call("web-frontend", "order-api")
        .call("web-frontend", "appointment-service")
        .callDependency("order-api", "orders-table", DependencyKind.DATABASE, "dynamodb")
        .call("order-api", "delivery-api")
        .callDependency("delivery-api", "orders-table", DependencyKind.DATABASE, "dynamodb")
        .callDependency("appointment-service", "visits-table", DependencyKind.DATABASE, "dynamodb");
    String msg =
        "ProvisionedThroughputExceededException: rate of requests exceeds the allowed throughput";
    t.errors("order-api", "orders-table", 0.3, min(40), min(150), 0.3, msg);
    t.errors("order-api", null, 0.3, min(40), min(150));
    t.errors("web-frontend", "order-api", 0.3, min(40), min(150));
    t.errors("web-frontend", null, 0.2, min(40), min(150));
    t.background(min(-120), min(180), List.of("customer.id"));
    t.business(
        "orders.placed",
        "order-api",
        min(-120),
        min(180),
        1000,
        x -> x >= min(40) && x < min(150) ? 0.7 : 1.0);
    t.anomaly("order-api", "http.client.error_rate")
        .peer("orders-table")
        .onset(min(40.5))
        .value(0.3, 0.003)
        .message(msg)
        .recovers(min(151))
        .add();
    t.anomaly("order-api", "http.server.error_rate")
        .operation("POST /orders")
        .onset(min(41))
        .value(0.3, 0.003)
        .recovers(min(151))
        .add();
    t.anomaly("web-frontend", "http.server.error_rate")
        .operation("POST /checkout")
        .onset(min(41.5))
        .value(0.2, 0.003)
        .recovers(min(151.5))
        .add();
    t.anomaly("delivery-api", "http.server.duration.p95")
        .onset(min(41))
        .investigate()
        .value(90, 30)
        .recovers(min(151))
        .add();
    t.anomaly("order-api", "orders.placed")
        .onset(min(42))
        .down()
        .value(700, 1000)
        .recovers(min(152))
        .add();
    t.slo(
        "slo-order-avail-1",
        "order-availability",
        "order-api",
        SloAlertSeverity.PAGE,
        min(43),
        min(155));
    return t;
  }

  /** checkout scaled to zero: it goes silent, storefront's calls to it fail. */
  static Telemetry scaledToZero(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("storefront", 2).operations("GET /", "POST /cart").rps(100);
    t.service("checkout", 2).operations("POST /checkout").rps(30);
    t.service("payments", 2).operations("POST /pay").rps(30);
    t.call("storefront", "checkout")
        .call("checkout", "payments")
        .callDependency("payments", "payments-db", DependencyKind.DATABASE, "postgresql");
    t.silence("checkout", min(20), min(70));
    t.errors(
        "storefront", "checkout", 1.0, min(20), min(70), 0, "connect ECONNREFUSED checkout:8080");
    t.errors("storefront", null, 0.3, min(20), min(70));
    t.background(min(-120), min(100), ATTRS);
    t.change(
        changeOf("chg-scale-checkout", ChangeKind.SCALE, min(20), "checkout")
            .setReplicas(0)
            .setActor("autoscaler-misconfig")
            .build());
    t.anomaly("checkout", "http.server.request.rate")
        .kind(AnomalyKind.MISSING_DATA)
        .down()
        .onset(min(20.5))
        .detectedAfter(60_000)
        .value(0, 15)
        .recovers(min(70.5))
        .add();
    t.anomaly("storefront", "http.client.error_rate")
        .peer("checkout")
        .onset(min(20.5))
        .value(1.0, 0.004)
        .message("connect ECONNREFUSED checkout:8080")
        .recovers(min(70.5))
        .add();
    t.anomaly("storefront", "http.server.error_rate")
        .operation("POST /cart")
        .onset(min(21))
        .value(0.3, 0.004)
        .recovers(min(70.5))
        .add();
    t.change(
        changeOf("chg-scale-checkout-2", ChangeKind.SCALE, min(68), "checkout")
            .setReplicas(2)
            .build());
    return t;
  }

  /**
   * tax (deepest of a five-deep chain) slows down with no change; a healthy deploy of search
   * elsewhere.
   */
  static Telemetry deepChain(long seed) {
    Telemetry t = new Telemetry(seed);
    for (String s : List.of("edge", "api", "orders", "pricing", "tax", "search")) {
      t.service(s, 2).operations("GET /" + s);
    }
    t.call("edge", "api")
        .call("api", "orders")
        .call("orders", "pricing")
        .call("pricing", "tax")
        .callDependency("tax", "rates-db", DependencyKind.DATABASE, "postgresql")
        .call("edge", "search");
    t.errors("edge", null, 0.05, min(32), min(80));
    t.background(min(-120), min(110), ATTRS);
    t.deploy("chg-search-deploy", "search", "7.1.0", "7.2.0", min(25), 300_000);
    t.anomaly("tax", "http.server.duration.p95")
        .onset(min(30.5))
        .value(800, 100)
        .recovers(min(80))
        .add();
    t.anomaly("pricing", "http.client.duration.p95")
        .peer("tax")
        .onset(min(31))
        .value(850, 110)
        .recovers(min(80))
        .add();
    t.anomaly("pricing", "http.server.duration.p95")
        .onset(min(31))
        .value(900, 120)
        .recovers(min(80))
        .add();
    t.anomaly("orders", "http.server.duration.p95")
        .onset(min(31.5))
        .value(950, 150)
        .recovers(min(80.5))
        .add();
    t.anomaly("api", "http.server.duration.p95")
        .onset(min(31.5))
        .value(1000, 170)
        .recovers(min(80.5))
        .add();
    t.anomaly("edge", "http.server.duration.p95")
        .onset(min(32))
        .value(1100, 200)
        .recovers(min(81))
        .add();
    t.anomaly("edge", "http.server.error_rate")
        .onset(min(32))
        .value(0.05, 0.004)
        .recovers(min(81))
        .add();
    t.anomaly("search", "process.cpu.utilization")
        .instance("search-0")
        .onset(min(25.5))
        .value(0.8, 0.3)
        .recovers(min(27))
        .history(120_000)
        .add();
    return t;
  }

  /** The envoy sidecar leaks memory in every service: container is the common factor. */
  static Telemetry sidecarLeak(long seed) {
    Telemetry t = new Telemetry(seed);
    for (String s : List.of("gw", "a", "b", "c", "d")) {
      t.service(s, 2).operations("GET /" + s).containers("app", "envoy");
    }
    t.call("gw", "a").call("gw", "b").call("b", "c").call("gw", "d");
    t.background(min(-120), min(200), ATTRS);
    int i = 0;
    for (String s : List.of("a", "b", "c", "d")) {
      for (String inst : List.of(s + "-0", s + "-1")) {
        t.anomaly(s, "container.memory.usage")
            .instance(inst)
            .container("envoy")
            .leading()
            .onset(min(40 + 2 * i))
            .value(9e8, 3e8)
            .activeUntil(min(200))
            .add();
      }
      t.anomaly(s, "k8s.container.restart.count")
          .instance(s + "-0")
          .container("envoy")
          .kind(AnomalyKind.SPIKE)
          .onset(min(120 + i))
          .value(3, 0)
          .recovers(min(140))
          .add();
      i++;
    }
    return t;
  }

  /**
   * The sidecar leak, later biting: after the envoy containers leak, the requests the app
   * containers serve start failing on every service. More metric families then sit on the app
   * container than on envoy, but they came 85 minutes later.
   */
  static Telemetry sidecarLeakThenErrors(long seed) {
    return sidecarLeakThenErrors(seed, 125);
  }

  /** The sidecar leak, with the app containers' requests failing from {@code errorsFromMin} on. */
  static Telemetry sidecarLeakThenErrors(long seed, int errorsFromMin) {
    Telemetry t = sidecarLeak(seed);
    int i = 0;
    for (String s : List.of("gw", "a", "b", "c", "d")) {
      for (String inst : List.of(s + "-0", s + "-1")) {
        for (String signal : List.of("http.server.error_rate", "http.server.duration.p95")) {
          t.anomaly(s, signal)
              .instance(inst)
              .container("app")
              .onset(min(errorsFromMin + i))
              .value(signal.contains("error") ? 0.5 : 900, signal.contains("error") ? 0.004 : 90)
              .recovers(min(190))
              .add();
        }
      }
      i++;
    }
    return t;
  }

  /** A planned load test on the gateway saturates api's CPU; an unrelated deploy of reports. */
  static Telemetry plannedLoadTest(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("gateway", 2).operations("GET /");
    t.service("api", 2).operations("GET /api");
    t.service("reports", 2).operations("GET /reports");
    t.call("gateway", "api")
        .callDependency("api", "api-db", DependencyKind.DATABASE, "postgresql")
        .call("reports", "api");
    t.background(min(-120), min(130), ATTRS);
    t.change(
        changeOf("chg-loadtest", ChangeKind.PLANNED_ACTIVITY, min(40), "gateway")
            .setActivityStartMs(min(40))
            .setActivityEndMs(min(100))
            .setDescription("k6 load test, 3x peak")
            .build());
    t.deploy("chg-reports-deploy", "reports", "2.0.0", "2.1.0", min(35), 300_000);
    t.anomaly("gateway", "http.server.request.rate")
        .kind(AnomalyKind.LEVEL_SHIFT)
        .onset(min(40.5))
        .value(360, 120)
        .recovers(min(100.5))
        .add();
    for (String inst : List.of("api-0", "api-1")) {
      t.anomaly("api", "process.cpu.utilization")
          .instance(inst)
          .leading()
          .kind(AnomalyKind.LEVEL_SHIFT)
          .onset(min(41.5))
          .value(0.95, 0.4)
          .recovers(min(101))
          .add();
    }
    t.anomaly("api", "http.server.duration.p95")
        .onset(min(42))
        .value(300, 40)
        .recovers(min(101))
        .add();
    t.anomaly("gateway", "http.server.duration.p95")
        .onset(min(42.5))
        .value(350, 60)
        .recovers(min(101))
        .add();
    return t;
  }

  /**
   * A deploy of cart 2.1.0 leaks memory; a trend (investigate only) for hours, OOM errors at 4h10.
   */
  static Telemetry deployLeak(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("web", 2).operations("GET /");
    t.service("cart", 2).operations("POST /cart/items").version("2.1.0");
    t.call("web", "cart").callDependency("cart", "cart-cache", DependencyKind.CACHE, "redis");
    t.errors("cart", null, 0.2, hours(4.17), hours(4.6));
    t.errors("web", "cart", 0.2, hours(4.17), hours(4.6));
    t.errors("web", null, 0.1, hours(4.17), hours(4.6));
    t.background(min(-120), hours(5), ATTRS);
    t.deploy("chg-cart-210", "cart", "2.0.3", "2.1.0", min(10), 300_000);
    t.deploy("chg-web-unrelated", "web", "5.0.0", "5.0.1", hours(3), 300_000);
    for (String inst : List.of("cart-0", "cart-1")) {
      t.anomaly("cart", "jvm.memory.used")
          .instance(inst)
          .version("2.1.0")
          .leading()
          .investigate()
          .onset(min(60))
          .detectedAfter(20 * 60_000)
          .value(1.6e9, 8e8)
          .every(60_000)
          .activeUntil(hours(4.6))
          .add();
    }
    t.anomaly("cart", "jvm.gc.duration")
        .instance("cart-0")
        .version("2.1.0")
        .leading()
        .investigate()
        .onset(hours(3.5))
        .value(0.4, 0.05)
        .recovers(hours(4.6))
        .add();
    t.anomaly("cart", "k8s.container.restart.count")
        .instance("cart-0")
        .version("2.1.0")
        .kind(AnomalyKind.SPIKE)
        .onset(hours(4.17))
        .value(2, 0)
        .recovers(hours(4.6))
        .add();
    t.anomaly("cart", "http.server.error_rate")
        .version("2.1.0")
        .onset(hours(4.17))
        .value(0.2, 0.004)
        .recovers(hours(4.6))
        .add();
    t.anomaly("web", "http.server.error_rate")
        .onset(hours(4.18))
        .value(0.1, 0.004)
        .recovers(hours(4.6))
        .add();
    return t;
  }

  /** A permission change denies botforge access to robots-table. */
  static Telemetry permissionChange(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("gateway", 2).operations("GET /bots");
    t.service("botforge", 2).operations("GET /forge/{id}");
    t.call("gateway", "botforge")
        .callDependency("botforge", "robots-table", DependencyKind.DATABASE, "dynamodb");
    String msg =
        "AccessDeniedException: not authorized to perform dynamodb:GetItem on robots-table";
    t.errors("botforge", "robots-table", 1.0, min(20), min(60), 0, msg);
    t.errors("botforge", null, 0.9, min(20), min(60));
    t.errors("gateway", "botforge", 0.9, min(20), min(60));
    t.errors("gateway", null, 0.9, min(20), min(60));
    t.background(min(-120), min(90), ATTRS);
    t.change(
        changeOf("chg-iam-robots", ChangeKind.PERMISSION, min(20), "botforge")
            .setResourceName("robots-table")
            .setEffect("deny")
            .setActor("iam-bot")
            .build());
    t.anomaly("botforge", "http.client.error_rate")
        .peer("robots-table")
        .onset(min(20.5))
        .value(1.0, 0.004)
        .message(msg)
        .recovers(min(61))
        .add();
    t.anomaly("botforge", "http.server.error_rate")
        .onset(min(21))
        .value(0.9, 0.004)
        .recovers(min(61))
        .add();
    t.anomaly("gateway", "http.server.error_rate")
        .onset(min(21.5))
        .value(0.9, 0.004)
        .recovers(min(61.5))
        .add();
    for (String inst : List.of("botforge-0", "botforge-1")) {
      t.anomaly("botforge", "log.template.count")
          .instance(inst)
          .onset(min(20.5))
          .value(200, 0)
          .log("AccessDeniedException: not authorized to perform <*> on robots-table", msg)
          .recovers(min(61))
          .add();
    }
    return t;
  }

  /** Four services in three zones, a third of their requests failing from minute 30 to 70. */
  private static Telemetry zoneTopology(long seed) {
    Telemetry t = new Telemetry(seed);
    for (String s : List.of("web", "api", "search", "cart")) {
      t.service(s, 3, THREE_ZONES).operations("GET /" + s);
    }
    t.call("web", "api").call("web", "search").call("api", "cart");
    for (String s : List.of("web", "api", "search", "cart")) {
      t.errors(s, null, 0.33, min(30), min(70));
    }
    t.background(min(-120), min(100), ATTRS);
    return t;
  }

  /** Three services over two zones and two cells (instances 0-1 in cell-1, 2-3 in cell-2). */
  private static Telemetry cellTopology(long seed) {
    Telemetry t = new Telemetry(seed);
    String[] zones = {"az-1", "az-2"};
    for (String s : List.of("router", "accounts", "ledger")) {
      t.service(s, 4, zones, "cell-1", "cell-1", "cell-2", "cell-2").operations("GET /" + s);
    }
    t.call("router", "accounts").call("router", "ledger");
    t.background(min(-120), min(100), ATTRS);
    return t;
  }

  /** Everything in az-3 fails: four services, instance-level signals only there. */
  static Telemetry zoneOutage(long seed) {
    Telemetry t = zoneTopology(seed);
    t.deploy("chg-search-config", "search", "3.3.0", "3.3.1", min(-30), 300_000);
    int i = 0;
    for (String s : List.of("cart", "api", "web", "search")) {
      t.anomaly(s, "log.template.count")
          .instance(s + "-2")
          .onset(min(30 + 0.25 * i))
          .value(50, 0)
          .log(
              "upstream connect error or disconnect/reset before headers", "upstream connect error")
          .recovers(min(70))
          .add();
      t.anomaly(s, "http.server.error_rate")
          .instance(s + "-2")
          .onset(min(30.5 + 0.25 * i))
          .value(1.0, 0.004)
          .recovers(min(70))
          .add();
      i++;
    }
    t.anomaly("web", "http.server.error_rate")
        .onset(min(31))
        .value(0.33, 0.004)
        .recovers(min(70.5))
        .add();
    return t;
  }

  /**
   * The zone outage as the pipeline sees it: az-3 instances fail outright, and the callers'
   * instances in the healthy zones inherit a third of those errors, so every instance of the
   * calling services is anomalous, just less so outside az-3.
   */
  static Telemetry zoneOutageWithInheritedErrors(long seed) {
    Telemetry t = zoneTopology(seed);
    int i = 0;
    for (String s : List.of("cart", "api", "web", "search")) {
      for (int n = 0; n < 3; n++) {
        boolean inZone = n == 2;
        if (!inZone && (s.equals("cart") || s.equals("search"))) {
          continue; // leaves: nothing to inherit
        }
        t.anomaly(s, "http.server.error_rate")
            .instance(s + "-" + n)
            .onset(min(30.5 + 0.25 * i))
            .value(inZone ? 1.0 : 0.35, 0.004)
            .recovers(min(70))
            .add();
        t.anomaly(s, "log.error.count")
            .instance(s + "-" + n)
            .onset(min(30.5 + 0.25 * i))
            .value(inZone ? 2.0 : 0.5, 0.03)
            .recovers(min(70))
            .add();
      }
      i++;
    }
    // A latency blip on one healthy-zone instance, as real data has.
    t.anomaly("api", "http.server.duration.p95")
        .instance("api-0")
        .onset(min(32))
        .value(70, 30)
        .recovers(min(34))
        .add();
    return t;
  }

  /** The cell failure with inherited errors: cell-1 instances of the callers fail less. */
  static Telemetry cellDegradationWithInheritedErrors(long seed) {
    Telemetry t = cellTopology(seed);
    int i = 0;
    for (String s : List.of("accounts", "ledger", "router")) {
      for (int n = 0; n < 4; n++) {
        boolean inCell = n >= 2;
        if (!inCell && !s.equals("router")) {
          continue;
        }
        t.anomaly(s, "http.server.error_rate")
            .instance(s + "-" + n)
            .onset(min(30 + 0.5 * i))
            .value(inCell ? 0.9 : 0.55, 0.004)
            .recovers(min(65))
            .add();
      }
      // The successful requests of the failing instances drop: a failure, not less load.
      t.anomaly(s, "http.server.request_rate")
          .instance(s + "-3")
          .kind(AnomalyKind.DIP)
          .down()
          .onset(min(30 + 0.5 * i))
          .value(1, 9)
          .recovers(min(65))
          .add();
      i++;
    }
    // Two latency blips 20 minutes before, on cell-2 instances that share a zone (latency is
    // leading, so they join as early support): an early phase of two metrics must not stand in
    // for the main pattern.
    for (String s : List.of("router", "accounts")) {
      t.anomaly(s, "http.server.duration.p95")
          .instance(s + "-3")
          .investigate()
          .leading()
          .kind(AnomalyKind.SPIKE)
          .onset(min(10))
          .value(150, 60)
          .recovers(min(32))
          .add();
    }
    return t;
  }

  /** Everything in cell-2 fails across both zones. */
  static Telemetry cellDegradation(long seed) {
    Telemetry t = cellTopology(seed);
    int i = 0;
    for (String s : List.of("accounts", "ledger", "router")) {
      for (String inst : List.of(s + "-2", s + "-3")) {
        t.anomaly(s, "http.server.error_rate")
            .instance(inst)
            .onset(min(30 + 0.5 * i))
            .value(0.8, 0.004)
            .recovers(min(65))
            .add();
      }
      i++;
    }
    return t;
  }

  /** inventory-1 restarts in a loop (no change); a CPU spike right after a restart is warm-up. */
  static Telemetry restartLoop(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("web", 2).operations("GET /");
    t.service("inventory", 3).operations("GET /stock");
    t.call("web", "inventory")
        .callDependency("inventory", "inventory-db", DependencyKind.DATABASE, "postgresql");
    t.errors("inventory", null, 0.1, min(20), min(60));
    t.background(min(-120), min(90), ATTRS);
    t.anomaly("inventory", "k8s.container.restart.count")
        .instance("inventory-1")
        .kind(AnomalyKind.SPIKE)
        .onset(min(20.5))
        .value(4, 0)
        .recovers(min(60))
        .add();
    t.anomaly("inventory", "log.template.count")
        .instance("inventory-1")
        .onset(min(20.5))
        .value(10, 0)
        .log("received SIGTERM, shutting down", "received SIGTERM, shutting down")
        .recovers(min(60))
        .add();
    t.anomaly("inventory", "process.cpu.utilization")
        .instance("inventory-1")
        .kind(AnomalyKind.SPIKE)
        .onset(min(21))
        .value(0.95, 0.3)
        .recovers(min(23))
        .add();
    t.anomaly("inventory", "http.server.error_rate")
        .onset(min(21))
        .value(0.1, 0.004)
        .recovers(min(60.5))
        .add();
    return t;
  }

  /** A connection-pool config change on catalog: latency, then a new log template. */
  static Telemetry configChange(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("web", 2).operations("GET /");
    t.service("catalog", 2).operations("GET /products");
    t.call("web", "catalog")
        .callDependency("catalog", "catalog-db", DependencyKind.DATABASE, "postgresql");
    t.errors("web", null, 0.05, min(18), min(60));
    t.background(min(-120), min(90), ATTRS);
    t.change(
        changeOf("chg-pool-size", ChangeKind.CONFIG, min(15), "catalog")
            .setKey("db.pool.max")
            .setOldValue("50")
            .setNewValue("5")
            .build());
    t.change(
        changeOf("chg-search-ttl", ChangeKind.CONFIG, min(5), "search")
            .setKey("cache.ttl")
            .setOldValue("60s")
            .setNewValue("90s")
            .build());
    t.anomaly("catalog", "log.template.count")
        .instance("catalog-0")
        .onset(min(16))
        .value(80, 0)
        .log(
            "timeout acquiring connection from pool after <*> ms",
            "timeout acquiring connection from pool after 5000 ms")
        .recovers(min(60))
        .add();
    t.anomaly("catalog", "http.server.duration.p95")
        .onset(min(16.5))
        .value(600, 20)
        .recovers(min(60))
        .add();
    t.anomaly("web", "http.server.duration.p95")
        .onset(min(17))
        .value(650, 60)
        .recovers(min(60.5))
        .add();
    t.anomaly("web", "http.server.error_rate")
        .onset(min(18))
        .value(0.05, 0.004)
        .recovers(min(60.5))
        .add();
    return t;
  }

  /** Four times the usual traffic at the edge (no planned activity): api saturates. */
  static Telemetry trafficSurge(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("edge", 2).operations("GET /");
    t.service("api", 3).operations("GET /api");
    t.call("edge", "api").callDependency("api", "api-db", DependencyKind.DATABASE, "postgresql");
    t.background(min(-120), min(100), ATTRS);
    t.deploy("chg-api-old", "api", "1.0.0", "1.0.1", min(-90), 300_000);
    t.anomaly("edge", "http.server.request.rate")
        .onset(min(30.5))
        .value(480, 120)
        .recovers(min(70))
        .add();
    t.anomaly("api", "http.server.request.rate")
        .investigate()
        .onset(min(30.5))
        .value(400, 100)
        .recovers(min(70))
        .add();
    // api passes the surge on: four times the database calls (load, not a failing database)
    t.anomaly("api", "http.client.request.rate")
        .peer("api-db")
        .kind(AnomalyKind.SPIKE)
        .onset(min(30.5))
        .value(400, 100)
        .recovers(min(70))
        .add();
    for (String inst : List.of("api-0", "api-1", "api-2")) {
      t.anomaly("api", "process.cpu.utilization")
          .instance(inst)
          .leading()
          .kind(AnomalyKind.LEVEL_SHIFT)
          .onset(min(31.5))
          .value(0.97, 0.4)
          .recovers(min(70.5))
          .add();
    }
    t.anomaly("api", "http.server.duration.p95")
        .onset(min(32))
        .value(500, 40)
        .recovers(min(70.5))
        .add();
    t.anomaly("edge", "http.server.duration.p95")
        .onset(min(32.5))
        .value(550, 60)
        .recovers(min(71))
        .add();
    return t;
  }

  /** reports' disk fills (a leading trend for hours), then writes fail. */
  static Telemetry diskFill(long seed) {
    Telemetry t = new Telemetry(seed);
    t.service("web", 2).operations("GET /");
    t.service("reports", 2).operations("POST /reports");
    t.call("web", "reports")
        .callDependency("reports", "reports-db", DependencyKind.DATABASE, "postgresql");
    t.errors("reports", null, 0.5, hours(3), hours(3.5));
    t.background(min(-120), hours(4), ATTRS);
    for (String inst : List.of("reports-0", "reports-1")) {
      t.anomaly("reports", "system.filesystem.utilization")
          .instance(inst)
          .leading()
          .onset(hours(1))
          .value(0.85, 0.6)
          .every(60_000)
          .activeUntil(hours(3.5))
          .add();
    }
    t.anomaly("reports", "http.server.error_rate")
        .onset(hours(3))
        .value(0.5, 0.004)
        .recovers(hours(3.5))
        .add();
    t.anomaly("reports", "log.template.count")
        .instance("reports-0")
        .onset(hours(3))
        .value(100, 0)
        .log("No space left on device", "java.io.IOException: No space left on device")
        .recovers(hours(3.5))
        .add();
    return t;
  }

  /**
   * A quiet stretch: daily noise, recurring spikes, investigate-tier anomalies, a transient blip, a
   * merge, a harmless config change and a routine deploy. No candidate may open.
   */
  static Telemetry quiet(long seed) {
    Telemetry t = botTopology(seed);
    t.background(min(-120), hours(6), ATTRS);
    t.merge("chg-merge-1", "catalog", "1234abc", hours(1));
    t.change(
        changeOf("chg-config-1", ChangeKind.CONFIG, hours(2), "schedule-service")
            .setKey("cache.ttl")
            .setOldValue("60s")
            .setNewValue("90s")
            .build());
    t.deploy("chg-routine", "action-service", "0.9.2", "0.9.3", hours(3), 600_000);
    t.anomaly("action-service", "process.cpu.utilization")
        .instance("action-service-0")
        .kind(AnomalyKind.SPIKE)
        .onset(hours(3) + 60_000)
        .value(0.8, 0.3)
        .recovers(hours(3) + 180_000)
        .add();
    for (int h = 0; h < 6; h++) {
      t.anomaly("gateway", "http.server.request.rate")
          .recurring()
          .onset(hours(h) + 300_000)
          .value(300, 120)
          .recovers(hours(h) + 900_000)
          .add();
      t.anomaly("bot-service", "http.server.duration.p95")
          .investigate()
          .onset(hours(h) + 1_800_000)
          .value(60, 25)
          .recovers(hours(h) + 2_100_000)
          .add();
      t.anomaly("schedule-service", "http.server.error_rate")
          .onset(hours(h) + 2_400_000)
          .value(0.03, 0.004)
          .recovers(hours(h) + 2_400_000 + 40_000)
          .add();
    }
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
