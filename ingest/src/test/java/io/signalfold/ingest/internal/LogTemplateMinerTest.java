package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTemplateMinerTest {

  private static LogTemplateMiner miner() {
    return new LogTemplateMiner(4, 0.5, 100, 1000);
  }

  @Test
  void variablePartsBecomeWildcardsAndIdsComeFromTheText() {
    LogTemplateMiner m = miner();
    LogTemplateMiner.Match a = m.add("user alice logged in from 10.0.0.1", 1, id -> {});
    assertThat(a.template).isEqualTo("user alice logged in from <*>");
    assertThat(a.newId).isTrue();
    LogTemplateMiner.Match b = m.add("user bob logged in from 10.0.0.2", 2, id -> {});
    assertThat(b.template).isEqualTo("user <*> logged in from <*>");
    assertThat(b.newId).isTrue();
    assertThat(b.replacedId).isEqualTo(a.templateId);
    LogTemplateMiner.Match c = m.add("user carol logged in from 10.0.0.3", 3, id -> {});
    assertThat(c.templateId).isEqualTo(b.templateId);
    assertThat(c.newId).isFalse();
    assertThat(c.templateId).isEqualTo(LogTemplateMiner.templateId("user <*> logged in from <*>"));
    assertThat(m.size()).isEqualTo(1);
  }

  @Test
  void differentMessagesStaySeparate() {
    LogTemplateMiner m = miner();
    String x = m.add("cannot deserialize cache record key=42", 1, id -> {}).templateId;
    String y = m.add("connection pool exhausted after 30 ms", 2, id -> {}).templateId;
    String z = m.add("request completed status=200 in 12 ms", 3, id -> {}).templateId;
    assertThat(List.of(x, y, z)).doesNotHaveDuplicates();
    assertThat(m.add("cannot deserialize cache record key=7", 4, id -> {}).templateId).isEqualTo(x);
  }

  @Test
  void aStackTraceIsOneEventNamedByItsFirstLine() {
    LogTemplateMiner m = miner();
    String trace =
        "java.lang.IllegalStateException: cannot deserialize cache record\n"
            + "\tat com.example.Cache.get(Cache.java:42)\n\tat com.example.Bot.run(Bot.java:7)";
    LogTemplateMiner.Match a = m.add(trace, 1, id -> {});
    assertThat(a.template)
        .isEqualTo("java.lang.IllegalStateException: cannot deserialize cache record");
    assertThat(LogTemplateMiner.isContinuation("\tat com.example.Cache.get(Cache.java:42)"))
        .isTrue();
    assertThat(LogTemplateMiner.isContinuation("Caused by: java.io.EOFException")).isTrue();
    assertThat(LogTemplateMiner.isContinuation("    at com.example.X.y(X.java:1)")).isTrue();
    assertThat(LogTemplateMiner.isContinuation("\t... 12 more")).isTrue();
    assertThat(LogTemplateMiner.isContinuation("attempt 3 failed")).isFalse();
  }

  @Test
  void restoredTemplatesMatchAgainWithTheSameId() {
    LogTemplateMiner m = miner();
    m.add("worker 1 started job a", 1, id -> {});
    LogTemplateMiner.Match g = m.add("worker 2 started job b", 2, id -> {});
    LogTemplateMiner restored = miner();
    restored.restore(g.template, g.firstSeenMs, 2);
    LogTemplateMiner.Match again = restored.add("worker 3 started job c", 3, id -> {});
    assertThat(again.templateId).isEqualTo(g.templateId);
    assertThat(again.newId).isFalse();
  }

  @Test
  void templatesAreBoundedLeastRecentlySeenFirstAndIdleOnesExpire() {
    LogTemplateMiner m = new LogTemplateMiner(4, 0.5, 100, 3);
    List<String> evicted = new ArrayList<>();
    String first = m.add("alpha one", 1, evicted::add).templateId;
    m.add("beta two", 2, evicted::add);
    m.add("gamma three", 3, evicted::add);
    m.add("alpha one", 4, evicted::add); // touch: beta is now the eldest
    String beta = LogTemplateMiner.templateId("beta two");
    m.add("delta four", 5, evicted::add);
    assertThat(evicted).containsExactly(beta);
    assertThat(m.size()).isEqualTo(3);
    m.evictIdle(5, evicted::add);
    assertThat(evicted).contains(first).hasSize(3);
    assertThat(m.size()).isEqualTo(1);
  }
}
