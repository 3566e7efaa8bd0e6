package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.RawTelemetry;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ResourceContext;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Flink wiring of a decoder: one Kafka record in, decoded items out, dead letters and resource
 * sightings to side outputs, a counter per dead-letter reason. Never throws on input: an unexpected
 * decoder exception becomes a dead letter with reason OTHER.
 *
 * @param <T> decoded item type
 */
public abstract class DecodeFunction<T> extends ProcessFunction<RawTelemetry, T> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("ingest-dead-letters") {};
  public static final OutputTag<ResourceSighting> SIGHTINGS =
      new OutputTag<>("ingest-resource-sightings") {};

  /** Re-emit a sighting of an unchanged version at most this often (event time). */
  private static final long SIGHTING_REFRESH_MS = 60_000L;

  private static final int MAX_SIGHTING_CACHE = 10_000;

  protected final IngestConfig config;
  private final String stage;
  private transient EnumMap<DeadLetterReason, Counter> rejected;
  private transient Counter records;
  private transient Counter items;
  private transient Map<String, Counter> skipped;
  private transient MetricGroup group;
  private transient Map<String, long[]> lastSighting;
  private transient Map<String, String> lastVersion;

  protected DecodeFunction(IngestConfig config, String stage) {
    this.config = config;
    this.stage = stage;
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext ctx) throws Exception {
    io.signalfold.schema.AvroCoders.enable(); // records leave this task Avro-encoded
    group = getRuntimeContext().getMetricGroup().addGroup("ingest");
    rejected = new EnumMap<>(DeadLetterReason.class);
    for (DeadLetterReason r : DeadLetterReason.values()) {
      rejected.put(r, group.counter("deadLetters_" + r.name()));
    }
    records = group.counter("recordsIn");
    items = group.counter("itemsOut");
    skipped = new java.util.HashMap<>();
    lastSighting = new LinkedHashMap<>();
    lastVersion = new java.util.HashMap<>();
    openDecoder();
  }

  /** Creates the decoder (called from open). */
  protected abstract void openDecoder();

  /** Decodes one record into the sink. */
  protected abstract void decode(RawTelemetry raw, TelemetryEncoding encoding, DecodeSink<T> sink)
      throws Exception;

  /** The encoding named in dead letters. */
  protected String encodingLabel(TelemetryEncoding encoding) {
    return encoding.configName();
  }

  /** Stamps source coordinates onto an item (for later TOO_LATE dead letters). */
  protected void stamp(T item, RawTelemetry raw) {}

  @Override
  public void processElement(RawTelemetry raw, Context ctx, Collector<T> out) {
    records.inc();
    TelemetryEncoding encoding = config.encodingFor(raw.getTopic());
    DecodeSink<T> sink =
        new DecodeSink<>() {
          @Override
          public void emit(T item) {
            stamp(item, raw);
            items.inc();
            out.collect(item);
          }

          @Override
          public void reject(DeadLetterReason reason, String detail, byte[] payload) {
            rejected.get(reason).inc();
            ctx.output(
                DEAD_LETTERS,
                DeadLetters.create(
                    raw.getKafkaTimestampMs(),
                    raw.getTopic(),
                    raw.getPartition(),
                    raw.getOffset(),
                    stage,
                    reason,
                    detail
                        + " ("
                        + raw.getTopic()
                        + "-"
                        + raw.getPartition()
                        + "@"
                        + raw.getOffset()
                        + ")",
                    encodingLabel(encoding),
                    payload,
                    config.deadLetterPayloadMaxBytes()));
          }

          @Override
          public void sighting(ResourceContext resource, long timeMs) {
            emitSighting(resource, timeMs, ctx);
          }

          @Override
          public void skipped(String what) {
            skipped.computeIfAbsent(what, w -> group.counter("skipped_" + w)).inc();
          }
        };
    try {
      decode(raw, encoding, sink);
    } catch (Exception | StackOverflowError e) {
      sink.reject(
          DeadLetterReason.OTHER,
          "decoder failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          raw.getValue());
    }
  }

  private void emitSighting(ResourceContext resource, long timeMs, Context ctx) {
    String version = resource.getServiceVersion();
    if (version == null) {
      return;
    }
    String key =
        resource.getService()
            + "|"
            + (resource.getInstance() == null ? "" : resource.getInstance());
    long[] last = lastSighting.get(key);
    String lastV = lastVersion.get(key);
    if (last != null
        && version.equals(lastV)
        && timeMs - last[0] < SIGHTING_REFRESH_MS
        && timeMs >= last[0]) {
      return;
    }
    if (lastSighting.size() > MAX_SIGHTING_CACHE) {
      lastSighting.clear();
      lastVersion.clear();
    }
    lastSighting.put(key, new long[] {timeMs});
    lastVersion.put(key, version);
    ResourceSighting s = new ResourceSighting();
    s.service = resource.getService();
    s.instance = resource.getInstance();
    s.version = version;
    s.zone = resource.getZone();
    s.timeMs = timeMs;
    ctx.output(SIGHTINGS, s);
  }

  /** Metrics: ExportMetricsServiceRequest to DecodedMetric. */
  public static final class Metrics extends DecodeFunction<DecodedMetric> {
    private static final long serialVersionUID = 1L;
    private transient MetricDecoder decoder;

    public Metrics(IngestConfig config) {
      super(config, "ingest.metrics");
    }

    @Override
    protected void openDecoder() {
      decoder = new MetricDecoder(config);
    }

    @Override
    protected void decode(RawTelemetry raw, TelemetryEncoding enc, DecodeSink<DecodedMetric> sink) {
      decoder.decode(raw.getValue(), enc, raw.getKafkaTimestampMs(), sink);
    }
  }

  /** Spans: ExportTraceServiceRequest to SpanRecord. */
  public static final class Spans extends DecodeFunction<SpanRecord> {
    private static final long serialVersionUID = 1L;
    private transient SpanDecoder decoder;

    public Spans(IngestConfig config) {
      super(config, "ingest.spans");
    }

    @Override
    protected void openDecoder() {
      decoder = new SpanDecoder(config);
    }

    @Override
    protected void decode(RawTelemetry raw, TelemetryEncoding enc, DecodeSink<SpanRecord> sink) {
      decoder.decode(raw.getValue(), enc, raw.getKafkaTimestampMs(), sink);
    }

    @Override
    protected void stamp(SpanRecord item, RawTelemetry raw) {
      item.sourceTopic = raw.getTopic();
      item.sourcePartition = raw.getPartition();
      item.sourceOffset = raw.getOffset();
      item.kafkaTimestampMs = raw.getKafkaTimestampMs();
    }
  }

  /** Logs: ExportLogsServiceRequest to LogEvent; continuation records are folded (counted). */
  public static final class Logs extends DecodeFunction<LogEvent> {
    private static final long serialVersionUID = 1L;
    private transient LogDecoder decoder;

    public Logs(IngestConfig config) {
      super(config, "ingest.logs");
    }

    @Override
    protected void openDecoder() {
      decoder = new LogDecoder(config);
    }

    @Override
    protected void decode(RawTelemetry raw, TelemetryEncoding enc, DecodeSink<LogEvent> sink) {
      DecodeSink<LogEvent> folding =
          new DecodeSink<>() {
            @Override
            public void emit(LogEvent item) {
              if (LogTemplateMiner.isContinuation(item.body)) {
                // A stack-frame line exported as its own record belongs to the event before it.
                sink.skipped("log_continuation_folded");
              } else {
                sink.emit(item);
              }
            }

            @Override
            public void reject(DeadLetterReason reason, String detail, byte[] payload) {
              sink.reject(reason, detail, payload);
            }

            @Override
            public void sighting(ResourceContext resource, long timeMs) {
              sink.sighting(resource, timeMs);
            }

            @Override
            public void skipped(String what) {
              sink.skipped(what);
            }
          };
      decoder.decode(raw.getValue(), enc, raw.getKafkaTimestampMs(), folding);
    }

    @Override
    protected void stamp(LogEvent item, RawTelemetry raw) {
      item.sourceTopic = raw.getTopic();
      item.sourcePartition = raw.getPartition();
      item.sourceOffset = raw.getOffset();
      item.kafkaTimestampMs = raw.getKafkaTimestampMs();
    }
  }

  /** Change events: the change-events JSON contract to ChangeEvent. */
  public static final class Changes extends DecodeFunction<io.signalfold.schema.ChangeEvent> {
    private static final long serialVersionUID = 1L;
    private transient ChangeEventParser parser;

    public Changes(IngestConfig config) {
      super(config, "ingest.changes");
    }

    @Override
    protected void openDecoder() {
      parser = new ChangeEventParser(config);
    }

    @Override
    protected String encodingLabel(TelemetryEncoding encoding) {
      return "json";
    }

    @Override
    protected void decode(
        RawTelemetry raw,
        TelemetryEncoding enc,
        DecodeSink<io.signalfold.schema.ChangeEvent> sink) {
      parser.parse(raw.getValue(), raw.getKafkaTimestampMs(), sink);
    }
  }
}
