package io.distexec.master.kubernetes;

import io.distexec.master.config.LeaderSettings;
import io.distexec.master.leadership.LeaseStore;
import io.distexec.master.store.JdbcLeaseStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import java.time.Clock;
import java.util.logging.Logger;

/** Opens the leader's lease as a Kubernetes Lease (LEADER_ELECTION, see {@link LeaderSettings}). */
public final class KubernetesLeases {

  private static final Logger LOG = Logger.getLogger(KubernetesLeases.class.getName());

  /**
   * An election turn must not hang on a slow API server: it is tried again a second later, and a
   * leader that cannot renew steps down before its lease runs out.
   */
  private static final int TIMEOUT_MILLIS = 2_000;

  private KubernetesLeases() {}

  /**
   * The Lease in this pod's namespace (POD_NAMESPACE, else the service account's), reached as the
   * pod's service account, or as KUBECONFIG (or ~/.kube/config) says outside a pod.
   *
   * @param database the shared store's lease: its fence and its list of masters are kept
   */
  public static LeaseStore open(LeaderSettings leader, LeaseStore database, Clock clock) {
    if (!(database instanceof JdbcLeaseStore jdbc)) {
      throw new IllegalStateException("a Kubernetes Lease needs the masters' shared database");
    }
    ApiClient client = KubernetesApi.client("LEADER_ELECTION=kubernetes", TIMEOUT_MILLIS);
    String namespace = KubernetesApi.namespace();
    LOG.info(
        () ->
            "leader election: Kubernetes Lease "
                + namespace
                + "/"
                + leader.leaseName()
                + " on "
                + client.getBasePath());
    return new KubernetesLeaseStore(
        new CoordinationV1Api(client), namespace, leader.leaseName(), jdbc, clock);
  }
}
