package io.signalfold.correlation;

import io.signalfold.correlation.internal.CorrelationInput;
import io.signalfold.correlation.internal.InventoryFact;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.CallEdge;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ExternalAlert;
import io.signalfold.schema.HypothesisFeedback;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.schema.MetricPoint;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.SloBurnAlert;
import java.util.ArrayList;
import java.util.List;

/** Public access to the synthetic fixtures for tests in other packages. */
public final class Inputs {

  private Inputs() {}

  /** A record with its event time. */
  public record Timed(long timeMs, Object value) {}

  public static CorrelationConfig config() {
    return SyntheticIncidents.config();
  }

  public static long minutes(double m) {
    return Telemetry.min(m);
  }

  public static List<Timed> deployCascade() {
    Telemetry t = SyntheticIncidents.deployCascade(11, Telemetry.min(-65), Telemetry.min(100));
    SyntheticIncidents.noise(t, Telemetry.min(-60), Telemetry.min(100));
    List<Timed> out = new ArrayList<>();
    for (Telemetry.Timed r : t.sorted()) {
      out.add(new Timed(r.timeMs(), r.value()));
    }
    return out;
  }

  public static int indexAfter(List<Timed> records, long t) {
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).timeMs() > t) {
        return i;
      }
    }
    return records.size();
  }

  public static List<IncidentCandidate> runInMemory(
      CorrelationConfig config, List<Timed> records, long ooo) {
    List<Telemetry.Timed> t = new ArrayList<>();
    for (Timed r : records) {
      t.add(new Telemetry.Timed(r.timeMs(), r.value()));
    }
    EngineDriver d =
        new EngineDriver(
            config, new io.signalfold.correlation.internal.InMemoryCorrelationState(), ooo);
    return d.feed(t).finish().candidates;
  }

  public static CorrelationInput toInput(Object v) {
    if (v instanceof Anomaly a) {
      return CorrelationInput.of(a);
    } else if (v instanceof SloBurnAlert a) {
      return CorrelationInput.of(a);
    } else if (v instanceof ChangeEvent c) {
      return CorrelationInput.of(c);
    } else if (v instanceof CallEdge e) {
      return CorrelationInput.of(e);
    } else if (v instanceof RedPoint r) {
      return CorrelationInput.of(r);
    } else if (v instanceof MetricPoint m) {
      return CorrelationInput.of(m);
    } else if (v instanceof ExternalAlert a) {
      return CorrelationInput.of(a);
    } else if (v instanceof HypothesisFeedback f) {
      return CorrelationInput.of(f);
    } else if (v instanceof InventoryFact f) {
      return CorrelationInput.of(f);
    }
    throw new IllegalArgumentException("not an input: " + v);
  }
}
