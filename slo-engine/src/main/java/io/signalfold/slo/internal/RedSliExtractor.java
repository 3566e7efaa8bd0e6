package io.signalfold.slo.internal;

import io.signalfold.schema.ExponentialHistogram;
import io.signalfold.schema.RedPoint;
import io.signalfold.schema.ResourceContext;
import io.signalfold.schema.SpanKind;
import io.signalfold.slo.GroupDimension;
import io.signalfold.slo.Sli;
import io.signalfold.slo.SloDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Availability and latency SLIs from RedPoints: the SERVER spans of the SLO's service. One sample
 * per matching SLO per point; points of several instances in one interval add up in the same
 * bucket, so per-instance breakdowns are summed per group, never counted twice.
 *
 * <p>Ingest emits each request several times: in its operation series, in the whole-service rollup
 * (operation {@code '*'}, no instance, zone or cell in the resource) and in a rollup per value of
 * each rollup dimension (by default per instance: operation {@code '*'} with instance, zone, cell
 * and version in the resource). Exactly one level is read per SLO, so nothing is counted twice:
 *
 * <ul>
 *   <li>an SLO naming an operation, or grouped by operation: the operation series (summed over any
 *       breakdown the operation series have);
 *   <li>grouped by zone and/or cell (not operation): the per-instance rollup, summed per group;
 *   <li>otherwise: the whole-service rollup.
 * </ul>
 *
 * <p>Without a configured rollup operation (null), service-level SLOs sum the operation series.
 */
public final class RedSliExtractor extends RichFlatMapFunction<RedPoint, SliSample> {

  private static final long serialVersionUID = 1L;

  private final List<SloDefinition> slos;
  private final String rollup;
  private transient Map<String, int[]> byService;
  private transient Counter invalid;
  private transient Counter noHistogram;

  public RedSliExtractor(List<SloDefinition> slos, String rollupOperation) {
    this.slos = List.copyOf(slos);
    this.rollup = rollupOperation;
  }

  @Override
  public void open(OpenContext context) {
    byService = index(slos);
    invalid = getRuntimeContext().getMetricGroup().counter("invalidRedPoints");
    noHistogram = getRuntimeContext().getMetricGroup().counter("redPointsWithoutLatencyHistogram");
  }

  static Map<String, int[]> index(List<SloDefinition> slos) {
    Map<String, List<Integer>> m = new HashMap<>();
    for (int i = 0; i < slos.size(); i++) {
      Sli sli = slos.get(i).sli();
      boolean spans =
          sli instanceof Sli.Availability
              || (sli instanceof Sli.Latency && ((Sli.Latency) sli).histogram() == null);
      if (spans) {
        m.computeIfAbsent(slos.get(i).service(), k -> new ArrayList<>()).add(i);
      }
    }
    Map<String, int[]> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  @Override
  public void flatMap(RedPoint p, Collector<SliSample> out) {
    if (byService == null) {
      byService = index(slos);
    }
    if (p.getSpanKind() != SpanKind.SERVER) {
      return;
    }
    int[] matches = byService.get(p.getService());
    if (matches == null) {
      return;
    }
    double requests = p.getRequests();
    double errors = p.getErrors();
    if (!(requests >= 0) || !(errors >= 0) || errors > requests || Double.isInfinite(requests)) {
      count(invalid);
      return;
    }
    String op = p.getOperation();
    for (int i : matches) {
      SloDefinition slo = slos.get(i);
      String wanted =
          slo.sli() instanceof Sli.Availability
              ? ((Sli.Availability) slo.sli()).operation()
              : ((Sli.Latency) slo.sli()).operation();
      if (!selects(slo, wanted, op, p.getResource())) {
        continue;
      }
      String key = SliKeys.key(slo.name(), GroupKeys.of(slo.groupBy(), op, p.getResource()));
      long t = p.getIntervalEndMs();
      if (slo.sli() instanceof Sli.Availability) {
        out.collect(new SliSample(key, t, errors, requests));
      } else {
        ExponentialHistogram h = p.getLatency();
        double total = h == null ? 0 : LatencyShare.total(h);
        if (total <= 0) {
          if (requests > 0) {
            count(noHistogram);
          }
          continue;
        }
        double good = LatencyShare.atOrBelow(h, ((Sli.Latency) slo.sli()).thresholdMs());
        out.collect(new SliSample(key, t, total - good, total));
      }
    }
  }

  /** Whether point (op, resource) is the one level of RED series this SLO reads. */
  private boolean selects(SloDefinition slo, String wanted, String op, ResourceContext r) {
    boolean isRollup = rollup != null && rollup.equals(op);
    if (wanted != null) {
      return !isRollup && wanted.equals(op);
    }
    if (slo.groupBy().contains(GroupDimension.OPERATION) || rollup == null) {
      return !isRollup;
    }
    if (!isRollup) {
      return false;
    }
    boolean perInstance = r != null && r.getInstance() != null;
    boolean wholeService =
        r == null
            || (r.getInstance() == null
                && r.getZone() == null
                && r.getCell() == null
                && r.getServiceVersion() == null
                && r.getContainer() == null);
    boolean byZoneOrCell =
        slo.groupBy().contains(GroupDimension.ZONE) || slo.groupBy().contains(GroupDimension.CELL);
    return byZoneOrCell ? perInstance : wholeService;
  }

  private static void count(Counter c) {
    if (c != null) {
      c.inc();
    }
  }
}
