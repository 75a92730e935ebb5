package io.distexec.master.config;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TLS of the client API (API_TLS_DIR): a folder with {@code tls.crt} and {@code tls.key}, the
 * layout of a Kubernetes TLS Secret and of what cert-manager writes, as for CLUSTER_TLS_DIR. The
 * gRPC API serves it here; Liberty serves the REST API over HTTPS from the same files, converted to
 * its keystore by whoever starts the server (scripts/local-cluster.sh, the container image).
 * Callers are authenticated by their tokens, not by certificates, so no client certificate is asked
 * for.
 *
 * @param tlsDir the folder, or {@code null} for plaintext
 */
public record ApiSettings(Path tlsDir) {

  /**
   * @param tlsDir API_TLS_DIR, or {@code null} or blank for none
   * @throws IllegalArgumentException naming a missing file
   */
  public static ApiSettings of(String tlsDir) {
    if (tlsDir == null || tlsDir.isBlank()) {
      return new ApiSettings(null);
    }
    Path dir = Path.of(tlsDir);
    for (String file : List.of("tls.crt", "tls.key")) {
      if (!Files.isReadable(dir.resolve(file))) {
        throw new IllegalArgumentException(
            "API_TLS_DIR " + dir + " has no readable " + file + " (it holds tls.crt and tls.key)");
      }
    }
    return new ApiSettings(dir);
  }

  public boolean tls() {
    return tlsDir != null;
  }

  /** The gRPC API's credentials, or {@code null} for plaintext. */
  public ServerCredentials serverCredentials() throws IOException {
    return tlsDir == null
        ? null
        : TlsServerCredentials.create(
            tlsDir.resolve("tls.crt").toFile(), tlsDir.resolve("tls.key").toFile());
  }
}
