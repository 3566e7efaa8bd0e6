package io.signalfold.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalfold.sinks.testing.SecretCorpus;
import org.junit.jupiter.api.Test;

class RedactorTest {

  private final Redactor redactor = Redactor.defaults();

  @Test
  void everySecretOfTheCorpusIsRemoved() {
    for (SecretCorpus.Entry e : SecretCorpus.entries()) {
      String out = redactor.redact(e.line());
      assertThat(out).as(e.kind()).doesNotContain(e.secret()).contains(Redactor.MARKER_PREFIX);
    }
  }

  @Test
  void caseInsensitiveRulesSurviveTheLiteralPrefilter() {
    // Rules are skipped when the text lacks a literal every match needs (lower-cased for (?i)
    // rules): upper-case spellings must still be found.
    assertThat(redactor.redact("Authorization: BEARER abcdefgh12345678"))
        .doesNotContain("abcdefgh12345678");
    assertThat(redactor.redact("header BASIC dXNlcjpwYXNzd29yZA==")).doesNotContain("dXNlcjpw");
    assertThat(redactor.redact("POSTGRES://orders:pw123456@db-7:5432/x"))
        .doesNotContain("pw123456");
    assertThat(redactor.redact("PASSWORD=hunter22 retry")).doesNotContain("hunter22");
    assertThat(redactor.redact("post to HTTPS://HOOKS.SLACK.COM/SERVICES/T0/B0/abcdef now"))
        .doesNotContain("T0/B0/abcdef");
    // A rule that redacted text earlier must not hide a later secret from the next rules.
    assertThat(redactor.redact("token=abcdef123 mail bob@example.com"))
        .doesNotContain("abcdef123")
        .doesNotContain("bob@example.com");
  }

  @Test
  void harmlessTextIsKept() {
    for (String line : SecretCorpus.harmless()) {
      assertThat(redactor.redact(line)).isEqualTo(line);
    }
  }

  @Test
  void keepsTheKeyAndTheRestOfTheLine() {
    assertThat(redactor.redact("login failed user=admin password=hunter2 attempt=3"))
        .isEqualTo("login failed user=admin password=[REDACTED:secret] attempt=3");
    assertThat(redactor.redact("postgres://orders:pw123456@db-7:5432/x"))
        .isEqualTo("postgres://orders:[REDACTED:password]@db-7:5432/x");
  }

  @Test
  void cardNumbersNeedIssuerLengthAndLuhn() {
    assertThat(Redactor.isCardNumber("4111111111111111")).isTrue();
    assertThat(Redactor.isCardNumber("4111111111111112")).isFalse();
    assertThat(Redactor.isCardNumber("1772411400000")).isFalse();
    assertThat(redactor.redact("card 4111111111111112 ok")).isEqualTo("card 4111111111111112 ok");
  }

  @Test
  void ipAddressesOnlyWhenConfigured() {
    String line = "connect to 10.1.2.3 and fe80::1ff:fe23:4567:890a failed (v 2.4.1)";
    assertThat(redactor.redact(line)).isEqualTo(line);
    String out = Redactor.create(true).redact(line);
    assertThat(out).doesNotContain("10.1.2.3").doesNotContain("fe80::1ff").contains("2.4.1");
  }

  @Test
  void anAuthorizationSchemeStaysReadableAndOnlyTheCredentialGoes() {
    assertThat(redactor.redact("Authorization: Bearer 7f3a9c2e41b84d0fa6e5c3b2d1e0f9a8"))
        .isEqualTo("Authorization: Bearer [REDACTED:token]");
    assertThat(redactor.redact("Authorization: Token 3b9f1e7c2a5d4b8e"))
        .isEqualTo("Authorization: Token [REDACTED:token]");
    assertThat(redactor.redact("mysqldump --user root --password Gr4nite-Falls --all"))
        .isEqualTo("mysqldump --user root --password [REDACTED:secret] --all");
  }

  @Test
  void aRedactedIdIsTheSameWhereverItAppears() {
    String id = "checkout|GET /users/jane.doe@example.com/reset|errors";
    assertThat(redactor.redact(id)).isEqualTo("checkout|GET /users/[REDACTED:email]/reset|errors");
    assertThat(redactor.redact("signal " + id)).endsWith(redactor.redact(id));
  }
}
