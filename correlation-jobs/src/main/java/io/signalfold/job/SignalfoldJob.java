package io.signalfold.job;

import io.signalfold.correlation.JsonMessage;
import io.signalfold.ingest.IngestSources;
import io.signalfold.ingest.KafkaTelemetrySources;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.Nullable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production entry point: {@code flink run -c io.signalfold.job.SignalfoldJob
 * signalfold-job.jar --config job.properties [--slo PATH] [--set key=value ...]}.
 *
 * <p>Builds the execution environment from the configuration (checkpointing, state backend, restart
 * strategy), the Kafka sources (telemetry topics, and the external-alerts and feedback topics when
 * configured), the {@link SignalfoldPipeline} and its Kafka sinks, then executes. A bad command
 * line or configuration prints one clear message and exits with status 2.
 */
public final class SignalfoldJob {

  /** Exit status for a bad command line or configuration. */
  public static final int EXIT_BAD_CONFIG = 2;

  private static final String USAGE =
      "usage: SignalfoldJob --config FILE [--slo PATH] [--set key=value ...]";

  private SignalfoldJob() {}

  public static void main(String[] args) throws Exception {
    int status = run(args, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Parses {@code args}, builds and executes the job. Returns 0 when the job finished (bounded
   * input) or {@link #EXIT_BAD_CONFIG} after printing the problem to {@code err}; failures of the
   * running job propagate.
   */
  public static int run(String[] args, PrintStream err) throws Exception {
    PipelineConfig cfg;
    StreamExecutionEnvironment env;
    try {
      cfg = parseArgs(args);
      env = createEnvironment(cfg);
      wire(env, cfg);
    } catch (IllegalArgumentException | IOException e) {
      err.println("signalfold: " + e.getMessage());
      err.println(USAGE);
      return EXIT_BAD_CONFIG;
    }
    JobExecutionResult result = env.execute(cfg.jobName());
    err.println("signalfold: job " + result.getJobID() + " finished");
    return 0;
  }

  /**
   * Reads {@code --config FILE} and applies {@code --slo PATH} (= {@code slo.definitions}) and
   * every {@code --set key=value} on top, in order.
   *
   * @throws IllegalArgumentException on a bad command line or configuration
   * @throws IOException when the configuration file cannot be read
   */
  public static PipelineConfig parseArgs(String[] args) throws IOException {
    Path config = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--config" -> config = Path.of(value(args, ++i, a));
        case "--slo" -> overrides.put("slo.definitions", value(args, ++i, a));
        case "--set" -> {
          String kv = value(args, ++i, a);
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--set expects key=value, got '" + kv + "'");
          }
          overrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    if (config == null) {
      throw new IllegalArgumentException("--config FILE is required");
    }
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException("--config: '" + config + "' is not a readable file");
    }
    return PipelineConfig.load(config, overrides);
  }

  /** The execution environment with the configuration's Flink settings and parallelism. */
  public static StreamExecutionEnvironment createEnvironment(PipelineConfig cfg) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
    cfg.parallelism().ifPresent(env::setParallelism);
    cfg.maxParallelism().ifPresent(env::setMaxParallelism);
    return env;
  }

  /**
   * Wires the production job onto {@code env}: Kafka sources, the pipeline, the Kafka sinks (and
   * reports). Returns the pipeline's outputs.
   *
   * @throws IOException when the SLO definitions cannot be read
   */
  public static PipelineOutputs wire(StreamExecutionEnvironment env, PipelineConfig cfg)
      throws IOException {
    KafkaTelemetrySources kafka = cfg.telemetrySources();
    PipelineInputs inputs =
        PipelineInputs.builder(IngestSources.fromKafka(env, kafka))
            .externalAlertJson(text(env, kafka, cfg.externalAlertsTopic().orElse(null), "alerts"))
            .feedbackJson(text(env, kafka, cfg.feedbackTopic().orElse(null), "feedback"))
            .sloDefinitions(cfg.loadSloDefinitions())
            .build();
    PipelineOutputs outputs = SignalfoldPipeline.build(env, inputs, cfg);
    SignalfoldPipeline.attachSinks(outputs, cfg);
    return outputs;
  }

  @Nullable
  private static DataStream<JsonMessage> text(
      StreamExecutionEnvironment env,
      KafkaTelemetrySources kafka,
      @Nullable String topic,
      String what) {
    if (topic == null) {
      return null;
    }
    return env.fromSource(kafka.sourceFor(topic), WatermarkStrategy.noWatermarks(), "kafka-" + what)
        .uid("job-source-" + what)
        .name("Kafka source: " + what)
        .map(new MessageText(), TypeInformation.of(JsonMessage.class))
        .uid("job-text-" + what)
        .name("message text: " + what);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
