package io.distexec.master.config;

import io.distexec.common.ClusterTls;
import io.distexec.common.HostPort;

/**
 * Where the master meets its workers: the address of its registration endpoint (CLUSTER_ADDRESS),
 * kept apart from the client API so that opening one to workers does not open the other, and the
 * mutual TLS of both directions (CLUSTER_TLS_DIR), or {@code null} on loopback without it.
 */
public record ClusterSettings(HostPort bind, ClusterTls tls) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:50050";
}
