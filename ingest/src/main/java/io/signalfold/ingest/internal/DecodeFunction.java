package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.RawTelemetry;
import io.signalfold.ingest.TelemetryEncoding;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.ResourceContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Flink wiring of a decoder: one Kafka record in, decoded items out, dead letters and resource
 * sightings to side outputs, a counter per dead-letter reason. Never throws on input: an unexpected
 * decoder exception becomes a dead letter with reason OTHER.
 *
 * <p>Items that go to interval windows ({@link #admissionTimeMs}) are admitted here against their
 * own partition's event time ({@link PartitionClock}, checkpointed): one whose window is already
 * closed becomes a TOO_LATE dead letter at once, so which items are late depends on the input
 * alone, not on when periodic watermarks happened to be emitted.
 *
 * @param <T> decoded item type
 */
public abstract class DecodeFunction<T> extends ProcessFunction<RawTelemetry, T>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("ingest-dead-letters") {};
  public static final OutputTag<ResourceSighting> SIGHTINGS =
      new OutputTag<>("ingest-resource-sightings") {};

  /** Re-emit a sighting of an unchanged version at most this often (event time). */
  private static final long SIGHTING_REFRESH_MS = 60_000L;

  private static final int MAX_SIGHTING_CACHE = 10_000;

  /** {@link #admissionTimeMs} of items not judged here. */
  protected static final long NOT_JUDGED = Long.MIN_VALUE;

  protected final IngestConfig config;
  private final String stage;
  private final LateAdmission late;
  private transient PartitionClock admitted;
  private transient ListState<long[]> admittedState;
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
    this.late = new LateAdmission(config);
  }

  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    admitted = new PartitionClock();
    // Union state: after a rescale every subtask knows every partition's progress.
    admittedState =
        ctx.getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    "admitted-partition-progress",
                    PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    for (long[] entry : admittedState.get()) {
      admitted.restore((int) entry[0], entry[1]);
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    List<long[]> entries = new ArrayList<>(admitted.size());
    for (int i = 0; i < admitted.size(); i++) {
      entries.add(new long[] {admitted.partitionAt(i), admitted.progressAt(i)});
    }
    admittedState.update(entries);
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
    if (admitted == null) {
      admitted = new PartitionClock();
    }
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

  /** The event time an item is windowed by, or {@link #NOT_JUDGED}. */
  protected long admissionTimeMs(T item) {
    return NOT_JUDGED;
  }

  /** What an item is, for a TOO_LATE dead letter ("span ... of checkout 'GET /'"). */
  protected String describe(T item) {
    return "item";
  }

  @Override
  public void processElement(RawTelemetry raw, Context ctx, Collector<T> out) {
    records.inc();
    TelemetryEncoding encoding = config.encodingFor(raw.getTopic());
    DecodeSink<T> sink =
        new DecodeSink<>() {
          @Override
          public void emit(T item) {
            if (tooLate(item, raw, this)) {
              return;
            }
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
    if (raw.getValue().length == 0) {
      // A tombstone (null value) or an empty message: nothing to decode, but not silently gone.
      sink.reject(
          DeadLetterReason.MISSING_FIELD,
          "the record has no value (a Kafka tombstone or an empty message)",
          raw.getValue());
      return;
    }
    try {
      decode(raw, encoding, sink);
    } catch (Exception | StackOverflowError e) {
      sink.reject(
          DeadLetterReason.OTHER,
          "decoder failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          raw.getValue());
    }
  }

  /** Admits an item against its partition's event time; a late one is dead-lettered. */
  private boolean tooLate(T item, RawTelemetry raw, DecodeSink<T> sink) {
    long eventMs = admissionTimeMs(item);
    if (eventMs == NOT_JUDGED) {
      return false;
    }
    int partition = raw.getPartition();
    long progress = admitted.progress(partition);
    if (late.closed(eventMs, progress)) {
      String detail = describe(item) + late.detail(eventMs, partition, progress);
      sink.reject(DeadLetterReason.TOO_LATE, detail, detail.getBytes(StandardCharsets.UTF_8));
      return true;
    }
    admitted.observe(partition, eventMs, raw.getKafkaTimestampMs());
    return false;
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

    @Override
    protected void stamp(DecodedMetric item, RawTelemetry raw) {
      item.sourcePartition = raw.getPartition();
      item.kafkaTimestampMs = raw.getKafkaTimestampMs();
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

    @Override
    protected long admissionTimeMs(SpanRecord s) {
      return s.startMs;
    }

    @Override
    protected String describe(SpanRecord s) {
      return "span " + s.traceId + "/" + s.spanId + " of " + s.service + " '" + s.operation + "'";
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

    @Override
    protected long admissionTimeMs(LogEvent e) {
      return e.timeMs;
    }

    @Override
    protected String describe(LogEvent e) {
      return "log record of " + e.service;
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
