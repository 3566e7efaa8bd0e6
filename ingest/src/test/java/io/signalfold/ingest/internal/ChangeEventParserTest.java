package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.ingest.CollectingSink;
import io.signalfold.ingest.IngestConfig;
import io.signalfold.schema.ChangeEvent;
import io.signalfold.schema.ChangeKind;
import io.signalfold.schema.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeEventParserTest {

  static final String CONTRACT_EXAMPLE =
      "{\"id\":\"chg-1\",\"kind\":\"deploy\",\"time\":\"2026-03-02T00:30:00Z\",\"service\":\"botforge\",\"version\":\"2.4.1\","
          + "\"previous_version\":\"2.4.0\",\"rollout\":\"5m\",\"rollout_end\":\"2026-03-02T00:35:00Z\",\"commit\":\"9f1c2ab\","
          + "\"source\":\"github-actions\",\"actor\":null,\"host\":null,\"zone\":null,\"key\":null,\"old\":null,\"new\":null,"
          + "\"replicas\":null,\"resource\":null,\"effect\":null,\"start\":null,\"end\":null,\"description\":null,\"attributes\":{}}";

  private final ChangeEventParser parser = new ChangeEventParser(IngestConfig.defaults());

  private CollectingSink<ChangeEvent> parse(String json) {
    CollectingSink<ChangeEvent> sink = new CollectingSink<>();
    parser.parse(json.getBytes(StandardCharsets.UTF_8), -1, sink);
    return sink;
  }

  @Test
  void parsesTheContractExample() {
    CollectingSink<ChangeEvent> sink = parse(CONTRACT_EXAMPLE);
    assertThat(sink.rejections).isEmpty();
    ChangeEvent e = sink.items.get(0);
    assertThat(e.getId()).isEqualTo("chg-1");
    assertThat(e.getKind()).isEqualTo(ChangeKind.DEPLOY);
    assertThat(e.getTimestampMs()).isEqualTo(Instant.parse("2026-03-02T00:30:00Z").toEpochMilli());
    assertThat(e.getRolloutEndMs()).isEqualTo(Instant.parse("2026-03-02T00:35:00Z").toEpochMilli());
    assertThat(e.getService()).isEqualTo("botforge");
    assertThat(e.getVersion()).isEqualTo("2.4.1");
    assertThat(e.getPreviousVersion()).isEqualTo("2.4.0");
    assertThat(e.getCommit()).isEqualTo("9f1c2ab");
    assertThat(e.getSource()).isEqualTo("github-actions");
    assertThat(e.getDerived()).isFalse();
    assertThat(e.getAttributes()).containsEntry("rollout", "5m");
  }

  @Test
  void everyKindOfTheVocabularyAndItsFields() {
    ChangeEvent scale =
        parse("{\"kind\":\"scale\",\"time\":1772411400000,\"service\":\"gateway\",\"replicas\":0}")
            .items
            .get(0);
    assertThat(scale.getKind()).isEqualTo(ChangeKind.SCALE);
    assertThat(scale.getReplicas()).isZero();
    assertThat(scale.getTimestampMs()).isEqualTo(1772411400000L);
    assertThat(scale.getId()).startsWith("chg-");

    ChangeEvent config =
        parse(
                "{\"kind\":\"config\",\"time\":\"2026-03-02T01:00:00Z\",\"key\":\"pool.size\",\"old\":\"10\",\"new\":2,\"team\":\"core\"}")
            .items
            .get(0);
    assertThat(config.getKey()).isEqualTo("pool.size");
    assertThat(config.getOldValue()).isEqualTo("10");
    assertThat(config.getNewValue()).isEqualTo("2");
    assertThat(config.getAttributes()).containsEntry("team", "core");

    ChangeEvent session =
        parse(
                "{\"kind\":\"manual_session\",\"time\":\"2026-03-02T01:00:00Z\",\"actor\":\"alice\",\"host\":\"db-1\"}")
            .items
            .get(0);
    assertThat(session.getActor()).isEqualTo("alice");
    assertThat(session.getInstance()).isEqualTo("db-1");

    ChangeEvent permission =
        parse(
                "{\"kind\":\"permission\",\"time\":\"2026-03-02T01:00:00Z\",\"resource\":\"robots-table\",\"effect\":\"deny\"}")
            .items
            .get(0);
    assertThat(permission.getResourceName()).isEqualTo("robots-table");
    assertThat(permission.getEffect()).isEqualTo("deny");

    ChangeEvent planned =
        parse(
                "{\"kind\":\"planned_activity\",\"time\":\"2026-03-02T01:00:00Z\",\"start\":\"2026-03-02T01:00:00Z\",\"end\":\"2026-03-02T02:00:00Z\"}")
            .items
            .get(0);
    assertThat(planned.getActivityEndMs() - planned.getActivityStartMs()).isEqualTo(3_600_000L);

    assertThat(
            parse("{\"kind\":\"rollback\",\"time\":\"2026-03-02T01:00:00Z\",\"rollout\":\"3m\"}")
                .items
                .get(0)
                .getRolloutEndMs())
        .isEqualTo(Instant.parse("2026-03-02T01:03:00Z").toEpochMilli());
    for (String k : new String[] {"feature_flag", "merge"}) {
      assertThat(parse("{\"kind\":\"" + k + "\",\"time\":\"2026-03-02T01:00:00Z\"}").items)
          .hasSize(1);
    }
  }

  @Test
  void derivedIdsAreStable() {
    String json = "{\"kind\":\"merge\",\"time\":\"2026-03-02T01:00:00Z\",\"commit\":\"abc\"}";
    assertThat(parse(json).items.get(0).getId()).isEqualTo(parse(json).items.get(0).getId());
  }

  @Test
  void badEventsAreDeadLetteredWithTheirReason() {
    assertThat(parse("{\"time\":\"2026-03-02T01:00:00Z\"}").rejections)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
              assertThat(r.detail()).contains("kind");
            });
    assertThat(parse("{\"kind\":\"deploy\"}").rejections)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
              assertThat(r.detail()).contains("time");
            });
    assertThat(parse("{\"kind\":\"earthquake\",\"time\":\"2026-03-02T01:00:00Z\"}").rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.UNKNOWN_KIND);
    assertThat(parse("{\"kind\":\"deploy\",\"time\":\"yesterday\"}").rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    // 19 digits beyond a long, as a string and as a number: not a time, and not an exception
    assertThat(parse("{\"kind\":\"deploy\",\"time\":\"9999999999999999999\"}").rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(parse("{\"kind\":\"deploy\",\"time\":99999999999999999999}").rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(parse("{\"kind\":\"deploy\",").rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(parse("[1,2]").rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    assertThat(parse("{\"kind\":\"deploy\",\"time\":0}").rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.ABSURD_TIMESTAMP);
    assertThat(
            parse("{\"kind\":\"scale\",\"time\":\"2026-03-02T01:00:00Z\",\"replicas\":\"many\"}")
                .rejections)
        .singleElement()
        .extracting(CollectingSink.Rejection::reason)
        .isEqualTo(DeadLetterReason.MALFORMED_JSON);
  }
}
