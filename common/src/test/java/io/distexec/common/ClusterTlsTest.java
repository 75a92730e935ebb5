package io.distexec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTlsTest {

  @Test
  void aCertificateSpeaksForItsOwnWorkerAndAPoolCertificateForItsPoolOnly() {
    ClusterTls.Peer one = new ClusterTls.Peer("worker-1", java.util.Set.of(ClusterTls.WORKER));
    assertThat(one.speaksFor("worker-1")).isTrue();
    assertThat(one.speaksFor("worker-10")).isFalse();
    assertThat(one.speaksFor("worker-")).isFalse();
    ClusterTls.Peer pool =
        new ClusterTls.Peer("distexec-worker-*", java.util.Set.of(ClusterTls.WORKER));
    assertThat(pool.speaksFor("distexec-worker-7d9f8-abcde")).isTrue();
    assertThat(pool.speaksFor("distexec-worker-")).isFalse();
    assertThat(pool.speaksFor("worker-1")).isFalse();
    assertThat(pool.speaksFor("distexec-master")).isFalse();
  }

  @Test
  void plaintextIsOnlyForLoopback() {
    assertThat(ClusterTls.forBind(null, "CLUSTER_ADDRESS", new HostPort("127.0.0.1", 50050)))
        .isNull();
    assertThatThrownBy(
            () -> ClusterTls.forBind("", "CLUSTER_ADDRESS", new HostPort("0.0.0.0", 50050)))
        .hasMessageContaining("CLUSTER_ADDRESS=0.0.0.0:50050 can be reached from other machines")
        .hasMessageContaining("CLUSTER_TLS_DIR");
  }

  @Test
  void aTlsFolderMustHoldTheThreeFilesOfATlsSecret(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tls.crt"), "x");
    Files.writeString(dir.resolve("tls.key"), "x");
    assertThatThrownBy(
            () -> ClusterTls.forBind(dir.toString(), "WORKER_ADDRESS", new HostPort("0.0.0.0", 1)))
        .hasMessageContaining("has no readable ca.crt");
    Files.writeString(dir.resolve("ca.crt"), "x");
    assertThat(ClusterTls.forBind(dir.toString(), "WORKER_ADDRESS", new HostPort("0.0.0.0", 1)))
        .isEqualTo(new ClusterTls(dir));
  }
}
