package io.distexec.master.kubernetes;

import io.distexec.master.leadership.Lease;
import io.distexec.master.leadership.LeaseRules;
import io.distexec.master.leadership.LeaseStore;
import io.distexec.master.store.JdbcLeaseStore;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The lease as a Kubernetes {@code coordination.k8s.io/v1} Lease, the object Kubernetes' own
 * controllers elect their leaders with: who holds it is decided by the API server (every write
 * names the version it read, and the server refuses it if the Lease changed meanwhile), by the same
 * {@link LeaseRules} as the database's lease. The term is stored as the Lease's {@code
 * leaseTransitions} and raised on the database's fence, so that the store refuses the writes of an
 * older leader exactly as with the database's lease. The list of masters stays in the database.
 *
 * <p>Expiry is judged as client-go and client-java's leader election judge it: by this master's own
 * clock, from when it first saw the Lease's current version, never by comparing its clock with the
 * holder's {@code renewTime}, so clocks that disagree cannot make two leaders.
 */
public final class KubernetesLeaseStore implements LeaseStore {

  private static final Logger LOG = Logger.getLogger(KubernetesLeaseStore.class.getName());

  static final String INCARNATION = "distexec.io/incarnation";
  static final String CLUSTER_ADDRESS = "distexec.io/cluster-address";

  private final CoordinationV1Api api;
  private final String namespace;
  private final String name;
  private final JdbcLeaseStore database;
  private final Clock clock;

  /** The Lease's version as this master last saw it, and when it first saw that version. */
  private record Seen(String version, Instant at) {}

  private Seen seen = new Seen(null, Instant.MIN);

  /**
   * @param name the Lease's name (LEADER_LEASE_NAME), the one the master's Role may update
   * @param database the shared database: its fence, and the list of masters
   */
  public KubernetesLeaseStore(
      CoordinationV1Api api, String namespace, String name, JdbcLeaseStore database, Clock clock) {
    this.api = api;
    this.namespace = namespace;
    this.name = name;
    this.database = database;
    this.clock = clock;
  }

  @Override
  public synchronized Lease claim(
      String master, String incarnation, String clusterAddress, Duration duration) {
    try {
      V1Lease current = read();
      if (current == null) {
        return take(
            null, Lease.none(clock.instant()), master, incarnation, clusterAddress, duration);
      }
      Lease lease = view(current);
      LeaseRules.Claim claim = LeaseRules.decide(lease, master, incarnation);
      LOG.fine(
          () ->
              claim
                  + ": "
                  + lease.holder()
                  + " term "
                  + lease.term()
                  + ", version "
                  + current.getMetadata().getResourceVersion()
                  + " seen since "
                  + seen.at()
                  + ", expires "
                  + lease.expiresAt());
      return switch (claim) {
        case WAIT -> lease;
        case RENEW -> {
          Lease renewed = lease.renewed(clusterAddress, duration);
          current.getSpec().setRenewTime(time(renewed.now()));
          current.getSpec().setLeaseDurationSeconds((int) duration.toSeconds());
          current.getMetadata().putAnnotationsItem(CLUSTER_ADDRESS, clusterAddress);
          if (!write(current, false)) {
            yield view(read()); // changed meanwhile: decided again at the next turn
          }
          // Idempotent: a takeover whose fence update failed is completed by the next renewal.
          database.raiseFence(lease.term());
          yield renewed;
        }
        case TAKE -> take(current, lease, master, incarnation, clusterAddress, duration);
      };
    } catch (ApiException e) {
      throw new IllegalStateException(describe(e), e);
    }
  }

