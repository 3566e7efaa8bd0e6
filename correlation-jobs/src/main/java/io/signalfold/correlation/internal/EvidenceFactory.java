package io.signalfold.correlation.internal;

import io.signalfold.correlation.CorrelationConfig;
import io.signalfold.schema.Anomaly;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.Evidence;
import io.signalfold.schema.EvidenceType;
import io.signalfold.schema.SeriesSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.annotation.Nullable;

/** Builds the Evidence records cited by hypotheses and summaries. */
final class EvidenceFactory {

  private final CorrelationConfig config;

  EvidenceFactory(CorrelationConfig config) {
    this.config = config;
  }

  static String fmt(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 0.01 || a >= 1e6)) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    return String.format(Locale.ROOT, a < 10 ? "%.3f" : "%.1f", v);
  }

  static String time(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }

  static String entityOf(SignalState s) {
    if (s.service != null && s.peer != null) {
      return s.service + "->" + s.peer;
    }
    if (s.service != null) {
      return s.instance != null ? s.service + "/" + s.instance : s.service;
    }
    return s.instance != null ? s.instance : s.seriesId;
  }

  /** Evidence for one signal: value against expected, samples for charts, traces, log template. */
  Evidence signal(SignalState s) {
    SignalCategory cat = SignalCategory.of(s.category);
    EvidenceType type =
        switch (s.source) {
          case SignalState.SLO_ALERT -> EvidenceType.SLO_ALERT;
          case SignalState.EXTERNAL_ALERT -> EvidenceType.EXTERNAL_ALERT;
          case SignalState.TOPOLOGY -> EvidenceType.TOPOLOGY;
          default -> EvidenceType.ANOMALY;
        };
    StringBuilder d = new StringBuilder();
    d.append(cat.label()).append(" on ").append(entityOf(s)).append(": ");
    d.append(s.signal).append(' ').append(fmt(s.value));
    if (s.source == SignalState.SLO_ALERT) {
      d.append("x burn rate (threshold ").append(fmt(s.expected)).append("x)");
    } else if (s.source != SignalState.EXTERNAL_ALERT) {
      d.append(" vs expected ").append(fmt(s.expected));
      d.append(" [").append(fmt(s.lower)).append(", ").append(fmt(s.upper)).append(']');
    }
    d.append(" since ").append(time(s.onsetMs));
    if (s.version != null) {
      d.append(", version ").append(s.version);
    }
    if (s.recurring) {
      d.append(" (recurring at this time of day/week)");
    }
    if (!s.active) {
      d.append(", recovered ").append(time(s.recoveredMs));
    }
    List<String> traces = new ArrayList<>();
    String template = null;
    Long count = null;
    Anomaly a = s.anomaly;
    if (a != null && a.getEvidence() != null) {
      if (a.getEvidence().getTraceIds() != null) {
        for (String t : a.getEvidence().getTraceIds()) {
          if (traces.size() < 5) {
            traces.add(t);
          }
        }
      }
      template = a.getEvidence().getLogTemplate();
    }
    if (cat == SignalCategory.LOG) {
      count = Math.round(s.logCount);
    }
    return Evidence.newBuilder()
        .setId(s.id)
        .setType(type)
        .setEntity(entityOf(s))
        .setSignal(s.signal)
        .setDescription(d.toString())
        .setTimestampMs(s.onsetMs)
        .setValue(s.source == SignalState.EXTERNAL_ALERT ? null : s.value)
        .setExpected(s.source == SignalState.EXTERNAL_ALERT ? null : s.expected)
        .setCount(count)
        .setTraceIds(traces)
        .setLogTemplate(template)
        .setSamples(samples(s))
        .build();
  }

  private List<SeriesSample> samples(SignalState s) {
    List<SeriesSample> out = new ArrayList<>();
    int max = config.maxSamples();
    Anomaly a = s.anomaly;
    if (a != null && a.getRecent() != null) {
      out.addAll(a.getRecent());
    }
    if (s.later != null) {
      long last = out.isEmpty() ? Long.MIN_VALUE : out.get(out.size() - 1).getTimestampMs();
      for (SeriesSample p : s.later) {
        if (p.getTimestampMs() > last) {
          out.add(p);
        }
      }
    }
    if (out.size() > max) {
      // Keep the onset context and the latest points.
      int head = max / 2;
      List<SeriesSample> cut = new ArrayList<>(out.subList(0, head));
      cut.addAll(out.subList(out.size() - (max - head), out.size()));
      return cut;
    }
    return out;
  }

  /** Log-template evidence of a LOG signal, citing the template id when the detector gave one. */
  @Nullable
  Evidence logTemplate(SignalState s) {
    Anomaly a = s.anomaly;
    if (a == null || a.getEvidence() == null) {
      return null;
    }
    String template = a.getEvidence().getLogTemplate();
    String templateId = a.getEvidence().getLogTemplateId();
    if (template == null && templateId == null) {
      return null;
    }
    String id = templateId != null ? templateId : "tmpl-" + StableIds.hash(template);
    return Evidence.newBuilder()
        .setId(id)
        .setType(EvidenceType.LOG_TEMPLATE)
        .setEntity(entityOf(s))
        .setSignal(s.signal)
        .setDescription(
            "log template on "
                + entityOf(s)
                + " ("
                + Math.round(s.logCount)
                + " records since "
                + time(s.onsetMs)
                + ")")
        .setTimestampMs(s.onsetMs)
        .setCount(Math.round(s.logCount))
        .setLogTemplate(template)
        .setTraceIds(
            a.getEvidence().getTraceIds() == null
                ? List.of()
                : new ArrayList<>(a.getEvidence().getTraceIds()))
        .build();
  }

  Evidence change(ChangeEvent c) {
    return Evidence.newBuilder()
        .setId(c.getId())
        .setType(EvidenceType.CHANGE)
        .setEntity(changeEntity(c))
        .setSignal(null)
        .setDescription(describe(c))
        .setTimestampMs(c.getTimestampMs())
        .build();
  }

  @Nullable
  static String changeEntity(ChangeEvent c) {
    if (c.getInstance() != null) {
      return c.getInstance();
    }
    if (c.getResourceName() != null) {
      return c.getResourceName();
    }
    return c.getService();
  }

  /** One line describing a change with its actual rollout time. */
  static String describe(ChangeEvent c) {
    StringBuilder d = new StringBuilder(c.getKind().name().toLowerCase(Locale.ROOT));
    if (c.getService() != null) {
      d.append(' ').append(c.getService());
    }
    switch (c.getKind()) {
      case DEPLOY, ROLLBACK -> {
        if (c.getVersion() != null) {
          d.append(' ');
          if (c.getPreviousVersion() != null) {
            d.append(c.getPreviousVersion()).append(" -> ");
          }
          d.append(c.getVersion());
        }
        if (c.getCommit() != null) {
          d.append(" (commit ").append(c.getCommit()).append(')');
        }
      }
      case CONFIG, FEATURE_FLAG -> {
        if (c.getKey() != null) {
          d.append(' ').append(c.getKey());
          if (c.getOldValue() != null || c.getNewValue() != null) {
            d.append(": ").append(c.getOldValue()).append(" -> ").append(c.getNewValue());
          }
        }
      }
      case SCALE -> {
        if (c.getReplicas() != null) {
          d.append(" to ").append(c.getReplicas()).append(" replicas");
        }
      }
      case MANUAL_SESSION -> {
        if (c.getActor() != null) {
          d.append(" by ").append(c.getActor());
        }
        if (c.getInstance() != null) {
          d.append(" on host ").append(c.getInstance());
        }
      }
      case PERMISSION -> {
        if (c.getResourceName() != null) {
          d.append(" on ").append(c.getResourceName());
        }
        if (c.getEffect() != null) {
          d.append(" (").append(c.getEffect()).append(')');
        }
      }
      case PLANNED_ACTIVITY -> {
        if (c.getDescription() != null) {
          d.append(": ").append(c.getDescription());
        }
        if (c.getActivityStartMs() != null && c.getActivityEndMs() != null) {
          d.append(" from ")
              .append(time(c.getActivityStartMs()))
              .append(" to ")
              .append(time(c.getActivityEndMs()));
        }
      }
      case MERGE -> {
        if (c.getCommit() != null) {
          d.append(" commit ").append(c.getCommit());
        }
      }
      default -> {}
    }
    if (c.getKind() != io.signalfold.schema.ChangeKind.MERGE) {
      d.append(", rolled out ").append(time(c.getTimestampMs()));
    } else {
      d.append(", merged ").append(time(c.getTimestampMs()));
    }
    if (c.getDerived()) {
      d.append(" (derived from telemetry)");
    }
    return d.toString();
  }

  /** Sample failing (or slow) traces of a RED series. */
  List<Evidence> traces(RedSeriesState s, long at) {
    List<Evidence> out = new ArrayList<>();
    String[] ids = s.errorTraceIds.length > 0 ? s.errorTraceIds : s.slowTraceIds;
    String what = s.errorTraceIds.length > 0 ? "failing" : "slow";
    String where =
        s.service
            + (s.operation == null || s.operation.equals("*") ? "" : " " + s.operation)
            + (s.peer == null ? "" : " -> " + s.peer);
    for (int i = 0; i < ids.length && i < 3; i++) {
      out.add(
          Evidence.newBuilder()
              .setId(ids[i])
              .setType(EvidenceType.TRACE)
              .setEntity(s.peer != null ? s.service + "->" + s.peer : s.service)
              .setSignal("trace")
              .setDescription("sample " + what + " trace of " + where)
              .setTimestampMs(at)
              .setTraceIds(List.of(ids[i]))
              .build());
    }
    return out;
  }

  /** Failure-rate evidence from RED totals. */
  Evidence redFailure(
      RedSeriesState s, double requests, double errors, @Nullable Double baseline, long onset) {
    String where =
        s.service
            + (s.operation == null || s.operation.equals("*") ? "" : " " + s.operation)
            + (s.peer == null ? "" : " -> " + s.peer);
    double rate = requests > 0 ? errors / requests : 0;
    return Evidence.newBuilder()
        .setId("red:" + ImpactIndex.keyOf(s))
        .setType(EvidenceType.METRIC)
        .setEntity(s.peer != null ? s.service + "->" + s.peer : s.service)
        .setSignal("failure_rate")
        .setDescription(
            "failure rate of "
                + where
                + " since "
                + time(onset)
                + ": "
                + fmt(rate)
                + (baseline == null ? "" : " vs " + fmt(baseline) + " before onset")
                + " ("
                + Math.round(errors)
                + " of "
                + Math.round(requests)
                + " requests)")
        .setTimestampMs(onset)
        .setValue(rate)
        .setExpected(baseline)
        .setCount(Math.round(errors))
        .setTraceIds(List.of(s.errorTraceIds))
        .build();
  }

  Evidence edge(String caller, String callee, long onset) {
    return Evidence.newBuilder()
        .setId("edge:" + caller + "->" + callee)
        .setType(EvidenceType.TOPOLOGY)
        .setEntity(caller + "->" + callee)
        .setSignal("call_graph")
        .setDescription(caller + " calls " + callee + " (call graph as of " + time(onset) + ")")
        .setTimestampMs(onset)
        .build();
  }
}
