package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.RedDimension;
import io.signalfold.schema.DeadLetter;
import io.signalfold.schema.DeadLetterReason;
import io.signalfold.schema.SpanKind;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/** Small routing and late-record functions of the ingest job graph. */
public final class Routers {

  private Routers() {}

  /** A span to its RED series: the operation series, and for entry spans the service rollups. */
  public static final class RedRouter extends RichFlatMapFunction<SpanRecord, KeyedSpan> {
    private static final long serialVersionUID = 1L;
    private final Set<RedDimension> breakdown;
    private final Set<RedDimension> rollups;

    public RedRouter(IngestConfig c) {
      this.breakdown = c.redBreakdownDimensions();
      this.rollups = c.redRollupDimensions();
    }

    @Override
    public void flatMap(SpanRecord s, Collector<KeyedSpan> out) {
      out.collect(
          KeyedSpan.of(
              RedAccumulator.seriesId(s, KeyedSpan.OPERATION, breakdown), KeyedSpan.OPERATION, s));
      boolean entry =
          s.kind == SpanKind.SERVER || s.kind == SpanKind.CONSUMER || s.parentSpanId.isEmpty();
      if (!entry) {
        return;
      }
      out.collect(
          KeyedSpan.of(
              RedAccumulator.seriesId(s, KeyedSpan.SERVICE, breakdown), KeyedSpan.SERVICE, s));
      for (RedDimension d : rollups) {
        if (RedAccumulator.hasDimension(s, d)) {
          int mode = KeyedSpan.ROLLUP_BASE + d.ordinal();
          out.collect(KeyedSpan.of(RedAccumulator.seriesId(s, mode, breakdown), mode, s));
        }
      }
    }
  }

  /** A log event to its severity series: per instance (when known) and the service rollup. */
  public static final class SeverityRouter
      extends RichFlatMapFunction<LogEvent, IntervalAggregates.SeverityInput> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(LogEvent e, Collector<IntervalAggregates.SeverityInput> out) {
      out.collect(IntervalAggregates.SeverityInput.of(false, e));
      if (e.resource.getInstance() != null) {
        out.collect(IntervalAggregates.SeverityInput.of(true, e));
      }
    }
  }

  /** Turns late records into TOO_LATE dead letters (or only counts duplicates of them). */
  public abstract static class Late<T> extends RichFlatMapFunction<T, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String counterName;
    protected final IngestConfig config;
    private transient Counter counter;

    protected Late(IngestConfig config, String counterName) {
      this.config = config;
      this.counterName = counterName;
    }

    @Override
    public void open(OpenContext ctx) {
      counter = getRuntimeContext().getMetricGroup().addGroup("ingest").counter(counterName);
    }

    @Override
    public void flatMap(T value, Collector<DeadLetter> out) {
      counter.inc();
      DeadLetter d = toDeadLetter(value);
      if (d != null) {
        out.collect(d);
      }
    }

    /** Null when the record is a routed copy whose original is dead-lettered elsewhere. */
    protected abstract DeadLetter toDeadLetter(T value);

    protected DeadLetter letter(
        String topic, int partition, long offset, long kafkaTs, String stage, String detail) {
      return DeadLetters.create(
          kafkaTs,
          topic == null ? "" : topic,
          partition,
          offset,
          stage,
          DeadLetterReason.TOO_LATE,
          detail,
          null,
          detail.getBytes(StandardCharsets.UTF_8),
          config.deadLetterPayloadMaxBytes());
    }
  }

  /** Late spans of the RED windows; only the operation-series copy becomes a dead letter. */
  public static final class LateSpans extends Late<KeyedSpan> {
    private static final long serialVersionUID = 1L;

    public LateSpans(IngestConfig c) {
      super(c, "lateSpans");
    }

    @Override
    protected DeadLetter toDeadLetter(KeyedSpan k) {
      if (k.mode != KeyedSpan.OPERATION) {
        return null;
      }
      SpanRecord s = k.span;
      return letter(
          s.sourceTopic,
          s.sourcePartition,
          s.sourceOffset,
          s.kafkaTimestampMs,
          "ingest.red",
          "span "
              + s.traceId
              + "/"
              + s.spanId
              + " of "
              + s.service
              + " '"
              + s.operation
              + "' starting at "
              + s.startMs
              + " ms arrived after its "
              + config.interval().toMillis()
              + " ms interval closed (watermark delay "
              + config.maxOutOfOrderness().toMillis()
              + " ms, allowed lateness "
              + config.allowedLateness().toMillis()
              + " ms)");
    }
  }

  /** Late log events of the severity windows; the service-rollup copy becomes the dead letter. */
  public static final class LateLogs extends Late<IntervalAggregates.SeverityInput> {
    private static final long serialVersionUID = 1L;

    public LateLogs(IngestConfig c) {
      super(c, "lateLogRecords");
    }

    @Override
    protected DeadLetter toDeadLetter(IntervalAggregates.SeverityInput in) {
      if (in.perInstance) {
        return null;
      }
      LogEvent e = in.event;
      return letter(
          e.sourceTopic,
          e.sourcePartition,
          e.sourceOffset,
          e.kafkaTimestampMs,
          "ingest.logs",
          "log record of "
              + e.service
              + " at "
              + e.timeMs
              + " ms arrived after its "
              + config.interval().toMillis()
              + " ms interval closed");
    }
  }

  /** Counts late records that are dead-lettered through another branch. */
  public static final class CountOnly<T> extends Late<T> {
    private static final long serialVersionUID = 1L;

    public CountOnly(IngestConfig c, String counterName) {
      super(c, counterName);
    }

    @Override
    protected DeadLetter toDeadLetter(T value) {
      return null;
    }
  }
}
