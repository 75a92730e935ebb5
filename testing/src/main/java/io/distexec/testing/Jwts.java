package io.distexec.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A stand-in identity provider for tests: an RSA key pair, its public key as PEM (what the master's
 * MP_JWT_VERIFY_PUBLICKEY_LOCATION names), and RS256 JWTs signed with it, with the JDK alone.
 */
public final class Jwts {

  private Jwts() {}

  public static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** An RS256 JWT of {@code claims}: values are strings, numbers or lists of strings. */
  public static String sign(PrivateKey key, Map<String, ?> claims) {
    String header = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
    String payload = encode(json(claims));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header
          + "."
          + payload
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(Map<String, ?> claims) {
    return claims.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + value(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String value(Object value) {
    if (value instanceof Number) {
      return value.toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(v -> quote(v.toString())).collect(Collectors.joining(",", "[", "]"));
    }
    return quote(value.toString());
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
