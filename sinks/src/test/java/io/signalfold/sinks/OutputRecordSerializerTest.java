package io.signalfold.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.internal.OutputRecordSerializer;
import io.signalfold.sinks.internal.OutputRecordSerializer.Format;
import io.signalfold.sinks.testing.Candidates;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OutputRecordSerializerTest {

  private static final Clock FALLBACK =
      Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void avroIsSingleObjectEncodingReadableByTheGeneratedClass() throws Exception {
    IncidentCandidate c = Candidates.badDeployResolved();
    var s =
        new OutputRecordSerializer<>(
            OutputTopics.INCIDENT_CANDIDATES,
            "incident-candidates",
            Format.AVRO,
            "/signalfold",
            null,
            FALLBACK);
    ProducerRecord<byte[], byte[]> r = s.serialize(c, null, Long.MAX_VALUE);
    assertThat(r.topic()).isEqualTo("incident-candidates");
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(c.getId());
    assertThat(r.timestamp()).isEqualTo(c.getResolvedAtMs());
    assertThat(r.value()[0]).isEqualTo((byte) 0xC3);
    assertThat(r.value()[1]).isEqualTo((byte) 0x01);
    assertThat(IncidentCandidate.fromByteBuffer(ByteBuffer.wrap(r.value()))).isEqualTo(c);
    assertThat(AvroEncoding.decode(r.value(), IncidentCandidate.class)).isEqualTo(c);
  }

  @Test
  void jsonIsAStructuredCloudEvent() throws Exception {
    IncidentCandidate c = Candidates.badDeployOpen();
    var s =
        new OutputRecordSerializer<>(
            OutputTopics.INCIDENT_CANDIDATES,
            "incident-candidates.json",
            Format.CLOUDEVENTS_JSON,
            "/signalfold",
            Redactor.defaults(),
            FALLBACK);
    ProducerRecord<byte[], byte[]> r = s.serialize(c, null, null);
    JsonNode ce = new ObjectMapper().readTree(r.value());
    assertThat(ce.get("specversion").asText()).isEqualTo("1.0");
    assertThat(ce.get("id").asText()).isEqualTo(c.getId() + "/v1/none");
    assertThat(ce.get("source").asText()).isEqualTo("/signalfold/correlation");
    assertThat(ce.get("type").asText()).isEqualTo("io.signalfold.incident.open");
    assertThat(ce.get("subject").asText()).isEqualTo(c.getId());
    assertThat(ce.get("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(Instant.parse(ce.get("time").asText()).toEpochMilli()).isEqualTo(c.getUpdatedAtMs());
    JsonNode data = ce.get("data");
    assertThat(data.get("id").asText()).isEqualTo(c.getId());
    assertThat(data.get("status").asText()).isEqualTo("OPEN");
    assertThat(data.get("resolvedAtMs").isNull()).isTrue();
    assertThat(data.get("hypotheses").get(0).get("version").asText()).isEqualTo("2.4.1");
    assertThat(new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
        .startsWith("application/cloudevents+json");
  }

  @Test
  void redactsSecretsInOutputRecordsButKeepsIds() throws Exception {
    IncidentCandidate c = Candidates.badDeployOpen();
    c.getHypotheses().get(0).getEvidence().get(0).setLogTemplate("auth failed password=hunter2x");
    var s =
        new OutputRecordSerializer<>(
            OutputTopics.INCIDENT_CANDIDATES,
            "incident-candidates",
            Format.AVRO,
            "/signalfold",
            Redactor.defaults(),
            FALLBACK);
    IncidentCandidate back =
        AvroEncoding.decode(s.serialize(c, null, 5L).value(), IncidentCandidate.class);
    assertThat(back.getHypotheses().get(0).getEvidence().get(0).getLogTemplate())
        .isEqualTo("auth failed password=[REDACTED:secret]");
    assertThat(back.getId()).isEqualTo(c.getId());
    assertThat(c.getHypotheses().get(0).getEvidence().get(0).getLogTemplate())
        .as("the input record is not modified")
        .contains("hunter2x");
  }

  @Test
  void timestampIsNeverLongMaxValue() {
    assertThat(OutputRecordSerializer.realTimestamp(Long.MAX_VALUE, Long.MAX_VALUE, FALLBACK))
        .isEqualTo(FALLBACK.millis());
    assertThat(OutputRecordSerializer.realTimestamp(-1, 42L, FALLBACK)).isEqualTo(42L);
    assertThat(OutputRecordSerializer.realTimestamp(7, Long.MAX_VALUE, FALLBACK)).isEqualTo(7L);
  }
}
