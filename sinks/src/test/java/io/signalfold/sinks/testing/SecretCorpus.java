package io.signalfold.sinks.testing;

import java.util.List;

/**
 * Log lines with secrets and personal data embedded the way they leak in real telemetry, each with
 * the exact substring that must never leave the pipeline. Shared with the summarizer's tests (this
 * module's test-jar). The credentials are well-known documentation examples or made up.
 */
public final class SecretCorpus {

  private SecretCorpus() {}

  /** One leaked secret: the surrounding log line and the secret that must disappear. */
  public record Entry(String kind, String line, String secret) {}

  public static List<Entry> entries() {
    return List.of(
        new Entry(
            "aws-key",
            "S3 upload failed for key AKIAIOSFODNN7EXAMPLE region eu-west-1",
            "AKIAIOSFODNN7EXAMPLE"),
        new Entry(
            "aws-secret",
            "boto config aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY loaded",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        new Entry(
            "jwt",
            "rejected token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c for user",
            "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        new Entry(
            "bearer",
            "upstream call with Authorization: Bearer 7f3a9c2e41b84d0fa6e5c3b2d1e0f9a8 returned 401",
            "7f3a9c2e41b84d0fa6e5c3b2d1e0f9a8"),
        new Entry(
            "basic",
            "proxy header Authorization: Basic dXNlcjpodW50ZXIyMDI2 rejected",
            "dXNlcjpodW50ZXIyMDI2"),
        new Entry(
            "url-password",
            "cannot connect to postgres://orders:Sup3rS3cret!@db-7.internal:5432/orders",
            "Sup3rS3cret!"),
        new Entry(
            "password-kv",
            "login failed user=admin password=hunter2-Correct-Horse attempt=3",
            "hunter2-Correct-Horse"),
        new Entry(
            "password-json",
            "payload {\"username\": \"ops\", \"password\": \"Tr0ub4dor&3x\"} invalid",
            "Tr0ub4dor"),
        new Entry(
            "api-key",
            "retrying with api_key: 9c1e2f3a4b5c6d7e8f90a1b2c3d4e5f6 after 429",
            "9c1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"),
        new Entry(
            "token-header",
            "X-API-Key=ZmFrZS1rZXktZm9yLXRlc3Rz sent to partner",
            "ZmFrZS1rZXktZm9yLXRlc3Rz"),
        new Entry(
            "github",
            "git clone with ghp_1234567890abcdefghijklmnopqrstuvwxyzAB failed",
            "ghp_1234567890abcdefghijklmnopqrstuvwxyzAB"),
        new Entry(
            "slack",
            "notify via xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
        new Entry(
            "stripe",
            "charge failed key sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        new Entry(
            "google",
            "maps quota for AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY exceeded",
            "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
        new Entry(
            "openai",
            "llm call with sk-proj-abcdefghijklmnopqrstuvwxyz0123456789 failed",
            "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"),
        new Entry(
            "private-key",
            "loaded -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq0cXxY\n-----END RSA PRIVATE KEY----- ok",
            "MIIEowIBAAKCAQEA7bq0cXxY"),
        new Entry(
            "email",
            "order 8812 confirmation bounced for jane.doe+orders@example.com",
            "jane.doe+orders@example.com"),
        new Entry(
            "card-visa",
            "payment declined card 4111 1111 1111 1111 exp 12/29",
            "4111 1111 1111 1111"),
        new Entry(
            "card-mastercard", "tokenize failed for 5555-5555-5555-4444", "5555-5555-5555-4444"),
        new Entry("card-amex", "amex 378282246310005 refused", "378282246310005"),
        new Entry(
            "session",
            "cookie session_id=3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c expired",
            "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c"),
        new Entry(
            "slack-webhook",
            "posting to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "XXXXXXXXXXXXXXXXXXXXXXXX"),
        new Entry(
            "env-password",
            "psql exited 2 with PGPASSWORD=Wint3rIsC0ming set in the environment",
            "Wint3rIsC0ming"),
        new Entry(
            "camel-case-json",
            "bind {\"userPassword\": \"Opal-Ridge-77\", \"uid\": \"ops\"} failed",
            "Opal-Ridge-77"),
        new Entry(
            "client-secret-json",
            "oauth exchange {\"clientSecret\":\"q8Zr-Tm2v-Lp0x\"} rejected",
            "q8Zr-Tm2v-Lp0x"),
        new Entry(
            "access-token-json",
            "refresh {\"accessToken\": \"at.7Hc2Kq9Vw3Lm\"} expired",
            "at.7Hc2Kq9Vw3Lm"),
        new Entry(
            "authorization-token",
            "GET /v1/repos with Authorization: Token 3b9f1e7c2a5d4b8e returned 403",
            "3b9f1e7c2a5d4b8e"),
        new Entry(
            "cli-password",
            "exec mysqldump --user root --password Gr4nite-Falls orders",
            "Gr4nite-Falls"),
        new Entry(
            "azure-sas",
            "blob GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-12-31&sp=r&sig=N3wD%2BqF9kZ1x%2FyQ7a%3D failed 403",
            "N3wD%2BqF9kZ1x%2FyQ7a%3D"),
        new Entry(
            "aws-secret-bare",
            "credentials loaded: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY for eu-west-1",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        new Entry("route-email", "GET /users/jane.doe@example.com/reset", "jane.doe@example.com"),
        new Entry("change-id-password", "deploy-orders-password=Blue-Heron-42", "Blue-Heron-42"));
  }

  /** Lines that look close to secrets but are not, and must survive unchanged. */
  public static List<String> harmless() {
    return List.of(
        "botforge 2.4.1 rollout started at 1772411400000",
        "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
        "error rate 0.6 on GET /forge/{id} (robot.id=rb-1042)",
        "cannot deserialize cache record: unknown field 'cachedAt'",
        "ProvisionedThroughputExceededException on orders-table",
        "order id 1234567890123 placed",
        "deploy 9fceb02d0ae598e95dc970b74767f19372d61af8 of orders",
        "token validation failed after 3 retries",
        "author: ops-team, maxTokens 500",
        "GET /users/{id}/reset 200");
  }
}
