package io.distexec.it;

import io.distexec.common.ClusterTls;
import io.distexec.testing.LocalCluster;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Where the system tests keep their local clusters: one folder per test class under target/. */
final class Clusters {

  static final Path ROOT =
      Path.of(System.getProperty("distexec.root", "..")).toAbsolutePath().normalize();

  private Clusters() {}

  /**
   * Starts a master and {@code workers} workers with extra settings; returns once all are ready.
   * Their tasks run as the test's own user (TASK_USER), so that they can write the files the test
   * made for them; SecurityIT checks the unprivileged default of a root worker.
   */
  static LocalCluster start(String name, int workers, Map<String, String> settings)
      throws IOException, InterruptedException {
    Path home =
        Path.of(System.getProperty("distexec.it.home", "target/it-clusters"))
            .resolve(name)
            .toAbsolutePath();
    Map<String, String> withUser = new HashMap<>(settings);
    withUser.putIfAbsent("TASK_USER", System.getProperty("user.name"));
    withUser.remove("TASK_USER", ""); // "": the worker's default
    return LocalCluster.start(ROOT, home, workers, withUser);
  }

  /** Adds the cluster's admin token to every call of a gRPC channel. */
  static ClientInterceptor asAdmin(LocalCluster cluster) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        cluster.adminAuthorization());
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  /**
   * A channel to {@code target} over mutual TLS with the certificate in {@code certDir} (a folder
   * of {@code scripts/cluster-certs.sh}), expecting the peer to carry {@code peerRole}.
   */
  static ManagedChannel tlsChannel(String target, Path certDir, String peerRole)
      throws IOException {
    return Grpc.newChannelBuilder(target, ClusterTls.in(certDir).channelCredentials())
        .overrideAuthority(peerRole)
        .build();
  }
}
