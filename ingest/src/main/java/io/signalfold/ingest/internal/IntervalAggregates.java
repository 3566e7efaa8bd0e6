package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.ingest.RedDimension;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The tumbling-interval aggregations of the ingest stage: incremental {@link AggregateFunction}s
 * (nothing is buffered per window) and window functions that stamp the interval bounds.
 */
public final class IntervalAggregates {

  private IntervalAggregates() {}

  /** Spans to a {@link RedAccumulator}. */
  public static final class Red
      implements AggregateFunction<KeyedSpan, RedAccumulator, RedAccumulator> {
    private static final long serialVersionUID = 1L;
    private final Set<RedDimension> breakdown;
    private final int maxTraceIds;
    private final int maxMessages;
    private final int lgK;

    public Red(IngestConfig c) {
      this.breakdown = c.redBreakdownDimensions();
      this.maxTraceIds = c.maxTraceIdsPerPoint();
      this.maxMessages = c.maxErrorMessages();
      this.lgK = c.impactSketchLgK();
    }

    @Override
    public RedAccumulator createAccumulator() {
      return new RedAccumulator();
    }

    @Override
    public RedAccumulator add(KeyedSpan v, RedAccumulator acc) {
      acc.add(v.span, v.mode, breakdown, maxTraceIds, maxMessages, lgK);
      return acc;
    }

    @Override
    public RedAccumulator getResult(RedAccumulator acc) {
      return acc;
    }

    @Override
    public RedAccumulator merge(RedAccumulator a, RedAccumulator b) {
      a.merge(b, maxTraceIds, maxMessages, lgK);
      return a;
    }
  }

  /** Stamps the interval onto a RED accumulator. */
  public static final class RedWindow
      extends ProcessWindowFunction<RedAccumulator, RedPoint, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final List<String> impactAttributes;

    public RedWindow(IngestConfig c) {
      this.impactAttributes = c.impactAttributes();
    }

