package io.signalfold.correlation.internal;

/**
 * Proposes the hypotheses of one kind for a candidate. {@link HypothesisRanker} runs the generators
 * in a fixed order; a later one may read what an earlier one left on the board (the change
 * generator discounts changes that coincide with a planned activity, the resource generator defers
 * to a traffic surge or an instance factor), so the order is part of the ranking.
 */
interface HypothesisGenerator {

  /** Adds this kind's drafts, ruled-out explanations and linked changes to {@code out}. */
  void generate(RankingContext in, RankingBoard out);
}
