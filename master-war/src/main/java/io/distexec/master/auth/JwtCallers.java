package io.distexec.master.auth;

import io.distexec.master.access.Caller;
import io.distexec.master.access.Role;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * Callers from an identity provider's JWTs, verified with the settings of MicroProfile JWT: the
 * provider's public key (MP_JWT_VERIFY_PUBLICKEY_LOCATION, a PEM file), its issuer
 * (MP_JWT_VERIFY_ISSUER) and, if set, the audience (MP_JWT_VERIFY_AUDIENCES). The token must be
 * signed (RS256/384/512, PS256, ES256/384) and unexpired. The caller's name is its {@code upn},
 * else {@code preferred_username}, else {@code sub}; each of its {@code groups} named like a role
 * ({@code operator}, or {@code distexec-operator}) gives that role.
 */
public final class JwtCallers {

  /** The JWT is not good; the message says why, for the 401. */
  public static final class InvalidTokenException extends Exception {
    InvalidTokenException(String message) {
      super(message);
    }
  }

  private final JwtConsumer consumer;

  /**
   * @param issuer the expected {@code iss}
   * @param audiences accepted {@code aud} values; empty to not check the audience
   */
  public JwtCallers(PublicKey key, String issuer, List<String> audiences) {
    JwtConsumerBuilder builder =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setAllowedClockSkewInSeconds(60)
            .setExpectedIssuer(issuer)
            .setVerificationKey(key)
            .setJwsAlgorithmConstraints(
                AlgorithmConstraints.ConstraintType.PERMIT,
                AlgorithmIdentifiers.RSA_USING_SHA256,
                AlgorithmIdentifiers.RSA_USING_SHA384,
                AlgorithmIdentifiers.RSA_USING_SHA512,
                AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384);
    if (audiences.isEmpty()) {
      builder.setSkipDefaultAudienceValidation();
    } else {
      builder.setExpectedAudience(audiences.toArray(String[]::new));
    }
    this.consumer = builder.build();
  }

  /**
   * The public key of a PEM file ({@code -----BEGIN PUBLIC KEY-----}, RSA or EC), at a path or a
   * {@code file:} URL.
   *
   * @throws IllegalArgumentException naming the setting and what is wrong
   */
  public static PublicKey publicKey(String location) {
    Path file = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    String pem;
    try {
      pem = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "MP_JWT_VERIFY_PUBLICKEY_LOCATION: cannot read " + file + ": " + e.getMessage(), e);
    }
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").strip());
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next kind
      }
    }
    throw new IllegalArgumentException(
        "MP_JWT_VERIFY_PUBLICKEY_LOCATION: "
            + file
            + " holds no RSA or EC public key in PEM (-----BEGIN PUBLIC KEY-----)");
  }

  /**
   * @throws InvalidTokenException when the signature, issuer, audience or lifetime is wrong, or it
   *     names nobody
   */
  public Caller caller(String jwt) throws InvalidTokenException {
    JwtClaims claims;
    try {
      claims = consumer.processToClaims(jwt);
    } catch (InvalidJwtException e) {
      throw new InvalidTokenException(
          "the JWT is not valid: "
              + (e.hasExpired()
                  ? "it has expired"
                  : "its signature, issuer, audience or lifetime is wrong"));
    }
    try {
      String name = firstOf(claims, "upn", "preferred_username", "sub");
      if (name == null || name.isBlank() || name.length() > Caller.MAX_NAME_CHARS) {
        throw new InvalidTokenException("the JWT names nobody (no upn, preferred_username or sub)");
      }
      List<String> groups =
          claims.hasClaim("groups") ? claims.getStringListClaimValue("groups") : List.of();
      return new Caller(name, roles(groups), "jwt");
    } catch (MalformedClaimException e) {
      throw new InvalidTokenException("the JWT's claims are malformed: " + e.getMessage());
    }
  }

  private static String firstOf(JwtClaims claims, String... names) throws MalformedClaimException {
    for (String name : names) {
      if (claims.hasClaim(name)) {
        return claims.getStringClaimValue(name);
      }
    }
    return null;
  }

  /** The roles groups give: a group named like a role, with or without "distexec-". */
  static Set<Role> roles(List<String> groups) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String group : groups) {
      String g = group.toLowerCase(Locale.ROOT);
      g = g.startsWith("distexec-") ? g.substring("distexec-".length()) : g;
      for (Role role : Role.values()) {
        if (role.label().equals(g)) {
          roles.add(role);
        }
      }
    }
    return roles;
  }
}
