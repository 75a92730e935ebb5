package io.distexec.master.auth;

import io.distexec.master.access.Caller;
import io.distexec.master.access.Tokens;
import java.util.Locale;
import java.util.Optional;

/** Turns the {@code Authorization} header (REST) or metadata (gRPC) into a caller. */
public final class Authenticator {

  /** What a request without a good credential is told, with how to get one. */
  public static final String NEEDS_TOKEN =
      "this needs an API token: send the header 'Authorization: Bearer <token>' (distctl token"
          + " create makes one; the local cluster's admin token is in .local-cluster/admin.token)";

  static final String BAD_TOKEN =
      "the token is not valid: unknown, revoked or mistyped (distctl token list shows the good ones)";

  private final Tokens tokens;
  private final JwtCallers jwts;

  /** API tokens only. */
  public Authenticator(Tokens tokens) {
    this(tokens, null);
  }

  /**
   * @param jwts verifies an identity provider's JWTs, or {@code null} when the master takes none
   */
  public Authenticator(Tokens tokens, JwtCallers jwts) {
    this.tokens = tokens;
    this.jwts = jwts;
  }

  /** The outcome: a caller, or what to tell one without a good credential. */
  public record Result(Optional<Caller> caller, String refusal) {
    static Result of(Caller caller) {
      return new Result(Optional.of(caller), "");
    }

    static Result refused(String why) {
      return new Result(Optional.empty(), why);
    }
  }

  public Result authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Result.refused(NEEDS_TOKEN);
    }
    String value = authorization.strip();
    if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return Result.refused("the Authorization header must be 'Bearer <token>'");
    }
    String credential = value.substring(7).strip();
    if (!credential.startsWith(Tokens.PREFIX)
        && credential.chars().filter(c -> c == '.').count() == 2) {
      return jwt(credential);
    }
    return tokens
        .authenticate(credential)
        .map(Result::of)
        .orElseGet(() -> Result.refused(BAD_TOKEN));
  }

  private Result jwt(String credential) {
    if (jwts == null) {
      return Result.refused(
          "this master takes no JWTs (MP_JWT_VERIFY_PUBLICKEY_LOCATION is not set): use an API"
              + " token");
    }
    try {
      return Result.of(jwts.caller(credential));
    } catch (JwtCallers.InvalidTokenException e) {
      return Result.refused(e.getMessage());
    }
  }
}