  /**
   * Takes the Lease with a term above both the Lease's and the fence's (a Lease deleted and made
   * again starts its count anew; the fence never does).
   */
  private Lease take(
      V1Lease current,
      Lease read,
      String master,
      String incarnation,
      String clusterAddress,
      Duration duration)
      throws ApiException {
    long term = Math.max(read.term(), database.fence()) + 1;
    Instant now = clock.instant();
    V1Lease taken = current == null ? new V1Lease() : current;
    if (taken.getMetadata() == null) {
      taken.setMetadata(new V1ObjectMeta().name(name).namespace(namespace));
    }
    Map<String, String> annotations =
        new HashMap<>(
            taken.getMetadata().getAnnotations() == null
                ? Map.of()
                : taken.getMetadata().getAnnotations());
    annotations.put(INCARNATION, incarnation);
    annotations.put(CLUSTER_ADDRESS, clusterAddress);
    taken.getMetadata().setAnnotations(annotations);
    taken.setSpec(
        new V1LeaseSpec()
            .holderIdentity(master)
            .leaseDurationSeconds((int) duration.toSeconds())
            .acquireTime(time(now))
            .renewTime(time(now))
            .leaseTransitions(Math.toIntExact(term)));
    if (!write(taken, current == null)) {
      return view(read()); // another master took it first
    }
    // Waits for the older leader's writes under way, and refuses all later ones.
    database.raiseFence(term);
    return new Lease(master, incarnation, term, clusterAddress, now, now.plus(duration), now);
  }

  /** The Lease, or null when there is none yet. */
  private V1Lease read() throws ApiException {
    try {
      return api.readNamespacedLease(name, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Creates or replaces the Lease as read; false when the API server refused it because another
   * wrote first (409: the version read is no longer the Lease's).
   */
  private boolean write(V1Lease lease, boolean create) throws ApiException {
    try {
      V1Lease written =
          create
              ? api.createNamespacedLease(namespace, lease).execute()
              : api.replaceNamespacedLease(name, namespace, lease).execute();
      seen = new Seen(written.getMetadata().getResourceVersion(), clock.instant());
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /** The Lease as the election reads it, its expiry by this master's clock. */
  private Lease view(V1Lease lease) {
    Instant now = clock.instant();
    if (lease == null) {
      return Lease.none(now);
    }
    String version = lease.getMetadata().getResourceVersion();
    if (version == null || !version.equals(seen.version())) {
      seen = new Seen(version, now);
    }
    V1LeaseSpec spec = lease.getSpec() == null ? new V1LeaseSpec() : lease.getSpec();
    Map<String, String> annotations =
        lease.getMetadata().getAnnotations() == null
            ? Map.of()
            : lease.getMetadata().getAnnotations();
    String holder = spec.getHolderIdentity();
    if (holder == null || holder.isEmpty()) {
      return new Lease(null, null, transitions(spec), null, null, null, now);
    }
    int seconds = spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
    return new Lease(
        holder,
        // A holder that is not a distexec master (made by hand) has no incarnation: never ours.
        annotations.getOrDefault(INCARNATION, ""),
        transitions(spec),
        annotations.get(CLUSTER_ADDRESS),
        spec.getAcquireTime() == null ? null : spec.getAcquireTime().toInstant(),
        seen.at().plusSeconds(seconds),
        now);
  }

  private static long transitions(V1LeaseSpec spec) {
    return spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
  }

  @Override
  public synchronized void release(String master, String incarnation) {
    try {
      V1Lease current = read();
      if (current == null || !view(current).heldBy(master, incarnation)) {
        return;
      }
      // No holder: the next master to look takes it at once (client-go lets go the same way).
      current.getSpec().setHolderIdentity(null);
      current.getSpec().setRenewTime(time(clock.instant()));
      write(current, false);
    } catch (ApiException e) {
      throw new IllegalStateException(describe(e), e);
    }
  }

  @Override
  public void checkIn(Member me) {
    database.checkIn(me);
  }

  @Override
  public List<Member> members(Instant since) {
    return database.members(since);
  }

  private String describe(ApiException e) {
    String reason = KubernetesApi.describe(e);
    if (e.getCode() == 403) {
      reason += " (the master's service account needs get, create and update on Leases)";
    }
    return "Kubernetes Lease " + namespace + "/" + name + ": " + reason;
  }

  private static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
