package io.signalfold.job;

import java.util.Map;

/** Renders the example configuration file from {@link PipelineConfig#documentedKeys()}. */
final class ExampleProperties {

  private ExampleProperties() {}

  static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("# signalfold job configuration (io.signalfold.job.SignalfoldJob --config FILE).\n")
        .append("# Every own key with its default; commented-out keys keep their default.\n")
        .append("# Unknown keys are errors. See correlation-jobs/README.md, \"Job graph\".\n");
    String section = "";
    for (PipelineConfig.Key k : PipelineConfig.documentedKeys()) {
      String s = k.name().substring(0, k.name().indexOf('.'));
      if (!s.equals(section)) {
        section = s;
        sb.append("\n# ---- ").append(s).append(" ----\n");
      }
      sb.append("# ").append(k.meaning()).append('\n');
      boolean set = k.name().equals("kafka.bootstrap.servers");
      sb.append(set ? "" : "#")
          .append(k.name())
          .append('=')
          .append(set ? "localhost:9092" : escape(k.defaultValue()))
          .append('\n');
    }
    sb.append("\n# ---- passed-through and delegated key families ----\n");
    for (Map.Entry<String, String> e : PipelineConfig.keyFamilies().entrySet()) {
      sb.append("# ").append(e.getKey()).append("*: ").append(e.getValue()).append('\n');
    }
    sb.append("#kafka.consumer.security.protocol=SASL_SSL\n")
        .append("#kafka.producer.security.protocol=SASL_SSL\n")
        .append("#flink.io.tmp.dirs=/tmp/signalfold\n")
        .append("#slo.status-interval=1m\n")
        .append("#correlation.grouping.open-delay=30s\n")
        .append("#anomaly.limit.queue.depth=10000\n")
        .append("#anomaly.class.jvm.memory.used=LEADING\n");
    return sb.toString();
  }

  /** The configuration reference as a Markdown table (for the README). */
  static String markdownTable() {
    StringBuilder sb = new StringBuilder("| key | default | meaning |\n| --- | --- | --- |\n");
    for (PipelineConfig.Key k : PipelineConfig.documentedKeys()) {
      String d = k.defaultValue().isEmpty() ? "(none)" : "`" + k.defaultValue() + "`";
      sb.append("| `")
          .append(k.name())
          .append("` | ")
          .append(d)
          .append(" | ")
          .append(k.meaning().replace("|", "\\|"))
          .append(" |\n");
    }
    for (Map.Entry<String, String> e : PipelineConfig.keyFamilies().entrySet()) {
      sb.append("| `").append(e.getKey()).append("*` | | ").append(e.getValue()).append(" |\n");
    }
    return sb.toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\");
  }
}
