package io.signalfold.loadtest.bench;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.testing.Candidates;
import java.util.List;

/** Realistic candidates for the summarizer and sink benchmarks (the shared scenario fixtures). */
final class BenchCandidates {

  private BenchCandidates() {}

  static List<IncidentCandidate> all() {
    return List.of(
        Candidates.badDeployOpen(),
        Candidates.badDeployResolved(),
        Candidates.throttlingOpen(),
        Candidates.throttlingResolved());
  }

  static IncidentCandidate badDeployResolved() {
    return Candidates.badDeployResolved();
  }

  /** Candidate {@code i} of a stream: a fresh id so nothing is cached. */
  static IncidentCandidate numbered(int i) {
    IncidentCandidate c = (i & 1) == 0 ? Candidates.badDeployOpen() : Candidates.throttlingOpen();
    c.setId("bench-" + i);
    return c;
  }
}
