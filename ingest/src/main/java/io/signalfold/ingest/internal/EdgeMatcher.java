package io.signalfold.ingest.internal;

import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.DependencyKind;
import io.signalfold.schema.EdgeResolution;
import io.signalfold.schema.SpanKind;
import java.util.ArrayList;
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
 * Resolves call-graph edges per trace (the key). A CLIENT span and a SERVER span whose parent is
 * that client span, in different services, make a PARENT_CHILD edge; whichever arrives first waits
 * in keyed state for at most the match window. Client spans to dependencies without telemetry of
 * their own (db.system, messaging.system, PRODUCER spans) make a PEER_ATTRIBUTE edge at once; a
 * client span whose server side never shows up makes a PEER_ATTRIBUTE edge to the peer its
 * attributes name (peer.service, server.address) when the window closes. An event-time timer clears
 * the trace's state.
 *
 * <p>Edges resolved when the window closes carry the timer's time, so they may fall one interval
 * after the call; matched and external edges carry the span's own time.
 */
public final class EdgeMatcher extends KeyedProcessFunction<String, SpanRecord, EdgeObservation> {

  private static final long serialVersionUID = 1L;

  private final long windowMs;
  private transient MapState<String, SpanRecord> clients;
  private transient MapState<String, SpanRecord> servers;
  private transient ValueState<Long> timer;
  private transient Counter unresolved;

  public EdgeMatcher(IngestConfig config) {
    this.windowMs = config.edgeMatchWindow().toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    TypeInformation<SpanRecord> spanType = TypeInformation.of(SpanRecord.class);
    clients =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("pending-clients", Types.STRING, spanType));
    servers =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("pending-servers", Types.STRING, spanType));
    timer = getRuntimeContext().getState(new ValueStateDescriptor<>("edge-timer", Types.LONG));
    unresolved =
        getRuntimeContext().getMetricGroup().addGroup("ingest").counter("unresolvedClientSpans");
  }

  @Override
  public void processElement(SpanRecord s, Context ctx, Collector<EdgeObservation> out)
      throws Exception {
    boolean client = s.kind == SpanKind.CLIENT || s.kind == SpanKind.PRODUCER;
    boolean server = s.kind == SpanKind.SERVER || s.kind == SpanKind.CONSUMER;
    if (client && s.external) {
      if (s.peer != null) {
        out.collect(
            EdgeObservation.of(
                s, s.peer, null, s.peerKind, s.peerSystem, EdgeResolution.PEER_ATTRIBUTE));
      } else {
        unresolved.inc();
      }
      return;
    }
    if (client) {
      SpanRecord child = servers.get(s.spanId);
      if (child != null) {
        servers.remove(s.spanId);
        emitMatch(s, child, out);
      } else {
        clients.put(s.spanId, s);
        schedule(s.startMs, ctx);
      }
    } else if (server && !s.parentSpanId.isEmpty()) {
      SpanRecord parent = clients.get(s.parentSpanId);
      if (parent != null) {
        clients.remove(s.parentSpanId);
        emitMatch(parent, s, out);
      } else {
        servers.put(s.parentSpanId, s);
        schedule(s.startMs, ctx);
      }
    }
  }

  private void emitMatch(SpanRecord client, SpanRecord server, Collector<EdgeObservation> out) {
    if (client.service.equals(server.service)) {
      return; // a call inside one service is not an edge of the service graph
    }
    out.collect(
        EdgeObservation.of(
            client,
            server.service,
            server.operation,
            DependencyKind.SERVICE,
            client.peerSystem,
            EdgeResolution.PARENT_CHILD));
  }

  private void schedule(long startMs, Context ctx) throws Exception {
    Long t = timer.value();
    long due = startMs + windowMs;
    if (t == null) {
      ctx.timerService().registerEventTimeTimer(due);
      timer.update(due);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EdgeObservation> out)
      throws Exception {
    long next = Long.MAX_VALUE;
    List<String> done = new ArrayList<>();
    for (Map.Entry<String, SpanRecord> e : clients.entries()) {
      SpanRecord c = e.getValue();
      if (c.startMs + windowMs <= timestamp) {
        done.add(e.getKey());
        if (c.peer != null) {
          out.collect(
              EdgeObservation.of(
                  c, c.peer, null, c.peerKind, c.peerSystem, EdgeResolution.PEER_ATTRIBUTE));
        } else {
          unresolved.inc();
        }
      } else {
        next = Math.min(next, c.startMs + windowMs);
      }
    }
    for (String k : done) {
      clients.remove(k);
    }
    done.clear();
    for (Map.Entry<String, SpanRecord> e : servers.entries()) {
      SpanRecord s = e.getValue();
      if (s.startMs + windowMs <= timestamp) {
        done.add(e.getKey());
      } else {
        next = Math.min(next, s.startMs + windowMs);
      }
    }
    for (String k : done) {
      servers.remove(k);
    }
    if (next == Long.MAX_VALUE) {
      clients.clear();
      servers.clear();
      timer.clear();
    } else {
      ctx.timerService().registerEventTimeTimer(next);
      timer.update(next);
    }
  }
}
