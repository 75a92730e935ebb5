package io.distexec.master.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.access.Caller;
import io.distexec.master.access.InMemoryTokenStore;
import io.distexec.master.access.Role;
import io.distexec.master.access.Tokens;
import io.distexec.testing.Jwts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identity-provider JWTs, signed here with a key of the test's own. */
class JwtCallersTest {

  private static final String ISSUER = "https://idp.example.com";
  private final KeyPair idp = Jwts.rsaKeyPair();
  private final long now = Instant.now().getEpochSecond();

  private Map<String, Object> claims(Object... more) {
    Map<String, Object> claims = new HashMap<>();
    claims.put("iss", ISSUER);
    claims.put("sub", "u-123");
    claims.put("upn", "alice@example.com");
    claims.put("iat", now);
    claims.put("exp", now + 300);
    claims.put("groups", List.of("distexec-submitter", "viewer", "staff"));
    for (int i = 0; i < more.length; i += 2) {
      claims.put((String) more[i], more[i + 1]);
    }
    return claims;
  }

  private JwtCallers callers(Path dir) throws Exception {
    Path pem = dir.resolve("idp.pem");
    Files.writeString(pem, Jwts.pem(idp.getPublic()));
    return new JwtCallers(JwtCallers.publicKey(pem.toString()), ISSUER, List.of());
  }

  @Test
  void aGoodJwtIsACallerWithTheRolesOfItsGroups(@TempDir Path dir) throws Exception {
    Caller caller = callers(dir).caller(Jwts.sign(idp.getPrivate(), claims()));
    assertThat(caller)
        .isEqualTo(new Caller("alice@example.com", Set.of(Role.SUBMITTER, Role.VIEWER), "jwt"));
  }

  @Test
  void forgedExpiredForeignAndTamperedJwtsAreRefused(@TempDir Path dir) throws Exception {
    JwtCallers callers = callers(dir);
    String forged = Jwts.sign(Jwts.rsaKeyPair().getPrivate(), claims());
    assertThatThrownBy(() -> callers.caller(forged)).hasMessageContaining("not valid");
    String expired = Jwts.sign(idp.getPrivate(), claims("exp", now - 3600));
    assertThatThrownBy(() -> callers.caller(expired)).hasMessageContaining("expired");
    String foreign = Jwts.sign(idp.getPrivate(), claims("iss", "https://elsewhere.example"));
    assertThatThrownBy(() -> callers.caller(foreign)).hasMessageContaining("not valid");
    String[] good = Jwts.sign(idp.getPrivate(), claims()).split("\\.");
    String otherPayload = Jwts.sign(idp.getPrivate(), claims("upn", "mallory")).split("\\.")[1];
    String tampered = good[0] + "." + otherPayload + "." + good[2];
    assertThatThrownBy(() -> callers.caller(tampered)).hasMessageContaining("not valid");
  }

  @Test
  void theAuthenticatorTellsJwtsFromApiTokens(@TempDir Path dir) throws Exception {
    Tokens tokens = new Tokens(new InMemoryTokenStore(), List.of(), Clock.systemUTC());
    String jwt = Jwts.sign(idp.getPrivate(), claims());
    assertThat(new Authenticator(tokens, callers(dir)).authenticate("Bearer " + jwt).caller())
        .hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("alice@example.com"));
    assertThat(new Authenticator(tokens).authenticate("Bearer " + jwt).refusal())
        .contains("takes no JWTs");
  }
}
