package io.signalfold.summarizer.internal;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.SummaryUpdates;
import io.signalfold.summarizer.DeterministicSummarizer;
import io.signalfold.summarizer.IncidentFacts;
import io.signalfold.summarizer.LlmConfig;
import io.signalfold.summarizer.LlmSummarizer;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Flink async I/O around {@link LlmSummarizer}: for each (provisional) candidate, emits exactly one
 * final record of the same version: the LLM summary when accepted, else the deterministic summary
 * with the fallback reason. The summarizer never blocks the operator thread; the operator's own
 * timeout only backs up the client's.
 */
public final class LlmSummaryFunction
    extends RichAsyncFunction<IncidentCandidate, IncidentCandidate> {

  private static final long serialVersionUID = 1L;

  private final LlmConfig config;
  private final Redactor redactor;
  private transient LlmSummarizer llm;
  private transient DeterministicSummarizer deterministic;
  private transient ExecutorService httpExecutor;
  private transient ScheduledExecutorService scheduler;
  private transient Counter accepted;
  private transient Counter fellBack;

  public LlmSummaryFunction(LlmConfig config, Redactor redactor) {
    this.config = config;
    this.redactor = redactor;
  }

  @Override
  public void open(OpenContext ctx) {
    ThreadFactory daemons = daemonThreads("signalfold-llm");
    httpExecutor = Executors.newFixedThreadPool(2, daemons);
    scheduler = Executors.newSingleThreadScheduledExecutor(daemons);
    llm =
        new LlmSummarizer(
            config,
            redactor,
            LlmSummarizer.newHttpClient(config, httpExecutor),
            scheduler,
            InstantSource.system());
    deterministic = new DeterministicSummarizer();
    accepted = getRuntimeContext().getMetricGroup().counter("summariesLlm");
    fellBack = getRuntimeContext().getMetricGroup().counter("summariesLlmFallback");
  }

  @Override
  public void asyncInvoke(IncidentCandidate c, ResultFuture<IncidentCandidate> out) {
    IncidentFacts facts;
    try {
      facts = IncidentFacts.extract(c, redactor);
    } catch (RuntimeException e) {
      fellBack.inc();
      out.complete(List.of(withFallback(c, null, "internal: " + e.getClass().getSimpleName())));
      return;
    }
    llm.summarize(facts)
        .whenComplete(
            (o, err) -> {
              if (o != null && o.accepted()) {
                accepted.inc();
                out.complete(
                    List.of(IncidentCandidate.newBuilder(c).setSummary(o.summary()).build()));
              } else {
                fellBack.inc();
                String reason = o != null ? o.fallbackReason() : "internal: " + err;
                out.complete(List.of(withFallback(c, facts, reason)));
              }
            });
  }

  @Override
  public void timeout(IncidentCandidate c, ResultFuture<IncidentCandidate> out) {
    fellBack.inc();
    out.complete(List.of(withFallback(c, null, "timeout: the async operator timed out")));
  }

  private IncidentCandidate withFallback(IncidentCandidate c, IncidentFacts facts, String reason) {
    IncidentSummary s;
    if (c.getSummary() != null
        && SummaryUpdates.DETERMINISTIC.equals(c.getSummary().getGenerator())) {
      s = IncidentSummary.newBuilder(c.getSummary()).build();
    } else {
      IncidentFacts f = facts != null ? facts : IncidentFacts.extract(c, redactor);
      s = deterministic.summarize(f);
    }
    s.setFallbackReason(reason);
    return IncidentCandidate.newBuilder(c).setSummary(s).build();
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (httpExecutor != null) {
      httpExecutor.shutdownNow();
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
