package io.signalfold.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokensTest {

  @Test
  void aFileHoldsOneTokenPerLineWithCommentsAndBlankLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(
        file, "# collectors of team a\nteam-a-token-0123456789\n\n  team-b-token-9876543210  \n");
    BearerTokens t = BearerTokens.fromFile(file);
    assertThat(t.accepts("Bearer team-a-token-0123456789")).isTrue();
    assertThat(t.accepts("bearer team-b-token-9876543210"))
        .as("scheme is case-insensitive")
        .isTrue();
    assertThat(t.accepts("Bearer team-a-token-012345678"))
        .as("a prefix is not the token")
        .isFalse();
    assertThat(t.accepts("team-a-token-0123456789")).as("no scheme").isFalse();
    assertThat(t.accepts(null)).isFalse();
    assertThat(t.accepts("Bearer ")).isFalse();
  }

  @Test
  void shortOrMissingTokensAreConfigurationErrors(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> BearerTokens.of(List.of("short")))
        .hasMessageContaining("at least 16 characters");
    Path empty = Files.writeString(dir.resolve("empty"), "# nothing\n");
    assertThatThrownBy(() -> BearerTokens.fromFile(empty)).hasMessageContaining("no bearer token");
    assertThatThrownBy(() -> BearerTokens.fromFile(dir.resolve("absent")))
        .hasMessageContaining("cannot read the bearer token file");
    assertThatThrownBy(() -> BearerTokens.fromEnv("SIGNALFOLD_TEST_SURELY_UNSET_VARIABLE"))
        .hasMessageContaining("holds no bearer token");
  }
}
