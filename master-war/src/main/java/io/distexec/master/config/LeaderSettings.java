package io.distexec.master.config;

import java.time.Duration;
import java.util.UUID;

/**
 * This master among several (see {@code leadership.Election}).
 *
 * @param name MASTER_ID: unique among the masters sharing a store (default: the host's name, which
 *     is the pod's name on Kubernetes)
 * @param incarnation this run of the process: a random string
 * @param clusterAdvertiseAddress CLUSTER_ADVERTISE_ADDRESS: where workers reach this master's
 *     cluster port, named to them by standbys when this master leads; empty: CLUSTER_ADDRESS
 * @param lease LEADER_LEASE_SECONDS: how long a leader that stopped renewing is waited for
 */
public record LeaderSettings(
    String name, String incarnation, String clusterAdvertiseAddress, Duration lease) {

  public static final int DEFAULT_LEASE_SECONDS = 5;

  public LeaderSettings {
    if (name == null || name.isBlank() || name.length() > 200 || name.contains(" ")) {
      throw new IllegalArgumentException(
          "MASTER_ID must be 1 to 200 characters without spaces, got '" + name + "'");
    }
    if (lease.toSeconds() < 2 || lease.toSeconds() > 300) {
      throw new IllegalArgumentException(
          "LEADER_LEASE_SECONDS must be from 2 to 300, got " + lease.toSeconds());
    }
  }

  public static String newIncarnation() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
