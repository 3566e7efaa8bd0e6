package io.signalfold.ingest;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Configuration of the ingest stage. {@link #defaults()} gives the values documented in {@code
 * ingest/README.md}; {@link #builder()} starts from them. Immutable and serializable (Flink ships
 * it to every operator).
 */
public final class IngestConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Point attributes kept on metric points unless a per-metric list says otherwise. */
  public static final List<String> DEFAULT_POINT_ATTRIBUTES =
      List.of(
          "http.route",
          "http.request.method",
          "http.response.status_code",
          "rpc.service",
          "rpc.method",
          "rpc.grpc.status_code",
          "db.system.name",
          "db.system",
          "db.operation.name",
          "messaging.system",
          "messaging.destination.name",
          "server.address",
          "error.type",
          "jvm.memory.type",
          "jvm.memory.pool.name",
          "jvm.gc.name",
          "jvm.gc.action",
          "system.filesystem.mountpoint",
          "system.device",
          "k8s.container.name",
          "state",
          "direction",
          "outcome",
          "queue",
          "queue.name");

  /** Resource attributes kept (besides the dedicated fields of ResourceContext). */
  public static final List<String> DEFAULT_RESOURCE_ATTRIBUTES =
      List.of(
          "deployment.environment.name",
          "deployment.environment",
          "cloud.region",
          "k8s.namespace.name",
          "k8s.node.name",
          "k8s.deployment.name",
          "k8s.pod.name",
          "host.name",
          "service.instance.id");

  private final Duration interval;
  private final Duration maxOutOfOrderness;
  @Nullable private final Duration idleness;
  @Nullable private final Duration firstRecordIdleness;
  private final Duration allowedLateness;
  private final Map<String, TelemetryEncoding> topicEncodings;
  private final TelemetryEncoding defaultEncoding;
  private final String cellAttributeKey;
  private final Set<String> resourceAttributeAllowList;
  private final Set<String> pointAttributeAllowList;
  private final Map<String, Set<String>> metricAttributeAllowLists;
  private final int maxSeriesPerMetricPerService;
  private final Duration seriesIdleTimeout;
  private final Duration firstCumulativePointMaxAge;
  private final Set<RedDimension> redBreakdownDimensions;
  private final Set<RedDimension> redRollupDimensions;
  private final List<String> impactAttributes;
  private final int impactSketchLgK;
  private final int maxTraceIdsPerPoint;
  private final int maxErrorMessages;
  private final Duration edgeMatchWindow;
  private final int minerDepth;
  private final double minerSimilarity;
  private final int minerMaxChildren;
  private final int maxTemplatesPerService;
  private final Duration templateTtl;
  private final Duration versionTtl;
  private final long minTimestampMs;
  private final Duration maxFutureSkew;
  private final int maxAttributeCount;
  private final int maxAttributeBytes;
  private final int deadLetterPayloadMaxBytes;
  private final int maxSampleBodyChars;

  private IngestConfig(Builder b) {
    this.interval = positive(b.interval, "interval");
    this.maxOutOfOrderness = nonNegative(b.maxOutOfOrderness, "maxOutOfOrderness");
    this.idleness = b.idleness == null ? null : positive(b.idleness, "idleness");
    this.firstRecordIdleness =
        b.firstRecordIdleness == null
            ? idleness
            : positive(b.firstRecordIdleness, "firstRecordIdleness");
    this.allowedLateness = nonNegative(b.allowedLateness, "allowedLateness");
    this.topicEncodings = Collections.unmodifiableMap(new HashMap<>(b.topicEncodings));
    this.defaultEncoding = Objects.requireNonNull(b.defaultEncoding, "defaultEncoding");
    this.cellAttributeKey = Objects.requireNonNull(b.cellAttributeKey, "cellAttributeKey");
    this.resourceAttributeAllowList =
        Collections.unmodifiableSet(new LinkedHashSet<>(b.resourceAttributeAllowList));
    this.pointAttributeAllowList =
        Collections.unmodifiableSet(new LinkedHashSet<>(b.pointAttributeAllowList));
    Map<String, Set<String>> perMetric = new HashMap<>();
    b.metricAttributeAllowLists.forEach(
        (k, v) -> perMetric.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v))));
    this.metricAttributeAllowLists = Collections.unmodifiableMap(perMetric);
    this.maxSeriesPerMetricPerService = atLeast(b.maxSeriesPerMetricPerService, 1, "maxSeries");
    this.seriesIdleTimeout = positive(b.seriesIdleTimeout, "seriesIdleTimeout");
    this.firstCumulativePointMaxAge =
        nonNegative(b.firstCumulativePointMaxAge, "firstCumulativePointMaxAge");
    this.redBreakdownDimensions = Collections.unmodifiableSet(copyDims(b.redBreakdownDimensions));
    this.redRollupDimensions = Collections.unmodifiableSet(copyDims(b.redRollupDimensions));
    this.impactAttributes = List.copyOf(b.impactAttributes);
    if (b.impactSketchLgK < 4 || b.impactSketchLgK > 21) {
      throw new IllegalArgumentException("impactSketchLgK must be in 4..21: " + b.impactSketchLgK);
    }
    this.impactSketchLgK = b.impactSketchLgK;
    this.maxTraceIdsPerPoint = atLeast(b.maxTraceIdsPerPoint, 0, "maxTraceIdsPerPoint");
    this.maxErrorMessages = atLeast(b.maxErrorMessages, 1, "maxErrorMessages");
    this.edgeMatchWindow = positive(b.edgeMatchWindow, "edgeMatchWindow");
    this.minerDepth = atLeast(b.minerDepth, 3, "minerDepth");
    if (!(b.minerSimilarity > 0 && b.minerSimilarity <= 1)) {
      throw new IllegalArgumentException("minerSimilarity must be in (0, 1]: " + b.minerSimilarity);
    }
    this.minerSimilarity = b.minerSimilarity;
    this.minerMaxChildren = atLeast(b.minerMaxChildren, 2, "minerMaxChildren");
    this.maxTemplatesPerService = atLeast(b.maxTemplatesPerService, 1, "maxTemplatesPerService");
    this.templateTtl = positive(b.templateTtl, "templateTtl");
    this.versionTtl = positive(b.versionTtl, "versionTtl");
    this.minTimestampMs = b.minTimestampMs;
    this.maxFutureSkew = b.maxFutureSkew;
    this.maxAttributeCount = atLeast(b.maxAttributeCount, 1, "maxAttributeCount");
    this.maxAttributeBytes = atLeast(b.maxAttributeBytes, 16, "maxAttributeBytes");
    this.deadLetterPayloadMaxBytes =
        atLeast(b.deadLetterPayloadMaxBytes, 0, "deadLetterPayloadMaxBytes");
    this.maxSampleBodyChars = atLeast(b.maxSampleBodyChars, 16, "maxSampleBodyChars");
  }

  private static Set<RedDimension> copyDims(Set<RedDimension> dims) {
    return dims.isEmpty() ? EnumSet.noneOf(RedDimension.class) : EnumSet.copyOf(dims);
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  private static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
    return d;
  }

  private static int atLeast(int v, int min, String name) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ": " + v);
    }
    return v;
  }

  /** All defaults (see ingest/README.md). */
  public static IngestConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.interval = interval;
    b.maxOutOfOrderness = maxOutOfOrderness;
    b.idleness = idleness;
    b.firstRecordIdleness = firstRecordIdleness;
    b.allowedLateness = allowedLateness;
    b.topicEncodings = new HashMap<>(topicEncodings);
    b.defaultEncoding = defaultEncoding;
    b.cellAttributeKey = cellAttributeKey;
    b.resourceAttributeAllowList = new LinkedHashSet<>(resourceAttributeAllowList);
    b.pointAttributeAllowList = new LinkedHashSet<>(pointAttributeAllowList);
    b.metricAttributeAllowLists = new HashMap<>(metricAttributeAllowLists);
    b.maxSeriesPerMetricPerService = maxSeriesPerMetricPerService;
    b.seriesIdleTimeout = seriesIdleTimeout;
    b.firstCumulativePointMaxAge = firstCumulativePointMaxAge;
    b.redBreakdownDimensions = copyDims(redBreakdownDimensions);
    b.redRollupDimensions = copyDims(redRollupDimensions);
    b.impactAttributes = new ArrayList<>(impactAttributes);
    b.impactSketchLgK = impactSketchLgK;
    b.maxTraceIdsPerPoint = maxTraceIdsPerPoint;
    b.maxErrorMessages = maxErrorMessages;
    b.edgeMatchWindow = edgeMatchWindow;
    b.minerDepth = minerDepth;
    b.minerSimilarity = minerSimilarity;
    b.minerMaxChildren = minerMaxChildren;
    b.maxTemplatesPerService = maxTemplatesPerService;
    b.templateTtl = templateTtl;
    b.versionTtl = versionTtl;
    b.minTimestampMs = minTimestampMs;
    b.maxFutureSkew = maxFutureSkew;
    b.maxAttributeCount = maxAttributeCount;
    b.maxAttributeBytes = maxAttributeBytes;
    b.deadLetterPayloadMaxBytes = deadLetterPayloadMaxBytes;
    b.maxSampleBodyChars = maxSampleBodyChars;
    return b;
  }

  /** Length of the tumbling event-time intervals of RED points, call edges and log signals. */
  public Duration interval() {
    return interval;
  }

  /** Watermark delay: how far out of order event times may arrive. */
  public Duration maxOutOfOrderness() {
    return maxOutOfOrderness;
  }

  /**
   * A decoded stream with no records for this long stops holding back the watermark; empty: never
   * (bounded replays, where a stream without records finishes instead).
   */
  public Optional<Duration> idleness() {
    return Optional.ofNullable(idleness);
  }

  /**
   * How long a subtask that has not seen any record yet waits before it stops holding back the
   * watermark; the default is {@link #idleness()}. Bounded replays want more (see {@link
   * Builder#firstRecordIdleness}).
   */
  public Optional<Duration> firstRecordIdleness() {
    return Optional.ofNullable(firstRecordIdleness);
  }

  /** Extra lateness accepted by the interval aggregations; later records become TOO_LATE. */
  public Duration allowedLateness() {
    return allowedLateness;
  }

  /** The encoding of records read from {@code topic} (per-topic setting, else the default). */
  public TelemetryEncoding encodingFor(String topic) {
    return topicEncodings.getOrDefault(topic, defaultEncoding);
  }

  public Map<String, TelemetryEncoding> topicEncodings() {
    return topicEncodings;
  }

  public TelemetryEncoding defaultEncoding() {
    return defaultEncoding;
  }

  /** Resource attribute key holding the cell id. */
  public String cellAttributeKey() {
    return cellAttributeKey;
  }

  public Set<String> resourceAttributeAllowList() {
    return resourceAttributeAllowList;
  }

  public Set<String> pointAttributeAllowList() {
    return pointAttributeAllowList;
  }

  /** Point attributes kept for one metric: its own list when configured, else the global one. */
  public Set<String> pointAttributesFor(String metricName) {
    Set<String> own = metricAttributeAllowLists.get(metricName);
    return own != null ? own : pointAttributeAllowList;
  }

  public Map<String, Set<String>> metricAttributeAllowLists() {
    return metricAttributeAllowLists;
  }

  /** Distinct series per metric name and service before points go to the overflow series. */
  public int maxSeriesPerMetricPerService() {
    return maxSeriesPerMetricPerService;
  }

  /** A metric series not seen for this long (event time) is forgotten (state cleanup). */
  public Duration seriesIdleTimeout() {
    return seriesIdleTimeout;
  }

  /**
   * The first point of a cumulative series is emitted as a delta from its start time only when that
   * start is at most this old; otherwise it only sets the baseline (counted).
   */
  public Duration firstCumulativePointMaxAge() {
    return firstCumulativePointMaxAge;
  }

  public Set<RedDimension> redBreakdownDimensions() {
    return redBreakdownDimensions;
  }

  public Set<RedDimension> redRollupDimensions() {
    return redRollupDimensions;
  }

  public List<String> impactAttributes() {
    return impactAttributes;
  }

  public int impactSketchLgK() {
    return impactSketchLgK;
  }

  public int maxTraceIdsPerPoint() {
    return maxTraceIdsPerPoint;
  }

  public int maxErrorMessages() {
    return maxErrorMessages;
  }

  public Duration edgeMatchWindow() {
    return edgeMatchWindow;
  }

  public int minerDepth() {
    return minerDepth;
  }

  public double minerSimilarity() {
    return minerSimilarity;
  }

  public int minerMaxChildren() {
    return minerMaxChildren;
  }

  public int maxTemplatesPerService() {
    return maxTemplatesPerService;
  }

  public Duration templateTtl() {
    return templateTtl;
  }

  public Duration versionTtl() {
    return versionTtl;
  }

  public long minTimestampMs() {
    return minTimestampMs;
  }

  /** Maximum event time ahead of the Kafka record timestamp; null disables the check. */
  public Duration maxFutureSkew() {
    return maxFutureSkew;
  }

  public int maxAttributeCount() {
    return maxAttributeCount;
  }

  public int maxAttributeBytes() {
    return maxAttributeBytes;
  }

  public int deadLetterPayloadMaxBytes() {
    return deadLetterPayloadMaxBytes;
  }

  public int maxSampleBodyChars() {
    return maxSampleBodyChars;
  }

  /** Builder with the defaults documented in ingest/README.md. */
  public static final class Builder {
    private Duration interval = Duration.ofSeconds(30);
    private Duration maxOutOfOrderness = Duration.ofSeconds(5);
    private Duration idleness = Duration.ofSeconds(30);
    private Duration firstRecordIdleness; // null: the idleness
    private Duration allowedLateness = Duration.ZERO;
    private Map<String, TelemetryEncoding> topicEncodings = new HashMap<>();
    private TelemetryEncoding defaultEncoding = TelemetryEncoding.OTLP_PROTO;
    private String cellAttributeKey = "cell";
    private Set<String> resourceAttributeAllowList =
        new LinkedHashSet<>(DEFAULT_RESOURCE_ATTRIBUTES);
    private Set<String> pointAttributeAllowList = new LinkedHashSet<>(DEFAULT_POINT_ATTRIBUTES);
    private Map<String, Set<String>> metricAttributeAllowLists = new HashMap<>();
    private int maxSeriesPerMetricPerService = 2000;
    private Duration seriesIdleTimeout = Duration.ofHours(1);
    private Duration firstCumulativePointMaxAge = Duration.ofMinutes(5);
    private Set<RedDimension> redBreakdownDimensions = EnumSet.noneOf(RedDimension.class);
    private Set<RedDimension> redRollupDimensions = EnumSet.of(RedDimension.INSTANCE);
    private List<String> impactAttributes =
        new ArrayList<>(List.of("robot.id", "customer.id", "enduser.id"));
    private int impactSketchLgK = 11;
    private int maxTraceIdsPerPoint = 3;
    private int maxErrorMessages = 10;
    private Duration edgeMatchWindow = Duration.ofSeconds(15);
    private int minerDepth = 4;
    private double minerSimilarity = 0.5;
    private int minerMaxChildren = 100;
    private int maxTemplatesPerService = 1000;
    private Duration templateTtl = Duration.ofDays(7);
    private Duration versionTtl = Duration.ofHours(6);
    private long minTimestampMs = 946_684_800_000L; // 2000-01-01T00:00:00Z
    private Duration maxFutureSkew = Duration.ofHours(1);
    private int maxAttributeCount = 128;
    private int maxAttributeBytes = 16 * 1024;
    private int deadLetterPayloadMaxBytes = 4096;
    private int maxSampleBodyChars = 512;

    private Builder() {}

    public Builder interval(Duration v) {
      this.interval = v;
      return this;
    }

    public Builder maxOutOfOrderness(Duration v) {
      this.maxOutOfOrderness = v;
      return this;
    }

    public Builder idleness(Duration v) {
      this.idleness = Objects.requireNonNull(v, "idleness");
      return this;
    }

    /**
     * No stream is ever declared idle: the watermark waits for every input. Right for bounded
     * replays, where wall-clock idleness is the one thing that could make a record late (a stream
     * starved of CPU for longer than the idleness would be overtaken) and results differ run to
     * run; a partition-less subtask of a bounded source finishes instead of idling.
     */
    public Builder noIdleness() {
      this.idleness = null;
      return this;
    }

    /**
     * Idleness of a subtask before its first record. Unbounded jobs keep the default (the
     * idleness): a subtask without a partition must not stall event time for long after every
     * start. Bounded replays set it long: there a partition-less subtask finishes at once
     * (watermark +inf), and if the subtask that owns the partition went idle while waiting for its
     * first fetch, the watermark would jump to +inf and every record would be late.
     */
    public Builder firstRecordIdleness(Duration v) {
      this.firstRecordIdleness = v;
      return this;
    }

    public Builder allowedLateness(Duration v) {
      this.allowedLateness = v;
      return this;
    }

    /** Sets the encoding of one topic (others use the default encoding). */
    public Builder topicEncoding(String topic, TelemetryEncoding encoding) {
      this.topicEncodings.put(Objects.requireNonNull(topic), Objects.requireNonNull(encoding));
      return this;
    }

    public Builder defaultEncoding(TelemetryEncoding v) {
      this.defaultEncoding = v;
      return this;
    }

    public Builder cellAttributeKey(String v) {
      this.cellAttributeKey = v;
      return this;
    }

    public Builder resourceAttributeAllowList(Set<String> v) {
      this.resourceAttributeAllowList = new LinkedHashSet<>(v);
      return this;
    }

    public Builder pointAttributeAllowList(Set<String> v) {
      this.pointAttributeAllowList = new LinkedHashSet<>(v);
      return this;
    }

    /** Point attributes kept for one metric name, replacing the global list for it. */
    public Builder metricAttributeAllowList(String metricName, Set<String> keys) {
      this.metricAttributeAllowLists.put(metricName, new LinkedHashSet<>(keys));
      return this;
    }

    public Builder maxSeriesPerMetricPerService(int v) {
      this.maxSeriesPerMetricPerService = v;
      return this;
    }

    public Builder seriesIdleTimeout(Duration v) {
      this.seriesIdleTimeout = v;
      return this;
    }

    public Builder firstCumulativePointMaxAge(Duration v) {
      this.firstCumulativePointMaxAge = v;
      return this;
    }

    public Builder redBreakdownDimensions(Set<RedDimension> v) {
      this.redBreakdownDimensions = copyDims(v);
      return this;
    }

    public Builder redRollupDimensions(Set<RedDimension> v) {
      this.redRollupDimensions = copyDims(v);
      return this;
    }

    public Builder impactAttributes(List<String> v) {
      this.impactAttributes = new ArrayList<>(v);
      return this;
    }

    public Builder impactSketchLgK(int v) {
      this.impactSketchLgK = v;
      return this;
    }

    public Builder maxTraceIdsPerPoint(int v) {
      this.maxTraceIdsPerPoint = v;
      return this;
    }

    public Builder maxErrorMessages(int v) {
      this.maxErrorMessages = v;
      return this;
    }

    public Builder edgeMatchWindow(Duration v) {
      this.edgeMatchWindow = v;
      return this;
    }

    public Builder minerDepth(int v) {
      this.minerDepth = v;
      return this;
    }

    public Builder minerSimilarity(double v) {
      this.minerSimilarity = v;
      return this;
    }

    public Builder minerMaxChildren(int v) {
      this.minerMaxChildren = v;
      return this;
    }

    public Builder maxTemplatesPerService(int v) {
      this.maxTemplatesPerService = v;
      return this;
    }

    public Builder templateTtl(Duration v) {
      this.templateTtl = v;
      return this;
    }

    public Builder versionTtl(Duration v) {
      this.versionTtl = v;
      return this;
    }

    public Builder minTimestampMs(long v) {
      this.minTimestampMs = v;
      return this;
    }

    /** Null disables the far-future check. */
    public Builder maxFutureSkew(Duration v) {
      this.maxFutureSkew = v;
      return this;
    }

    public Builder maxAttributeCount(int v) {
      this.maxAttributeCount = v;
      return this;
    }

    public Builder maxAttributeBytes(int v) {
      this.maxAttributeBytes = v;
      return this;
    }

    public Builder deadLetterPayloadMaxBytes(int v) {
      this.deadLetterPayloadMaxBytes = v;
      return this;
    }

    public Builder maxSampleBodyChars(int v) {
      this.maxSampleBodyChars = v;
      return this;
    }

    public IngestConfig build() {
      return new IngestConfig(this);
    }
  }
}
