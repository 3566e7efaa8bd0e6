package io.signalfold.ingest.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The bearer tokens a receiver accepts ({@code Authorization: Bearer <token>}), from a file (one
 * per line; blank lines and {@code #} comments skipped), an environment variable (comma-separated)
 * or given directly. Compared in constant time. Immutable and thread-safe.
 */
public final class BearerTokens {

  private static final String PREFIX = "bearer ";
  private final List<byte[]> tokens;

  private BearerTokens(List<byte[]> tokens) {
    this.tokens = tokens;
  }

  public static BearerTokens of(Collection<String> tokens) {
    List<byte[]> out = new ArrayList<>();
    for (String t : tokens) {
      String s = t == null ? "" : t.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        if (s.length() < 16) {
          throw new IllegalArgumentException(
              "a bearer token must have at least 16 characters (got " + s.length() + ")");
        }
        out.add(s.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no bearer token given");
    }
    return new BearerTokens(List.copyOf(out));
  }

  /** One token per line of {@code file}. */
  public static BearerTokens fromFile(Path file) {
    try {
      return of(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bearer token file " + file, e);
    }
  }

  /** Comma-separated tokens in the environment variable {@code name}. */
  public static BearerTokens fromEnv(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " holds no bearer token");
    }
    return of(List.of(v.split(",")));
  }

  /** True when the Authorization header carries one of the tokens. */
  public boolean accepts(@Nullable String authorization) {
    if (authorization == null
        || authorization.length() <= PREFIX.length()
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] given =
        authorization.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    for (byte[] t : tokens) {
      ok |= MessageDigest.isEqual(t, given); // no early exit: same time for every token
    }
    return ok;
  }
}
