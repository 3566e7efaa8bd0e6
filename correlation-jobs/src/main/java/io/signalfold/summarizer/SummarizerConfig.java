package io.signalfold.summarizer;

import io.signalfold.sinks.Redactor;
import java.io.Serializable;
import java.util.Optional;

/**
 * Configuration of the summarizer stage. {@link #defaults()}: deterministic summaries only, IP
 * addresses kept. {@link #withLlm(LlmConfig)} adds the LLM summarizer (see {@link
 * io.signalfold.sinks.SummaryUpdates} for the update semantics).
 */
public final class SummarizerConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  private final boolean redactIpAddresses;
  private final LlmConfig llm;

  private SummarizerConfig(boolean redactIpAddresses, LlmConfig llm) {
    this.redactIpAddresses = redactIpAddresses;
    this.llm = llm;
  }

  public static SummarizerConfig defaults() {
    return new SummarizerConfig(false, null);
  }

  public SummarizerConfig withRedactIpAddresses(boolean v) {
    return new SummarizerConfig(v, llm);
  }

  public SummarizerConfig withLlm(LlmConfig v) {
    return new SummarizerConfig(redactIpAddresses, v);
  }

  public boolean redactIpAddresses() {
    return redactIpAddresses;
  }

  public Optional<LlmConfig> llm() {
    return Optional.ofNullable(llm);
  }

  public Redactor redactor() {
    return Redactor.create(redactIpAddresses);
  }
}
