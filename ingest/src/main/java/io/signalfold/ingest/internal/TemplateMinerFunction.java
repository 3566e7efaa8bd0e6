package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs one {@link LogTemplateMiner} per service (the key). The templates themselves live in keyed
 * state (id to text, first and last seen), so they survive checkpoints, restores and rescaling; the
 * miner's parse tree is a per-subtask cache rebuilt from that state the first time a service is
 * seen after a (re)start. {@code newTemplate} is true when a template id enters the service's
 * state. State is bounded by the miner's template cap (least recently seen evicted) and an
 * event-time timer that drops templates idle for the template TTL.
 */
public final class TemplateMinerFunction
    extends KeyedProcessFunction<String, LogEvent, TemplateHit> {

  private static final long serialVersionUID = 1L;

  /** Persisted template: its text and when it was first and last seen. */
  public static final class TemplateState {
    public String template;
    public long firstSeenMs;
    public long lastSeenMs;

    public TemplateState() {}

    static TemplateState of(String template, long first, long last) {
      TemplateState t = new TemplateState();
      t.template = template;
      t.firstSeenMs = first;
      t.lastSeenMs = last;
      return t;
    }
  }

  private final IngestConfig config;
  private final long ttlMs;
  private transient MapState<String, TemplateState> templates;
  private transient ValueState<Long> timer;
  private transient Map<String, LogTemplateMiner> miners;
  private transient Counter newTemplates;

  public TemplateMinerFunction(IngestConfig config) {
    this.config = config;
    this.ttlMs = config.templateTtl().toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    templates =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "templates", Types.STRING, TypeInformation.of(TemplateState.class)));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("template-timer", Types.LONG));
    miners = new HashMap<>();
    newTemplates = getRuntimeContext().getMetricGroup().addGroup("ingest").counter("newTemplates");
  }

  private LogTemplateMiner miner(String service) throws Exception {
    LogTemplateMiner m = miners.get(service);
    if (m == null) {
      m =
          new LogTemplateMiner(
              config.minerDepth(),
              config.minerSimilarity(),
              config.minerMaxChildren(),
              config.maxTemplatesPerService());
      for (Map.Entry<String, TemplateState> e : templates.entries()) {
        TemplateState t = e.getValue();
        m.restore(t.template, t.firstSeenMs, t.lastSeenMs);
      }
      miners.put(service, m);
    }
    return m;
  }

  @Override
  public void processElement(LogEvent e, Context ctx, Collector<TemplateHit> out) throws Exception {
    String service = ctx.getCurrentKey();
    LogTemplateMiner miner = miner(service);
    List<String> evicted = new ArrayList<>(0);
    LogTemplateMiner.Match match = miner.add(e.body, e.timeMs, evicted::add);
    for (String id : evicted) {
      templates.remove(id);
    }
    if (match.replacedId != null) {
      templates.remove(match.replacedId);
    }
    TemplateState st = templates.get(match.templateId);
    boolean isNew = false;
    if (st == null) {
      // News only if the miner made the group for this very record: a template generalized from
      // an older one (a new id for an old pattern) was first seen when that one was, and must not
      // be announced as a new template carrying an onset from days ago.
      isNew = match.firstSeenMs >= e.timeMs;
      if (isNew) {
        newTemplates.inc();
      }
      st = TemplateState.of(match.template, Math.min(match.firstSeenMs, e.timeMs), e.timeMs);
      templates.put(match.templateId, st);
    } else if (e.timeMs - st.lastSeenMs > ttlMs / 16) {
      st.lastSeenMs = e.timeMs;
      templates.put(match.templateId, st);
    }
    Long t = timer.value();
    long deadline = EventTimeCleanup.deadline(e.timeMs, ttlMs);
    if (t == null || deadline > t) {
      ctx.timerService().registerEventTimeTimer(deadline);
      timer.update(deadline);
    }
    TemplateHit h = new TemplateHit();
    h.service = service;
    h.resource = e.resource;
    h.templateId = match.templateId;
    h.template = match.template;
    h.severity = e.severity;
    h.timeMs = e.timeMs;
    h.body = e.body;
    h.traceId = e.traceId;
    h.newTemplate = isNew;
    h.firstSeenMs = st.firstSeenMs;
    h.sourceTopic = e.sourceTopic;
    h.sourcePartition = e.sourcePartition;
    h.sourceOffset = e.sourceOffset;
    h.kafkaTimestampMs = e.kafkaTimestampMs;
    out.collect(h);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TemplateHit> out)
      throws Exception {
    String service = ctx.getCurrentKey();
    long cutoff = timestamp - ttlMs;
    List<String> stale = new ArrayList<>();
    long newest = Long.MIN_VALUE;
    for (Map.Entry<String, TemplateState> e : templates.entries()) {
      if (e.getValue().lastSeenMs < cutoff) {
        stale.add(e.getKey());
      } else {
        newest = Math.max(newest, e.getValue().lastSeenMs);
      }
    }
    for (String id : stale) {
      templates.remove(id);
    }
    LogTemplateMiner m = miners.get(service);
    if (m != null) {
      m.evictIdle(cutoff, id -> {});
    }
    if (newest == Long.MIN_VALUE) {
      templates.clear();
      timer.clear();
      miners.remove(service);
    } else {
      Long t = timer.value();
      if (t != null && t <= timestamp) {
        long next = EventTimeCleanup.deadline(newest, ttlMs);
        ctx.timerService().registerEventTimeTimer(next);
        timer.update(next);
      }
    }
  }
}
