package io.signalfold.summarizer;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.summarizer.internal.DeterministicSummaryFunction;
import io.signalfold.summarizer.internal.LlmSummaryFunction;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The summarizer stage: every candidate leaves with a summary.
 *
 * <pre>
 * candidates -> [deterministic summary] ----------------------------------> out (on time)
 *                          \-> [async LLM summary, bounded, timed out] ---> out (final update)
 * </pre>
 *
 * Without LLM config the first branch is all there is (each record final). With it, each candidate
 * version is emitted twice: at once with the provisional deterministic summary, then once more with
 * the final summary (LLM, or deterministic with the fallback reason); see {@link
 * io.signalfold.sinks.SummaryUpdates}. The LLM branch refuses work beyond its concurrency limit
 * instead of queueing, so a slow or dead endpoint never backpressures the first branch.
 */
public final class SummarizerStage {

  /** Uid of the deterministic summary operator. */
  public static final String DETERMINISTIC_UID = "summarizer-deterministic";

  /** Uid of the async LLM summary operator. */
  public static final String LLM_UID = "summarizer-llm";

  private SummarizerStage() {}

  public static DataStream<IncidentCandidate> build(
      DataStream<IncidentCandidate> candidates, SummarizerConfig config) {
    boolean llm = config.llm().isPresent();
    SingleOutputStreamOperator<IncidentCandidate> summarized =
        candidates
            .map(new DeterministicSummaryFunction(config.redactor(), llm))
            .uid(DETERMINISTIC_UID)
            .name("summarizer (deterministic)");
    if (!llm) {
      return summarized;
    }
    // The union below is a network exchange: flush each record at once instead of waiting for the
    // buffer timeout (100 ms by default). Candidates are few, so this costs nothing.
    summarized.setBufferTimeout(0);
    LlmConfig lc = config.llm().get();
    long timeoutMs = lc.worstCaseLatency().toMillis() + 5_000;
    // Capacity above the request limit: requests over the limit complete at once (refused), so
    // the queue never fills with waiting work.
    int capacity = Math.max(16, lc.maxConcurrentRequests() * 4);
    SingleOutputStreamOperator<IncidentCandidate> finals =
        AsyncDataStream.unorderedWait(
                summarized,
                new LlmSummaryFunction(lc, config.redactor()),
                timeoutMs,
                TimeUnit.MILLISECONDS,
                capacity)
            .uid(LLM_UID)
            .name("summarizer (llm)");
    finals.setBufferTimeout(0);
    return summarized.union(finals);
  }
}
