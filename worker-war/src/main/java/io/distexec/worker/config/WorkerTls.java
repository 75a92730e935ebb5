package io.distexec.worker.config;

import io.distexec.common.ClusterTls;

/**
 * The worker's side of the cluster's mutual TLS (CLUSTER_TLS_DIR): its certificate for dialling the
 * master and for serving the master alone; {@code tls} is {@code null} on loopback without it.
 */
public record WorkerTls(ClusterTls tls) {}
