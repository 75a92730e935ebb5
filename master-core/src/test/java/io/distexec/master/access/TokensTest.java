package io.distexec.master.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
  private final InMemoryTokenStore store = new InMemoryTokenStore();
  private final Tokens tokens = new Tokens(store, List.of(), clock);

  @Test
  void aCreatedTokenAuthenticatesAndOnlyItsHashIsKept() throws Exception {
    Tokens.Issued issued = tokens.create("ci", Set.of(Role.SUBMITTER), "admin");

    assertThat(issued.secret()).startsWith(Tokens.PREFIX).hasSizeGreaterThan(40);
    assertThat(tokens.authenticate(issued.secret()))
        .contains(new Caller("ci", Set.of(Role.SUBMITTER), "token"));
    assertThat(store.list())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.hash())
                  .isEqualTo(Tokens.hash(issued.secret()))
                  .doesNotContain(issued.secret());
              assertThat(t.createdBy()).isEqualTo("admin");
            });
  }

  @Test
  void revokedForgedAndMalformedTokensAreRefused() throws Exception {
    Tokens.Issued issued = tokens.create("ci", Set.of(Role.SUBMITTER), "admin");
    String forged = issued.secret().substring(0, issued.secret().length() - 2) + "xx";

    assertThat(tokens.authenticate(forged)).isEmpty();
    assertThat(tokens.authenticate("")).isEmpty();
    assertThat(tokens.authenticate(null)).isEmpty();
    assertThat(tokens.authenticate("dxt_" + "a".repeat(500))).isEmpty();

    tokens.revoke("ci");
    assertThat(tokens.authenticate(issued.secret())).isEmpty();
    assertThat(tokens.list()).singleElement().satisfies(t -> assertThat(t.revoked()).isTrue());
    // the name is free again once revoked
    assertThat(tokens.create("ci", Set.of(Role.VIEWER), "admin").secret())
        .isNotEqualTo(issued.secret());
  }

  @Test
  void aTokenIsRefusedFromTheMomentItExpiresAndItsNameIsFreeAgain() throws Exception {
    MutableClock now = new MutableClock();
    Instant made = now.instant();
    Tokens expiring = new Tokens(store, List.of(), now);
    Tokens.Issued hour =
        expiring.create("ci", Set.of(Role.SUBMITTER), "admin", Duration.ofHours(1));
    Tokens.Issued forever = expiring.create("robot", Set.of(Role.VIEWER), "admin", Duration.ZERO);
    Tokens.Issued byDefault = expiring.create("alice", Set.of(Role.VIEWER), "admin");

    assertThat(hour.token().expiresAt()).isEqualTo(made.plus(Duration.ofHours(1)));
    assertThat(forever.token().expiresAt()).isNull();
    assertThat(byDefault.token().expiresAt()).isEqualTo(made.plus(Tokens.DEFAULT_LIFETIME));

    now.advance(Duration.ofHours(1).minusNanos(1000));
    assertThat(expiring.authenticate(hour.secret())).isPresent();
    now.advance(Duration.ofNanos(1000));
    assertThat(expiring.authenticate(hour.secret())).isEmpty();
    now.advance(Duration.ofDays(3650));
    assertThat(expiring.authenticate(byDefault.secret())).isEmpty();
    assertThat(expiring.authenticate(forever.secret())).isPresent();
    // An expired token does not hold on to its name.
    assertThat(expiring.create("ci", Set.of(Role.SUBMITTER), "admin").secret()).isNotNull();
  }

  @Test
  void aLifetimeIsBounded() {
    for (Duration bad :
        List.of(
            Duration.ofSeconds(-1), Tokens.MAX_LIFETIME.plusSeconds(1), Duration.ofDays(99999))) {
      assertThatThrownBy(() -> tokens.create("ci", Set.of(Role.VIEWER), "admin", bad))
          .as(bad.toString())
          .isInstanceOfSatisfying(
              TokenException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(TokenException.Kind.INVALID);
                assertThat(e.getMessage()).contains("3650 days", "0 for a token that never");
              });
    }
    assertThat(store.list()).isEmpty();
  }

  @Test
  void badRequestsSayWhatToFix() throws Exception {
    tokens.create("ci", Set.of(Role.SUBMITTER), "admin");
    assertThatThrownBy(() -> tokens.create("ci", Set.of(Role.VIEWER), "admin"))
        .isInstanceOfSatisfying(
            TokenException.class, e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.EXISTS));
    assertThatThrownBy(() -> tokens.create("has space", Set.of(Role.VIEWER), "admin"))
        .hasMessageContaining("1-64 letters");
    assertThatThrownBy(() -> tokens.create("x", Set.of(), "admin")).hasMessageContaining("role");
    assertThatThrownBy(() -> tokens.revoke("nope"))
        .isInstanceOfSatisfying(
            TokenException.class,
            e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.NOT_FOUND));
    assertThatThrownBy(() -> Role.parseAll("viewer,root"))
        .hasMessage("unknown role 'root'; the roles are viewer, submitter, operator, admin");
  }

  @Test
  void tokensFromFilesAuthenticateAndCannotBeRevokedThroughTheApi() throws Exception {
    String secret = Tokens.PREFIX + "a".repeat(43);
    List<ApiToken> fromFile =
        Tokens.parseFile(
            "# tokens\n\nci-bot  submitter,viewer  " + Tokens.hash(secret) + "  # the CI\n",
            "tokens.txt",
            clock);
    Tokens withFile = new Tokens(store, fromFile, clock);

    assertThat(withFile.authenticate(secret))
        .contains(new Caller("ci-bot", Set.of(Role.SUBMITTER, Role.VIEWER), "token"));
    assertThatThrownBy(() -> withFile.revoke("ci-bot")).hasMessageContaining("defined in a file");
  }

  @Test
  void aBadTokensFileNamesTheLine() {
    assertThatThrownBy(
            () -> Tokens.parseFile("ok viewer " + "0".repeat(64) + "\nbad admin", "f", clock))
        .hasMessageStartingWith("f line 2: expected NAME ROLES SHA256");
    assertThatThrownBy(() -> Tokens.parseFile("ci viewer dxt_secret", "f", clock))
        .hasMessageContaining("not the token itself");
    assertThatThrownBy(() -> Tokens.parseFile("ci god " + "0".repeat(64), "f", clock))
        .hasMessageContaining("f line 1: unknown role 'god'");
    assertThatThrownBy(() -> Tokens.adminFromSecret("short", "admin.token", clock))
        .hasMessageContaining("admin.token must hold one token");
  }
}