    @Override
    public void process(
        String key, Context ctx, Iterable<RedAccumulator> in, Collector<RedPoint> out) {
      for (RedAccumulator acc : in) {
        out.collect(
            acc.toRedPoint(ctx.window().getStart(), ctx.window().getEnd(), impactAttributes));
      }
    }
  }

  /** Calls of one edge over one interval. */
  public static final class EdgeAccumulator {
    public String caller;
    public String callerOperation;
    public String callee;
    public String calleeOperation;
    public DependencyKind calleeKind;
    public String calleeSystem;
    public EdgeResolution resolution;
    public double calls;
    public double errors;
    public double durationSumMs;
    public String[] traceIds = new String[0];

    public EdgeAccumulator() {}
  }

  /** Edge observations to an {@link EdgeAccumulator}. */
  public static final class Edge
      implements AggregateFunction<EdgeObservation, EdgeAccumulator, EdgeAccumulator> {
    private static final long serialVersionUID = 1L;
    private final int maxTraceIds;

    public Edge(IngestConfig c) {
      this.maxTraceIds = c.maxTraceIdsPerPoint();
    }

    @Override
    public EdgeAccumulator createAccumulator() {
      return new EdgeAccumulator();
    }

    @Override
    public EdgeAccumulator add(EdgeObservation o, EdgeAccumulator a) {
      if (a.caller == null) {
        a.caller = o.caller;
        a.callerOperation = o.callerOperation;
        a.callee = o.callee;
        a.calleeOperation = o.calleeOperation;
        a.calleeKind = o.calleeKind;
        a.calleeSystem = o.calleeSystem;
        a.resolution = o.resolution;
      }
      a.calls += o.calls;
      if (o.error) {
        a.errors += o.calls;
      }
      a.durationSumMs += o.durationMs * o.calls;
      if (a.traceIds.length < maxTraceIds && (o.error || a.traceIds.length == 0)) {
        String[] n = java.util.Arrays.copyOf(a.traceIds, a.traceIds.length + 1);
        n[a.traceIds.length] = o.traceId;
        a.traceIds = n;
      }
      return a;
    }

    @Override
    public EdgeAccumulator getResult(EdgeAccumulator a) {
      return a;
    }

    @Override
    public EdgeAccumulator merge(EdgeAccumulator a, EdgeAccumulator b) {
      if (a.caller == null) {
        return b;
      }
      a.calls += b.calls;
      a.errors += b.errors;
      a.durationSumMs += b.durationSumMs;
      return a;
    }
  }

  /** Stamps the interval onto an edge. */
  public static final class EdgeWindow
      extends ProcessWindowFunction<EdgeAccumulator, CallEdge, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(
        String key, Context ctx, Iterable<EdgeAccumulator> in, Collector<CallEdge> out) {
      for (EdgeAccumulator a : in) {
        CallEdge e = new CallEdge();
        e.setIntervalStartMs(ctx.window().getStart());
        e.setIntervalEndMs(ctx.window().getEnd());
        e.setCaller(a.caller);
        e.setCallerOperation(a.callerOperation);
        e.setCallee(a.callee);
        e.setCalleeOperation(a.calleeOperation);
        e.setCalleeKind(a.calleeKind);
        e.setCalleeSystem(a.calleeSystem);
        e.setResolution(a.resolution);
        e.setCalls(a.calls);
        e.setErrors(a.errors);
        e.setDurationSumMs(a.durationSumMs);
        e.setSampleTraceIds(List.of(a.traceIds));
        out.collect(e);
      }
    }
  }

  /** Log records of one service (or instance) and severity over one interval. */
  public static final class SeverityAccumulator {
    public String service;
    public ResourceContext resource;
    public Severity severity;
    public boolean perInstance;
    public long count;

    public SeverityAccumulator() {}
  }

  /** A log event routed to a severity series: per instance, or the service rollup. */
  public static final class SeverityInput {
    public boolean perInstance;
    public LogEvent event;

    public SeverityInput() {}

    static SeverityInput of(boolean perInstance, LogEvent e) {
      SeverityInput s = new SeverityInput();
      s.perInstance = perInstance;
      s.event = e;
      return s;
    }

    public String key() {
      return event.service
          + "|"
          + (perInstance ? event.resource.getInstance() : "*")
          + "|"
          + event.severity;
    }
  }

  /** Counts log events per severity series. */
  public static final class SeverityCount
      implements AggregateFunction<SeverityInput, SeverityAccumulator, SeverityAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public SeverityAccumulator createAccumulator() {
      return new SeverityAccumulator();
    }

    @Override
    public SeverityAccumulator add(SeverityInput in, SeverityAccumulator a) {
      LogEvent e = in.event;
      if (a.service == null) {
        a.service = e.service;
        a.severity = e.severity;
        a.perInstance = in.perInstance;
      }
      a.resource = e.resource;
      a.count++;
      return a;
    }

    @Override
    public SeverityAccumulator getResult(SeverityAccumulator a) {
      return a;
    }

    @Override
    public SeverityAccumulator merge(SeverityAccumulator a, SeverityAccumulator b) {
      if (a.service == null) {
        return b;
      }
      a.count += b.count;
      return a;
    }
  }

  /** Stamps the interval onto a severity count. */
  public static final class SeverityWindow
      extends ProcessWindowFunction<SeverityAccumulator, LogSignal, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(
        String key, Context ctx, Iterable<SeverityAccumulator> in, Collector<LogSignal> out) {
      for (SeverityAccumulator a : in) {
        ResourceContext rc = new ResourceContext();
        rc.setService(a.service);
        rc.setNamespace(a.resource.getNamespace());
        rc.setAttributes(new HashMap<>());
        if (a.perInstance) {
          rc.setInstance(a.resource.getInstance());
          rc.setServiceVersion(a.resource.getServiceVersion());
          rc.setZone(a.resource.getZone());
          rc.setCell(a.resource.getCell());
          rc.setContainer(a.resource.getContainer());
        }
        LogSignal s = new LogSignal();
        s.setSeriesId(
            "log.severity|"
                + a.service
                + "|"
                + (a.perInstance ? "instance=" + a.resource.getInstance() + "|" : "")
                + a.severity);
        s.setKind(LogSignalKind.SEVERITY_COUNT);
        s.setIntervalStartMs(ctx.window().getStart());
        s.setIntervalEndMs(ctx.window().getEnd());
        s.setResource(rc);
        s.setSeverity(a.severity);
        s.setCount(a.count);
        s.setNewTemplate(false);
        s.setTraceIds(new ArrayList<>());
        out.collect(s);
      }
    }
  }

  /** Hits of one template over one interval. */
  public static final class TemplateAccumulator {
    public String service;
    public String namespace;
    public String templateId;
    public String template;
    public Severity severity;
    public long count;
    public boolean newTemplate;
    public long firstSeenMs = Long.MAX_VALUE;
    public String sampleBody;
    public String[] traceIds = new String[0];

    public TemplateAccumulator() {}
  }

  /** Counts template hits. */
  public static final class TemplateCount
      implements AggregateFunction<TemplateHit, TemplateAccumulator, TemplateAccumulator> {
    private static final long serialVersionUID = 1L;
    private final int maxTraceIds;
    private final int maxBody;

    public TemplateCount(IngestConfig c) {
      this.maxTraceIds = c.maxTraceIdsPerPoint();
      this.maxBody = c.maxSampleBodyChars();
    }

    @Override
    public TemplateAccumulator createAccumulator() {
      return new TemplateAccumulator();
    }

    @Override
    public TemplateAccumulator add(TemplateHit h, TemplateAccumulator a) {
      if (a.service == null) {
        a.service = h.service;
        a.namespace = h.resource == null ? null : h.resource.getNamespace();
        a.templateId = h.templateId;
        a.severity = h.severity;
        a.sampleBody = h.body.length() > maxBody ? h.body.substring(0, maxBody) : h.body;
      }
      a.template = h.template;
      if (h.severity.ordinal() > a.severity.ordinal()) {
        a.severity = h.severity;
      }
      a.count++;
      a.newTemplate |= h.newTemplate;
      a.firstSeenMs = Math.min(a.firstSeenMs, h.firstSeenMs);
      if (!h.traceId.isEmpty() && a.traceIds.length < maxTraceIds) {
        boolean seen = false;
        for (String t : a.traceIds) {
          seen |= t.equals(h.traceId);
        }
        if (!seen) {
          String[] n = java.util.Arrays.copyOf(a.traceIds, a.traceIds.length + 1);
          n[a.traceIds.length] = h.traceId;
          a.traceIds = n;
        }
      }
      return a;
    }

    @Override
    public TemplateAccumulator getResult(TemplateAccumulator a) {
      return a;
    }

    @Override
    public TemplateAccumulator merge(TemplateAccumulator a, TemplateAccumulator b) {
      if (a.service == null) {
        return b;
      }
      a.count += b.count;
      a.newTemplate |= b.newTemplate;
      a.firstSeenMs = Math.min(a.firstSeenMs, b.firstSeenMs);
      return a;
    }
  }

  /** Stamps the interval onto a template count. */
  public static final class TemplateWindow
      extends ProcessWindowFunction<TemplateAccumulator, LogSignal, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(
        String key, Context ctx, Iterable<TemplateAccumulator> in, Collector<LogSignal> out) {
      for (TemplateAccumulator a : in) {
        ResourceContext rc = new ResourceContext();
        rc.setService(a.service);
        rc.setNamespace(a.namespace);
        rc.setAttributes(new HashMap<>());
        LogSignal s = new LogSignal();
        s.setSeriesId("log.template|" + a.service + "|" + a.templateId);
        s.setKind(LogSignalKind.TEMPLATE_COUNT);
        s.setIntervalStartMs(ctx.window().getStart());
        s.setIntervalEndMs(ctx.window().getEnd());
        s.setResource(rc);
        s.setSeverity(a.severity);
        s.setCount(a.count);
        s.setTemplateId(a.templateId);
        s.setTemplate(a.template);
        s.setNewTemplate(a.newTemplate);
        s.setFirstSeenMs(a.firstSeenMs == Long.MAX_VALUE ? null : a.firstSeenMs);
        s.setSampleBody(a.sampleBody);
        s.setTraceIds(List.of(a.traceIds));
        out.collect(s);
      }
    }
  }
}
