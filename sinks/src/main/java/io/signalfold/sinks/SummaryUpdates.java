package io.signalfold.sinks;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.IncidentSummary;

/**
 * The update semantics of summaries on {@code incident-candidates}, shared by the summarizer that
 * writes them and every consumer that dedupes them.
 *
 * <p>Each candidate version is emitted once with the deterministic summary, on time. With the LLM
 * summarizer enabled that first record is <em>provisional</em> ({@code fallbackReason} starts with
 * {@link #PENDING_PREFIX}) and exactly one <em>final</em> record for the same (id, version)
 * follows: either {@code generator = "llm:<model>"} with no fallback reason, or {@code generator =
 * "deterministic"} with the reason the LLM text was not used. Without the LLM summarizer the first
 * record is already final. Consumers key by (candidate id, version), keep the highest version, and
 * within one version let a final record replace a provisional one, never the other way round
 * ({@link #supersedes}).
 */
public final class SummaryUpdates {

  /** Generator name of the embedded, model-free summarizer. */
  public static final String DETERMINISTIC = "deterministic";

  /** Generator prefix of LLM-written summaries: {@code llm:<model>}. */
  public static final String LLM_PREFIX = "llm:";

  /** Fallback-reason prefix of a provisional summary whose LLM update is still to come. */
  public static final String PENDING_PREFIX = "llm-pending";

  private SummaryUpdates() {}

  /** True when another record for the same candidate version will follow with the final text. */
  public static boolean isProvisional(IncidentSummary summary) {
    return summary != null
        && summary.getFallbackReason() != null
        && summary.getFallbackReason().startsWith(PENDING_PREFIX);
  }

  /** True when the summary was written by an LLM (and passed the grounding check). */
  public static boolean isLlm(IncidentSummary summary) {
    return summary != null && summary.getGenerator().startsWith(LLM_PREFIX);
  }

  /**
   * A short, stable tag of the summary revision: {@code p} provisional, {@code llm} LLM-written,
   * {@code d} deterministic final, {@code none} without a summary. Part of CloudEvent ids.
   */
  public static String revisionTag(IncidentSummary summary) {
    if (summary == null) {
      return "none";
    }
    if (isProvisional(summary)) {
      return "p";
    }
    return isLlm(summary) ? "llm" : "d";
  }

  /**
   * True when {@code next} should replace {@code current} in a consumer's view of a candidate:
   * higher version, or same version and {@code current} is provisional while {@code next} is not.
   */
  public static boolean supersedes(IncidentCandidate next, IncidentCandidate current) {
    if (current == null) {
      return true;
    }
    if (!next.getId().equals(current.getId())) {
      throw new IllegalArgumentException("different candidates");
    }
    if (next.getVersion() != current.getVersion()) {
      return next.getVersion() > current.getVersion();
    }
    return isProvisional(current.getSummary()) && !isProvisional(next.getSummary());
  }
}
