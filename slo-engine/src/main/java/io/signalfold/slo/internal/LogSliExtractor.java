package io.signalfold.slo.internal;

import io.signalfold.schema.LogSignal;
import io.signalfold.schema.LogSignalKind;
import io.signalfold.slo.SeriesSelector;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Log-derived ratio SLIs from LogSignal counts: severity totals (SEVERITY_COUNT records) or the
 * counts of mined templates (TEMPLATE_COUNT records), never both for one selector, so a line is not
 * counted twice.
 */
public final class LogSliExtractor extends RichFlatMapFunction<LogSignal, SliSample> {

  private static final long serialVersionUID = 1L;

  private record Entry(int slo, int side, SeriesSelector.Logs selector, Pattern glob) {}

  private static final int GOOD = 0;
  private static final int BAD = 1;
  private static final int TOTAL_OF_GOOD = 2;
  private static final int TOTAL_OF_BAD = 3;

  private final List<SloDefinition> slos;
  private transient List<Entry> entries;
  private transient Counter invalid;

  public LogSliExtractor(List<SloDefinition> slos) {
    this.slos = List.copyOf(slos);
  }

  @Override
  public void open(OpenContext context) {
    entries = index(slos);
    invalid = getRuntimeContext().getMetricGroup().counter("invalidLogSignals");
  }

  private static List<Entry> index(List<SloDefinition> slos) {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < slos.size(); i++) {
      if (slos.get(i).sli() instanceof Sli.Ratio) {
        Sli.Ratio r = (Sli.Ratio) slos.get(i).sli();
        if (r.numerator() instanceof SeriesSelector.Logs) {
          SeriesSelector.Logs s = (SeriesSelector.Logs) r.numerator();
          out.add(new Entry(i, r.numeratorIsGood() ? GOOD : BAD, s, glob(s.templateGlob())));
        }
        if (r.total() instanceof SeriesSelector.Logs) {
          SeriesSelector.Logs s = (SeriesSelector.Logs) r.total();
          int side = r.numeratorIsGood() ? TOTAL_OF_GOOD : TOTAL_OF_BAD;
          out.add(new Entry(i, side, s, glob(s.templateGlob())));
        }
      }
    }
    return out;
  }

  static Pattern glob(String glob) {
    if (glob == null) {
      return null;
    }
    StringBuilder re = new StringBuilder();
    for (String part : glob.split("\\*", -1)) {
      if (re.length() > 0) {
        re.append(".*");
      }
      re.append(Pattern.quote(part));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  @Override
  public void flatMap(LogSignal s, Collector<SliSample> out) {
    if (entries == null) {
      entries = index(slos);
    }
    if (entries.isEmpty()) {
      return;
    }
    long count = s.getCount();
    if (count < 0) {
      if (invalid != null) {
        invalid.inc();
      }
      return;
    }
    String service = s.getResource() == null ? null : s.getResource().getService();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      SloDefinition slo = slos.get(e.slo());
      SeriesSelector.Logs sel = e.selector();
      String wanted = sel.service() == null ? slo.service() : sel.service();
      if (!"*".equals(wanted) && !wanted.equals(service)) {
        continue;
      }
      if (sel.byTemplate()) {
        if (s.getKind() != LogSignalKind.TEMPLATE_COUNT) {
          continue;
        }
        if (sel.templateId() != null && !sel.templateId().equals(s.getTemplateId())) {
          continue;
        }
        if (e.glob() != null
            && (s.getTemplate() == null || !e.glob().matcher(s.getTemplate()).matches())) {
          continue;
        }
      } else if (s.getKind() != LogSignalKind.SEVERITY_COUNT
          || (!sel.severities().isEmpty() && !sel.severities().contains(s.getSeverity()))) {
        continue;
      }
      String key = SliKeys.key(slo.name(), GroupKeys.of(slo.groupBy(), null, s.getResource()));
      long t = s.getIntervalEndMs();
      double v = count;
      if (e.side() == GOOD) {
        out.collect(new SliSample(key, t, -v, 0));
      } else if (e.side() == BAD) {
        out.collect(new SliSample(key, t, v, 0));
      } else if (e.side() == TOTAL_OF_GOOD) {
        out.collect(new SliSample(key, t, v, v)); // bad = total - good: the total counts in
      } else {
        out.collect(new SliSample(key, t, 0, v));
      }
    }
  }
}
