package io.signalfold.summarizer.internal;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.sinks.Redactor;
import io.signalfold.sinks.SummaryUpdates;
import io.signalfold.summarizer.DeterministicSummarizer;
import io.signalfold.summarizer.IncidentFacts;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Attaches the deterministic summary to every candidate, on the record's own path (no I/O). With
 * the LLM summarizer on, the summary is marked provisional ({@link SummaryUpdates#PENDING_PREFIX}).
 * A candidate that cannot be summarized is passed on unchanged and counted, never dropped.
 */
public final class DeterministicSummaryFunction
    extends RichMapFunction<IncidentCandidate, IncidentCandidate> {

  private static final long serialVersionUID = 1L;

  private final Redactor redactor;
  private final boolean llmFollows;
  private transient DeterministicSummarizer summarizer;
  private transient Counter summarized;
  private transient Counter failed;

  public DeterministicSummaryFunction(Redactor redactor, boolean llmFollows) {
    this.redactor = redactor;
    this.llmFollows = llmFollows;
  }

  @Override
  public void open(OpenContext ctx) {
    summarizer = new DeterministicSummarizer();
    summarized = getRuntimeContext().getMetricGroup().counter("summariesDeterministic");
    failed = getRuntimeContext().getMetricGroup().counter("summariesFailed");
  }

  @Override
  public IncidentCandidate map(IncidentCandidate c) {
    try {
      IncidentSummary s = summarizer.summarize(IncidentFacts.extract(c, redactor));
      if (llmFollows) {
        s.setFallbackReason(
            SummaryUpdates.PENDING_PREFIX + ": the LLM summary follows as an update");
      }
      summarized.inc();
      return IncidentCandidate.newBuilder(c).setSummary(s).build();
    } catch (RuntimeException e) {
      failed.inc();
      return c;
    }
  }
}
