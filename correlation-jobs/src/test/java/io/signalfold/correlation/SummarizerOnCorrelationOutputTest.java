package io.signalfold.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;
import io.signalfold.schema.SummarySentence;
import io.signalfold.sinks.Redactor;
import io.signalfold.summarizer.DeterministicSummarizer;
import io.signalfold.summarizer.GroundingValidator;
import io.signalfold.summarizer.IncidentFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * (Summarizer owner's test, placed here for access to the correlation test drivers.) Every
 * candidate version the correlation engine produces for the synthetic incidents is summarized:
 * nothing throws, every sentence cites evidence of the candidate, and the deterministic text passes
 * the grounding validator that LLM answers must pass.
 */
class SummarizerOnCorrelationOutputTest {

  @Test
  void everyCorrelationCandidateGetsAGroundedSummary() {
    Map<String, LongFunction<Telemetry>> incidents =
        Map.ofEntries(
            Map.entry("deployCascade", SyntheticIncidents::deployCascade),
            Map.entry("manualSession", SyntheticIncidents::manualSession),
            Map.entry("dependencyThrottling", SyntheticIncidents::dependencyThrottling),
            Map.entry("scaledToZero", SyntheticIncidents::scaledToZero),
            Map.entry("deepChain", SyntheticIncidents::deepChain),
            Map.entry("sidecarLeak", SyntheticIncidents::sidecarLeak),
            Map.entry("plannedLoadTest", SyntheticIncidents::plannedLoadTest),
            Map.entry("deployLeak", SyntheticIncidents::deployLeak),
            Map.entry("permissionChange", SyntheticIncidents::permissionChange),
            Map.entry("zoneOutage", SyntheticIncidents::zoneOutage),
            Map.entry("cellDegradation", SyntheticIncidents::cellDegradation),
            Map.entry("restartLoop", SyntheticIncidents::restartLoop),
            Map.entry("configChange", SyntheticIncidents::configChange),
            Map.entry("trafficSurge", SyntheticIncidents::trafficSurge));
    Redactor redactor = Redactor.defaults();
    DeterministicSummarizer summarizer = new DeterministicSummarizer();
    GroundingValidator validator = GroundingValidator.create(redactor);
    List<String> problems = new ArrayList<>();
    int summarized = 0;
    for (Map.Entry<String, LongFunction<Telemetry>> e : incidents.entrySet()) {
      Telemetry t = e.getValue().apply(7);
      List<IncidentCandidate> candidates =
          new EngineDriver(SyntheticIncidents.config()).feed(t.sorted()).finish().candidates;
      for (IncidentCandidate c : candidates) {
        IncidentFacts facts = IncidentFacts.extract(c, redactor);
        IncidentSummary s = summarizer.summarize(facts);
        summarized++;
        for (SummarySentence x : s.getSentences()) {
          if (x.getCitations().isEmpty() || !facts.evidenceIds().containsAll(x.getCitations())) {
            problems.add(e.getKey() + " v" + c.getVersion() + " uncited: " + x.getText());
          }
        }
        GroundingValidator.Verdict v = validator.validate(facts, s.getSentences());
        if (!v.grounded()) {
          problems.add(e.getKey() + " v" + c.getVersion() + ": " + v.reason());
        }
      }
    }
    assertThat(summarized).isGreaterThan(incidents.size());
    assertThat(problems).isEmpty();
  }
}
