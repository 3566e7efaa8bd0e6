package io.signalfold.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.schema.IncidentCandidate;
import io.signalfold.sinks.testing.Candidates;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordRedactionTest {

  private static final String ROUTE_SERIES = "checkout|GET /users/jane.doe@example.com/reset";
  private static final String CHANGE = "chg-orders-password=Blue-Heron-42";

  /** A candidate whose ids carry secrets: a series id from a raw URL route, a change id. */
  private static IncidentCandidate leaky() {
    IncidentCandidate c = Candidates.badDeployOpen();
    List<String> signals = new ArrayList<>(c.getSignalIds());
    signals.add(ROUTE_SERIES);
    c.setSignalIds(signals);
    c.getHypotheses().get(0).setChangeId(CHANGE);
    c.getHypotheses().get(0).getEvidence().get(0).setId(ROUTE_SERIES);
    c.getLinkedChanges().get(0).setChangeId(CHANGE);
    return c;
  }

  @Test
  void idsLoseTheirSecretsAndEveryCopyChangesAlike() {
    IncidentCandidate red = RecordRedaction.redact(leaky(), Redactor.defaults());
    assertThat(red.toString())
        .doesNotContain("jane.doe@example.com")
        .doesNotContain("Blue-Heron-42");
    String series = red.getSignalIds().get(red.getSignalIds().size() - 1);
    assertThat(series).isEqualTo("checkout|GET /users/[REDACTED:email]/reset");
    assertThat(red.getHypotheses().get(0).getEvidence().get(0).getId()).isEqualTo(series);
    assertThat(red.getHypotheses().get(0).getChangeId())
        .isEqualTo("chg-orders-password=[REDACTED:secret]")
        .isEqualTo(red.getLinkedChanges().get(0).getChangeId());
  }

  @Test
  void idsWithoutSecretsAreUntouchedAndTheInputIsNotModified() {
    IncidentCandidate original = leaky();
    IncidentCandidate red = RecordRedaction.redact(original, Redactor.defaults());
    assertThat(red.getId()).isEqualTo(original.getId());
    assertThat(red.getSignalIds().subList(0, 5)).isEqualTo(original.getSignalIds().subList(0, 5));
    assertThat(original.getHypotheses().get(0).getChangeId()).isEqualTo(CHANGE);
  }
}
