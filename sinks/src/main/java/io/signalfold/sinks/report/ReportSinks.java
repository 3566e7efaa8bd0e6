package io.signalfold.sinks.report;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.Redactor;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Attaches the report writer to the candidate stream: {@code <dir>/reports/<id>.md|.html}, keyed by
 * candidate id so one subtask owns each file. Write failures are counted ({@code reportsFailed}),
 * never fatal: a report is a convenience, the Kafka topic is the record.
 */
public final class ReportSinks {

  /** Uid of the report sink. */
  public static final String UID = "sink-reports";

  private ReportSinks() {}

  public static void attach(DataStream<IncidentCandidate> candidates, Path dir, Redactor redactor) {
    candidates
        .keyBy(IncidentCandidate::getId)
        .sinkTo(new ReportFileSink(dir.toAbsolutePath().toString(), redactor))
        .uid(UID)
        .name("incident reports");
  }

  /** Sink V2 around {@link ReportWriter}. */
  static final class ReportFileSink implements Sink<IncidentCandidate> {
    private static final long serialVersionUID = 1L;
    private final String dir;
    private final Redactor redactor;

    ReportFileSink(String dir, Redactor redactor) {
      this.dir = dir;
      this.redactor = redactor;
    }

    @Override
    public SinkWriter<IncidentCandidate> createWriter(WriterInitContext context) {
      ReportWriter writer = ReportWriter.create(Path.of(dir), redactor);
      Counter written = context.metricGroup().counter("reportsWritten");
      Counter failed = context.metricGroup().counter("reportsFailed");
      return new SinkWriter<>() {
        @Override
        public void write(IncidentCandidate c, Context ctx) {
          try {
            if (writer.write(c)) {
              written.inc();
            }
          } catch (RuntimeException e) {
            failed.inc();
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() throws IOException {}
      };
    }
  }
}
