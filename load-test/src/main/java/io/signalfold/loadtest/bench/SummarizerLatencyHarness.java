package io.signalfold.loadtest.bench;

import com.sun.net.httpserver.HttpServer;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.SummaryUpdates;
import io.signalfold.summarizer.LlmConfig;
import io.signalfold.summarizer.SummarizerConfig;
import io.signalfold.summarizer.SummarizerStage;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Measures, on a local MiniCluster (parallelism 2), the wall-clock delay from a candidate entering
 * the summarizer stage to its summarized record leaving it, for: no summarizer (baseline), the
 * deterministic summarizer, and the LLM summarizer with the endpoint down (connection refused) or
 * slow (answers after 3 s, request timeout 1 s). Candidates are paced (one every 20 ms per
 * subtask). For the LLM modes it reports the on-time (provisional) records and the final updates
 * with their fallback reasons.
 *
 * <pre>
 * mvn -B -q -pl load-test -am package -DskipTests
 * java -cp load-test/target/load-test.jar io.signalfold.loadtest.bench.SummarizerLatencyHarness [candidates]
 * </pre>
 */
public final class SummarizerLatencyHarness {

  static final Map<String, Long> EMITTED = new ConcurrentHashMap<>();
  static final Map<String, Long> FIRST = new ConcurrentHashMap<>();
  static final Map<String, Long> FINAL = new ConcurrentHashMap<>();
  static final Map<String, String> REASONS = new ConcurrentHashMap<>();

  private SummarizerLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    run("baseline (no summarizer)", n, null);
    run("deterministic", n, SummarizerConfig.defaults());

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    LlmConfig down =
        LlmConfig.builder("http://127.0.0.1:" + closed, "m")
            .requestTimeout(Duration.ofSeconds(1))
            .build();
    run("llm endpoint down (connection refused)", n, SummarizerConfig.defaults().withLlm(down));

    HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slow.setExecutor(Executors.newCachedThreadPool());
    slow.createContext(
        "/v1/chat/completions",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            Thread.sleep(3000);
            ex.sendResponseHeaders(500, -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (java.io.IOException e) {
            // client timed out and left
          }
        });
    slow.start();
    LlmConfig slowCfg =
        LlmConfig.builder("http://127.0.0.1:" + slow.getAddress().getPort(), "m")
            .requestTimeout(Duration.ofSeconds(1))
            .maxAttempts(2)
            .build();
    try {
      run(
          "llm endpoint slow (3 s answers, 1 s timeout)",
          n,
          SummarizerConfig.defaults().withLlm(slowCfg));
    } finally {
      slow.stop(0);
      System.exit(0);
    }
  }

  private static void run(String name, int n, SummarizerConfig config) throws Exception {
    EMITTED.clear();
    FIRST.clear();
    FINAL.clear();
    REASONS.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
    DataStream<IncidentCandidate> in =
        env.fromSource(
                new NumberSequenceSource(0, n - 1), WatermarkStrategy.noWatermarks(), "numbers")
            .map(new Pace())
            .returns(new AvroTypeInfo<>(IncidentCandidate.class));
    DataStream<IncidentCandidate> out = config == null ? in : SummarizerStage.build(in, config);
    out.map(new Arrive())
        .returns(new AvroTypeInfo<>(IncidentCandidate.class))
        .sinkTo(new DiscardingSink<>());
    long t0 = System.nanoTime();
    env.execute(name);
    double seconds = (System.nanoTime() - t0) / 1e9;

    double[] first = delays(FIRST);
    System.out.printf(
        Locale.ROOT,
        "%-46s candidates=%d emitted-on-time=%d p50=%.2fms p95=%.2fms p99=%.2fms max=%.2fms wall=%.1fs%n",
        name,
        n,
        first.length,
        pct(first, 50),
        pct(first, 95),
        pct(first, 99),
        first.length == 0 ? 0 : first[first.length - 1],
        seconds);
    if (!FINAL.isEmpty()) {
      double[] fin = delays(FINAL);
      Map<String, Integer> reasons = new TreeMap<>();
      REASONS.values().forEach(r -> reasons.merge(r, 1, Integer::sum));
      System.out.printf(
          Locale.ROOT,
          "%-46s final-updates=%d p50=%.0fms p95=%.0fms max=%.0fms reasons=%s%n",
          "  (llm follow-up)",
          fin.length,
          pct(fin, 50),
          pct(fin, 95),
          fin.length == 0 ? 0 : fin[fin.length - 1],
          reasons);
    }
  }

  private static double[] delays(Map<String, Long> arrivals) {
    List<Double> d = new ArrayList<>();
    arrivals.forEach(
        (id, t) -> {
          Long e = EMITTED.get(id);
          if (e != null) {
            d.add((t - e) / 1e6);
          }
        });
    double[] a = d.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a;
  }

  private static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Emits candidate {@code i} every 20 ms and notes when it entered the stage. */
  static final class Pace implements MapFunction<Long, IncidentCandidate> {
    private static final long serialVersionUID = 1L;

    @Override
    public IncidentCandidate map(Long i) throws Exception {
      Thread.sleep(20);
      IncidentCandidate c = BenchCandidates.numbered(i.intValue());
      EMITTED.put(c.getId(), System.nanoTime());
      return c;
    }
  }

  /** Notes when each candidate's first and final record left the stage. */
  static final class Arrive implements MapFunction<IncidentCandidate, IncidentCandidate> {
    private static final long serialVersionUID = 1L;

    @Override
    public IncidentCandidate map(IncidentCandidate c) {
      long now = System.nanoTime();
      FIRST.putIfAbsent(c.getId(), now);
      if (c.getSummary() != null
          && !SummaryUpdates.isProvisional(c.getSummary())
          && (SummaryUpdates.isLlm(c.getSummary()) || c.getSummary().getFallbackReason() != null)) {
        FINAL.put(c.getId(), now);
        String r = c.getSummary().getFallbackReason();
        REASONS.put(c.getId(), r == null ? "llm" : r.replaceAll(":.*", ""));
      }
      return c;
    }
  }
}
