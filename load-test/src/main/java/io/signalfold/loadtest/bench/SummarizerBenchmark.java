package io.signalfold.loadtest.bench;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.sinks.Redactor;
import io.signalfold.summarizer.DeterministicSummarizer;
import io.signalfold.summarizer.GroundingValidator;
import io.signalfold.summarizer.IncidentFacts;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Deterministic summaries per second and the per-candidate cost (with percentiles in SampleTime
 * mode): fact extraction (with redaction) plus the narrative, for open and resolved candidates
 * (resolved ones also get the post-incident report draft), and the grounding check.
 *
 * <pre>
 * mvn -B -q -pl load-test -am package -DskipTests
 * java -cp load-test/target/load-test.jar org.openjdk.jmh.Main SummarizerBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SummarizerBenchmark {

  private List<IncidentCandidate> candidates;
  private IncidentFacts resolvedFacts;
  private IncidentSummary resolvedSummary;
  private final Redactor redactor = Redactor.defaults();
  private final DeterministicSummarizer summarizer = new DeterministicSummarizer();
  private final GroundingValidator validator = GroundingValidator.create(Redactor.defaults());
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    candidates = BenchCandidates.all();
    resolvedFacts = IncidentFacts.extract(BenchCandidates.badDeployResolved(), redactor);
    resolvedSummary = summarizer.summarize(resolvedFacts);
  }

  /** One candidate version summarized: facts (redacted) + sentences (+ report when resolved). */
  @Benchmark
  @BenchmarkMode({Mode.Throughput})
  @OutputTimeUnit(TimeUnit.SECONDS)
  public IncidentSummary summariesPerSecond() {
    IncidentCandidate c = candidates.get(next++ & 3);
    return summarizer.summarize(IncidentFacts.extract(c, redactor));
  }

  /** The same, as a latency distribution (p50/p95/p99 per candidate). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public IncidentSummary summaryLatency() {
    IncidentCandidate c = candidates.get(next++ & 3);
    return summarizer.summarize(IncidentFacts.extract(c, redactor));
  }

  /** The grounding check an LLM answer goes through (here on the deterministic text). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public GroundingValidator.Verdict groundingCheck() {
    return validator.validate(resolvedFacts, resolvedSummary.getSentences());
  }
}
