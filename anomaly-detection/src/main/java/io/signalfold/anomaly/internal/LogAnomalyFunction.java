package io.signalfold.anomaly.internal;

import io.signalfold.anomaly.AnomalyConfig;
import io.signalfold.anomaly.core.SeriesSpec;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.AnomalyEvidence;
import io.signalfold.schema.AnomalyKind;
import io.signalfold.schema.AnomalyPhase;
import io.signalfold.schema.AnomalyTier;
import io.signalfold.schema.Direction;
import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.Severity;
import io.signalfold.schema.SignalClass;
import io.signalfold.schema.SignalSource;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.util.Collector;

/**
 * Log series: the rate (per second, Poisson noise over the interval) of one mined template or of
 * one severity of a service. A template surging against its own baseline is LOG_SURGE; a template
 * the miner saw for the first time (after the service's warm-up, see {@link SeriesCapFunction}) is
 * NEW_LOG_TEMPLATE at once: ALARM when its severity is ERROR or FATAL, INVESTIGATE otherwise. New
 * templates are point events: they publish OPEN only. A log series going silent is not an anomaly.
 */
public final class LogAnomalyFunction extends SeriesAnomalyFunction<LogSignal> {

  private static final long serialVersionUID = 1L;

  public LogAnomalyFunction(AnomalyConfig config) {
    super(config, 1);
  }

  @Override
  protected boolean missingDataApplies() {
    return false;
  }

  @Override
  protected long timestampOf(LogSignal l) {
    return l.getIntervalEndMs();
  }

  @Override
  protected String signalOf(int slot, LogSignal l) {
    return l.getKind() == LogSignalKind.TEMPLATE_COUNT
        ? "log.template.count"
        : "log." + l.getSeverity().name().toLowerCase(Locale.ROOT) + ".count";
  }

  @Override
  protected SeriesSpec.NoiseModel noiseOf(int slot) {
    return SeriesSpec.NoiseModel.POISSON;
  }

  private static double seconds(LogSignal l) {
    return Math.max(1e-3, (l.getIntervalEndMs() - l.getIntervalStartMs()) / 1000.0);
  }

  @Override
  protected double valueOf(int slot, LogSignal l) {
    return l.getCount() / seconds(l);
  }

  @Override
  protected double trialsOf(int slot, LogSignal l) {
    return seconds(l);
  }

  @Override
  protected SignalSource source() {
    return SignalSource.LOG;
  }

  @Override
  protected ResourceContext resourceOf(LogSignal l) {
    return l.getResource();
  }

  @Override
  protected Map<String, String> attributesOf(LogSignal l) {
    Map<String, String> a = new HashMap<>();
    a.put("log.severity", l.getSeverity().name());
    if (l.getTemplateId() != null) {
      a.put("log.template.id", l.getTemplateId());
    }
    return a;
  }

  @Override
  protected AnomalyKind kindOf(int slot, AnomalyKind kind) {
    return switch (kind) {
      case SPIKE, LEVEL_SHIFT -> AnomalyKind.LOG_SURGE;
      default -> kind;
    };
  }

  @Override
  protected void evidence(int slot, LogSignal l, AnomalyEvidence.Builder evidence) {
    evidence.setLogTemplateId(l.getTemplateId());
    evidence.setLogTemplate(l.getTemplate());
    evidence.setSampleMessage(l.getSampleBody());
    List<String> ids = l.getTraceIds();
    evidence.setTraceIds(List.copyOf(ids.subList(0, Math.min(ids.size(), 5))));
  }

  @Override
  protected void extra(LogSignal l, Anomaly id, Collector<Anomaly> out) {
    if (l.getKind() != LogSignalKind.TEMPLATE_COUNT || !l.getNewTemplate()) {
      return;
    }
    boolean severe = l.getSeverity() == Severity.ERROR || l.getSeverity() == Severity.FATAL;
    long onset = l.getFirstSeenMs() != null ? l.getFirstSeenMs() : l.getIntervalStartMs();
    AnomalyEvidence.Builder ev = AnomalyEvidence.newBuilder();
    evidence(0, l, ev);
    ev.setLink(config.linkTo(id.getSeriesId(), "log.template.count"));
    Map<String, String> attributes = new HashMap<>(id.getAttributes());
    attributes.keySet().removeIf(k -> k.startsWith("signal."));
    double rate = valueOf(0, l);
    out.collect(
        Anomaly.newBuilder(id)
            .setId(
                anomalyId(
                    id.getSeriesId(), "log.template.count", AnomalyKind.NEW_LOG_TEMPLATE, onset))
            .setSignal("log.template.count")
            .setTimestampMs(l.getIntervalEndMs())
            .setOnsetMs(onset)
            .setPhase(AnomalyPhase.OPEN)
            .setAttributes(attributes)
            .setValue(rate)
            .setExpected(0.0)
            .setLower(0.0)
            .setUpper(0.0)
            .setScore(severe ? 0.9 : 0.6)
            .setDirection(Direction.UP)
            .setKind(AnomalyKind.NEW_LOG_TEMPLATE)
            .setSignalClass(SignalClass.LAGGING)
            .setTier(severe ? AnomalyTier.ALARM : AnomalyTier.INVESTIGATE)
            .setHistoryPoints(0)
            .setHistoryMs(0)
            .setEvidence(ev.build())
            .setDetector("signalfold.logs/new_template")
            .build());
  }
}
