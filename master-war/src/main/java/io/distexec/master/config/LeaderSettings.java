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
 * @param election LEADER_ELECTION: where the lease is kept
 * @param leaseName LEADER_LEASE_NAME: the Kubernetes Lease's name (the one the master's Role may
 *     update)
 */
public record LeaderSettings(
    String name,
    String incarnation,
    String clusterAdvertiseAddress,
    Duration lease,
    Mechanism election,
    String leaseName) {

  public static final int DEFAULT_LEASE_SECONDS = 5;
  public static final String DEFAULT_LEASE_NAME = "distexec-master";

  /** LEADER_ELECTION: where the masters sharing a store keep their lease. */
  public enum Mechanism {
    /**
     * A Kubernetes Lease when the master runs in a pod (KUBERNETES_SERVICE_HOST is set) and shares
     * a PostgreSQL store; the store otherwise.
     */
    AUTO,
    /** A row in the store (the local cluster, and anywhere without Kubernetes). */
    STORE,
    /** A coordination.k8s.io Lease; needs a shared PostgreSQL store for the fence. */
    KUBERNETES;

    public static Mechanism parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "LEADER_ELECTION must be auto, store or kubernetes, got '" + value + "'");
      }
    }
  }

  /**
   * Whether the lease is a Kubernetes Lease, for a store shared or not.
   *
   * @param inPod whether the master runs in a Kubernetes pod
   * @throws IllegalStateException for LEADER_ELECTION=kubernetes without a shared store
   */
  public boolean kubernetes(boolean sharedStore, boolean inPod) {
    return switch (election) {
      case STORE -> false;
      case AUTO -> sharedStore && inPod;
      case KUBERNETES -> {
        if (!sharedStore) {
          throw new IllegalStateException(
              "LEADER_ELECTION=kubernetes needs a PostgreSQL STORE_URL: the masters' fence is kept"
                  + " there");
        }
        yield true;
      }
    };
  }

  public LeaderSettings {
    if (leaseName == null || !leaseName.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw new IllegalArgumentException(
          "LEADER_LEASE_NAME must be a Kubernetes object name (lower case letters, digits, '-' and"
              + " '.'), got '"
              + leaseName
              + "'");
    }
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
