package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.correlation.RankingWeights;
import io.signalfold.correlation.internal.CandidateAnalysis.Node;
import io.signalfold.schema.ChangeEvent;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What every {@link HypothesisGenerator} reads while ranking one candidate: the analysed candidate,
 * the changes, the RED and inventory indexes, event time and the configuration. Generators do not
 * modify it; what they produce goes on the {@link RankingBoard}.
 */
final class RankingContext {

  final CorrelationConfig config;
  final RankingWeights weights;
  final EvidenceFactory evidence;
  final CandidateAnalysis analysis;
  final List<ChangeEvent> changes;
  final ImpactIndex impact;
  final InventoryIndex inventory;

  /** Event time of the ranking. */
  final long now;

  RankingContext(
      CorrelationConfig config,
      EvidenceFactory evidence,
      CandidateAnalysis analysis,
      List<ChangeEvent> changes,
      ImpactIndex impact,
      InventoryIndex inventory,
      long now) {
    this.config = config;
    this.weights = config.weights();
    this.evidence = evidence;
    this.analysis = analysis;
    this.changes = changes;
    this.impact = impact;
    this.inventory = inventory;
    this.now = now;
  }

  /**
   * Cites a node's signals (with their log templates) and its call edges to anomalous callees: what
   * a hypothesis placed on that node rests on.
   */
  void addNodeEvidence(HypothesisDraft d, @Nullable Node n) {
    if (n == null) {
      return;
    }
    for (SignalState s : n.all()) {
      d.addEvidence(evidence.signal(s));
      if (s.category == SignalCategory.LOG.ordinal()) {
        d.addEvidence(evidence.logTemplate(s));
      }
    }
    for (String callee : n.anomalousCallees) {
      if (analysis.graph.calleesOf(n.name).contains(callee)) {
        d.addEvidence(evidence.edge(n.name, callee, analysis.onsetMs));
      }
    }
  }
}
