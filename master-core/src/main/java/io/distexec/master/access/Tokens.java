package io.distexec.master.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * API tokens: made, listed and revoked by admins, and turned back into callers on every request.
 *
 * <p>A secret is {@value #PREFIX} and 256 random bits; the master keeps only its SHA-256. A fast
 * hash is right here (unlike for passwords): nobody can guess 256 random bits, so there is nothing
 * for a slow hash to slow down, and every request is checked. Tokens defined in files
 * (ADMIN_TOKEN_FILE, TOKENS_FILE) are fixed: listed, never revoked through the API, never expiring
 * (their files are rotated by whoever writes them).
 *
 * <p>Tokens made through the API expire: after {@link #DEFAULT_LIFETIME} unless the request says
 * otherwise, so a forgotten token does not stay good for ever; a lifetime of zero asks for one that
 * never expires (a robot whose token is rotated by other means).
 */
public final class Tokens {

  /** Every secret starts so: secret scanners and people can tell what it is. */
  public static final String PREFIX = "dxt_";

  /** How long a token made through the API stays good when the request does not say. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);

  /** The longest lifetime a request may ask for; longer is "never", which must be asked for. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(3650);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  /** What {@link #create} gives: the stored token, and its secret, shown this once. */
  public record Issued(ApiToken token, String secret) {}

  private final TokenStore store;
  private final Map<String, ApiToken> fixed;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param fixed tokens defined in files, by hash
   */
  public Tokens(TokenStore store, List<ApiToken> fixed, Clock clock) {
    this.store = store;
    this.fixed =
        fixed.stream()
            .collect(
                Collectors.toUnmodifiableMap(ApiToken::hash, Function.identity(), (a, b) -> a));
    this.clock = clock;
  }

  /** The caller whose secret this is, if it is a good token. */
  public Optional<Caller> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
      return Optional.empty();
    }
    String hash = hash(secret);
    ApiToken token = fixed.get(hash);
    if (token == null) {
      token = store.findByHash(hash).orElse(null);
    }
    return token == null || !token.good(clock.instant())
        ? Optional.empty()
        : Optional.of(token.caller());
  }

  /** Makes a token that expires after {@link #DEFAULT_LIFETIME}. */
  public Issued create(String name, Set<Role> roles, String createdBy) throws TokenException {
    return create(name, roles, createdBy, DEFAULT_LIFETIME);
  }

  /**
   * Makes a token.
   *
   * @param lifetime how long it stays good: up to {@link #MAX_LIFETIME}; {@link Duration#ZERO} for
   *     a token that never expires
   * @throws TokenException INVALID for a bad name, no role or a bad lifetime, EXISTS when a good
   *     token has the name
   */
  public Issued create(String name, Set<Role> roles, String createdBy, Duration lifetime)
      throws TokenException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new TokenException(
          TokenException.Kind.INVALID,
          "a token name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or"
              + " digit");
    }
    if (roles == null || roles.isEmpty()) {
      throw new TokenException(
          TokenException.Kind.INVALID,
          "a token needs at least one role: viewer, submitter, operator or admin");
    }
    if (lifetime == null || lifetime.isNegative() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new TokenException(
          TokenException.Kind.INVALID,
          "a token's lifetime is 1 second to 3650 days, or 0 for a token that never expires");
    }
    Instant now = clock.instant();
    if (list().stream().anyMatch(t -> t.name().equals(name) && t.good(now))) {
      throw new TokenException(
          TokenException.Kind.EXISTS,
          "a token named '" + name + "' exists; revoke it first or choose another name");
    }
    byte[] bits = new byte[32];
    random.nextBytes(bits);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    Instant expiresAt = lifetime.isZero() ? null : now.plus(lifetime);
    ApiToken token =
        new ApiToken(name, hash(secret), roles, now, createdBy, null, ApiToken.FROM_API, expiresAt);
    store.insert(token);
    return new Issued(token, secret);
  }

  /** Every token, fixed ones first, then the others oldest first; revoked ones too. */
  public List<ApiToken> list() {
    List<ApiToken> all = new ArrayList<>(fixed.values());
    all.sort((a, b) -> a.name().compareTo(b.name()));
    all.addAll(store.list());
    return all;
  }

  /**
   * Revokes the token of that name: requests with it fail from now on.
   *
   * @throws TokenException NOT_FOUND when no good token has the name, FIXED for a fixed one
   */
  public void revoke(String name) throws TokenException {
    if (fixed.values().stream().anyMatch(t -> t.name().equals(name))) {
      throw new TokenException(
          TokenException.Kind.FIXED,
          "the token '" + name + "' is defined in a file on the master; remove it there");
    }
    if (store.revoke(name, clock.instant()) == 0) {
      throw new TokenException(
          TokenException.Kind.NOT_FOUND, "no token named '" + name + "' is good to revoke");
    }
  }

  /** SHA-256 of a secret, as 64 lower-case hex digits: what TOKENS_FILE holds. */
  public static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * Tokens from a file: one per line, {@code NAME ROLES SHA256} (roles comma-separated, the hash as
   * {@code printf %s "$TOKEN" | sha256sum} prints it); {@code #} starts a comment.
   *
   * @param source the file's name, for messages and the listing
   * @throws IllegalArgumentException naming the line and what is wrong with it
   */
  public static List<ApiToken> parseFile(String text, String source, Clock clock) {
    List<ApiToken> tokens = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].replaceFirst("#.*", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      String where = source + " line " + (i + 1) + ": ";
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            where
                + "expected NAME ROLES SHA256 (e.g. ci submitter,viewer 9f86d08...), got "
                + parts.length
                + " field(s)");
      }
      if (!NAME.matcher(parts[0]).matches()) {
        throw new IllegalArgumentException(where + "'" + parts[0] + "' is not a token name");
      }
      Set<Role> roles;
      try {
        roles = Role.parseAll(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
      String hash = parts[2].toLowerCase(java.util.Locale.ROOT);
      if (!HASH.matcher(hash).matches()) {
        throw new IllegalArgumentException(
            where + "the third field is the token's SHA-256 (64 hex digits), not the token itself");
      }
      tokens.add(new ApiToken(parts[0], hash, roles, clock.instant(), source, null, source, null));
    }
    return tokens;
  }

  /** The admin token of ADMIN_TOKEN_FILE, which holds the secret itself (one line). */
  public static ApiToken adminFromSecret(String secret, String source, Clock clock) {
    String s = secret.strip();
    if (!s.startsWith(PREFIX) || s.length() < PREFIX.length() + 32) {
      throw new IllegalArgumentException(
          source + " must hold one token: '" + PREFIX + "' and at least 32 random characters");
    }
    return new ApiToken(
        "admin", hash(s), Set.of(Role.ADMIN), clock.instant(), source, null, source, null);
  }
}
