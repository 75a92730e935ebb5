package io.distexec.master;

import io.distexec.common.ClusterTls;
import io.distexec.common.GrpcEndpoint;
import io.distexec.common.GrpcLimits;
import io.distexec.common.HostPort;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.Authenticator;
import io.distexec.master.auth.GrpcAuth;
import io.distexec.master.config.ApiSettings;
import io.distexec.master.config.ClusterSettings;
import io.distexec.master.config.MasterConfig;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.grpc.MasterGrpcService;
import io.distexec.master.grpc.RegistrationGrpcService;
import io.distexec.master.grpc.StatusMappingInterceptor;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobService;
import io.distexec.master.leadership.ClusterWorkers;
import io.distexec.master.leadership.Election;
import io.distexec.master.leadership.Lease;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.store.EmbeddedCompaction;
import io.distexec.master.store.JobAnnouncements;
import io.distexec.master.store.OutputRelay;
import io.grpc.ServerInterceptors;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the master's moving parts when the application starts (gRPC endpoint, dispatch loop,
 * dead-worker sweep) and stops them, in reverse order, when it stops.
 */
@ApplicationScoped
public class MasterLifecycle {

  private static final Logger LOG = Logger.getLogger(MasterLifecycle.class.getName());

  /** How often workers past their heartbeat timeout are looked for. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  /** How often jobs past JOB_RETENTION_HOURS are forgotten. */
  static final Duration RETENTION_INTERVAL = Duration.ofMinutes(1);

  /**
   * A worker's failover after its leader goes: a heartbeat left unanswered until its deadline (at
   * most 5 s) and a registration tried at a master that is not the leader (2 s).
   */
  static final Duration WORKER_FAILOVER = Duration.ofSeconds(7);

  /** How long calls in progress get to finish when the master stops. */
  static final Duration GRPC_SHUTDOWN_GRACE = Duration.ofSeconds(2);

  @Resource ManagedExecutorService executor;

  /**
   * For the election's own thread: its turns must not queue behind the long tasks of the shared
   * pool (the dispatch loop, a takeover's wait for workers, the announcement listener and relay),
   * which on two cores fill Liberty's four starting threads. A leader whose renewals wait there for
   * longer than its lease loses it to a standby.
   */
  @Resource ManagedThreadFactory threadFactory;

  private volatile ScheduledExecutorService electionThread;

  @Resource ManagedScheduledExecutorService scheduler;

  private final MasterConfig config;
  private final Dispatcher dispatcher;
  private final NodeRegistry registry;
  private final MasterGrpcService masterService;
  private final RegistrationGrpcService registrationService;
  private final JobService jobs;
  private final Clock clock;
  private final GrpcAuth auth;

  private final ClusterSettings cluster;
  private final ApiSettings api;
  private final Election election;
  private final Optional<JobAnnouncements> announcements;
  private final Optional<OutputRelay> relay;
  private final ClusterWorkers workers;
  private final AnnouncementHandler handler;
  private final JobEvents events;
  private final Optional<EmbeddedCompaction> compaction;

  private volatile GrpcEndpoint endpoint;
  private volatile GrpcEndpoint clusterEndpoint;
  private volatile ScheduledFuture<?> sweep;
  private volatile ScheduledFuture<?> retention;
  private volatile ScheduledFuture<?> compacting;
  private volatile boolean compactionFailing;
  private volatile ScheduledFuture<?> electing;
  private volatile ScheduledFuture<?> wanting;
  private volatile boolean elected;

  @Inject
  MasterLifecycle(
      MasterConfig config,
      Dispatcher dispatcher,
      NodeRegistry registry,
      MasterGrpcService masterService,
      RegistrationGrpcService registrationService,
      JobService jobs,
      Clock clock,
      Authenticator authenticator,
      Audit audit,
      ClusterSettings cluster,
      ApiSettings api,
      Election election,
      Optional<JobAnnouncements> announcements,
      Optional<OutputRelay> relay,
      ClusterWorkers workers,
      AnnouncementHandler handler,
      JobEvents events,
      Optional<EmbeddedCompaction> compaction) {
    this.config = config;
    this.dispatcher = dispatcher;
    this.registry = registry;
    this.masterService = masterService;
    this.registrationService = registrationService;
    this.jobs = jobs;
    this.clock = clock;
    this.cluster = cluster;
    this.api = api;
    this.election = election;
    this.announcements = announcements;
    this.relay = relay;
    this.workers = workers;
    this.handler = handler;
    this.events = events;
    this.compaction = compaction;
    this.auth =
        authenticator == null
            ? null
            : new GrpcAuth(authenticator, audit, MasterGrpcService.ACTIONS);
  }

  /** For CDI's proxy only. */
  protected MasterLifecycle() {
    this(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  void onStart(@Observes Startup startup) {
    HostPort apiBind = new HostPort(config.grpcHost(), config.grpcPort());
    if (!api.tls() && !apiBind.loopback()) {
      LOG.warning(
          () ->
              "the gRPC API at "
                  + apiBind
                  + " is plaintext, so callers' tokens cross the network in clear: set"
                  + " API_TLS_DIR, or keep it behind a proxy that ends TLS");
    }
    try {
      // Clients only, each with a token (GrpcAuth); workers register on the cluster port below.
      endpoint =
          GrpcEndpoint.start(
              "master",
              apiBind,
              List.of(() -> ServerInterceptors.intercept(masterService, auth)),
              List.of(new StatusMappingInterceptor()),
              GrpcLimits.forSpec(config.limits().maxSpecBytes()),
              api.serverCredentials());
    } catch (IOException e) {
      throw new UncheckedIOException(
          e.getMessage() + " (set MASTER_ADDRESS to a free host:port)", e);
    }
    try {
      // Workers, on a port of their own: with CLUSTER_TLS_DIR only holders of a worker
      // certificate from the cluster CA get in.
      clusterEndpoint =
          GrpcEndpoint.start(
              "master-cluster",
              cluster.bind(),
              List.of(
                  cluster.tls() == null
                      ? registrationService
                      : () ->
                          ServerInterceptors.intercept(
                              registrationService, ClusterTls.requireRole(ClusterTls.WORKER))),
              List.of(new StatusMappingInterceptor()),
              GrpcLimits.forSpec(config.limits().maxSpecBytes()),
              cluster.tls() == null ? null : cluster.tls().serverCredentials());
    } catch (IOException e) {
      endpoint.close(0);
      throw new UncheckedIOException(
          e.getMessage() + " (set CLUSTER_ADDRESS to a free host:port)", e);
    }
    election.listen(
        new Election.Listener() {
          @Override
          public void elected(Lease lease) {
            // First the jobs of the previous leader, which workers may report on; workers are let
            // in once they are read. They come over within a heartbeat interval of noticing the
            // change, plus the time a worker may spend on a heartbeat the old leader never answers
            // and on a registration tried at another master first; those that do not are as dead
            // as if they had stopped heartbeating.
            dispatcher.lead(
                executor,
                config.heartbeatTimeout().plus(config.heartbeatInterval()).plus(WORKER_FAILOVER));
          }

          @Override
          public void deposed(String reason) {
            dispatcher.stopLeading();
          }
        });
    announcements.ifPresent(
        a -> executor.execute(() -> a.listen(handler::handle, handler::relisten)));
    relay.ifPresent(
        r -> {
          executor.execute(r::send);
          events.tap(
              (jobId, stream, data, offset) -> {
                if (election.leading()) {
                  r.output(jobId, stream, data, offset);
                }
              });
          wanting =
              scheduler.scheduleAtFixedRate(
                  () -> {
                    if (!election.leading()) {
                      events.watchedLive().forEach(r::want);
                    }
                  },
                  OutputRelay.REPEAT.toMillis(),
                  OutputRelay.REPEAT.toMillis(),
                  TimeUnit.MILLISECONDS);
        });
    // One turn now: a master alone leads before it reports ready.
    election.tick();
    elected = true;
    electionThread = Executors.newSingleThreadScheduledExecutor(threadFactory);
    electing =
        electionThread.scheduleWithFixedDelay(
            this::elect, Election.TICK.toMillis(), Election.TICK.toMillis(), TimeUnit.MILLISECONDS);
    sweep =
        scheduler.scheduleAtFixedRate(
            this::expireWorkers,
            SWEEP_INTERVAL.toMillis(),
            SWEEP_INTERVAL.toMillis(),
            TimeUnit.MILLISECONDS);
    retention =
        scheduler.scheduleAtFixedRate(
            this::forgetOldJobs,
            RETENTION_INTERVAL.toMillis(),
            RETENTION_INTERVAL.toMillis(),
            TimeUnit.MILLISECONDS);
    compaction.ifPresent(
        c ->
            compacting =
                scheduler.scheduleWithFixedDelay(
                    () -> compact(c),
                    EmbeddedCompaction.INTERVAL.toMillis(),
                    EmbeddedCompaction.INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS));
    LOG.info(
        () ->
            "master started: gRPC on "
                + config.grpcHost()
                + ":"
                + endpoint.port()
                + ", workers on "
                + cluster.bind().host()
                + ":"
                + clusterEndpoint.port()
                + (cluster.tls() == null ? " (plaintext, loopback only)" : " (mutual TLS)")
                + ", "
                + config.loadBalancer()
                + " balancing, at most "
                + config.maxConcurrentJobs()
                + " unfinished jobs, "
                + "workers dead after "
                + config.heartbeatTimeout().toSeconds()
                + " s without heartbeat");
  }

  private void elect() {
    try {
      election.tick();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "leader election failed; trying again", e);
    }
  }

  private void expireWorkers() {
    try {
      registry.expire();
      workers.publish(); // for the standbys' answers (nothing to do alone on the store)
    } catch (RuntimeException e) {
      // Never let the periodic task die: a dead sweep would keep dead workers forever.
      LOG.log(Level.SEVERE, "worker expiry failed", e);
    }
  }

  private void forgetOldJobs() {
    if (!election.leading()) {
      return; // one master deletes, the leader
    }
    try {
      int removed = jobs.forgetFinishedBefore(clock.instant().minus(config.jobRetention()));
      if (removed > 0) {
        LOG.info(
            () ->
                "forgot "
                    + removed
                    + " job(s) finished more than "
                    + config.jobRetention().toHours()
                    + " h ago (JOB_RETENTION_HOURS)");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "job retention sweep failed", e);
    }
  }

  private void compact(EmbeddedCompaction c) {
    try {
      c.run();
      if (compactionFailing) {
        compactionFailing = false;
        LOG.info("the embedded store's compaction works again");
      }
    } catch (RuntimeException e) {
      // Once per failing spell, not at every pass; the next pass tries again.
      if (!compactionFailing) {
        compactionFailing = true;
        LOG.log(Level.WARNING, "the embedded store's compaction failed; trying again", e);
      }
    }
  }

  /**
   * True once the gRPC endpoints serve and this master knows whether it leads; a leader's
   * dispatcher runs.
   */
  public boolean started() {
    return endpoint != null && elected && (!election.leading() || dispatcher.isRunning());
  }

  /** Whether this master leads (dispatches); a standby serves clients all the same. */
  public boolean leading() {
    return election.leading();
  }

  public boolean grpcServing() {
    GrpcEndpoint e = endpoint;
    GrpcEndpoint c = clusterEndpoint;
    return e != null && e.isServing() && c != null && c.isServing();
  }

  /** The port workers register on (useful when CLUSTER_ADDRESS has port 0). */
  public int clusterPort() {
    return clusterEndpoint.port();
  }

  public boolean sweeping() {
    ScheduledFuture<?> s = sweep;
    return s != null && !s.isDone();
  }

  @PreDestroy
  void stop() {
    if (electing != null) {
      electing.cancel(false);
    }
    if (wanting != null) {
      wanting.cancel(false);
    }
    relay.ifPresent(OutputRelay::close);
    if (electionThread != null) {
      electionThread.shutdownNow();
    }
    // Another master takes over at once instead of waiting for the lease to run out.
    election.resign();
    announcements.ifPresent(JobAnnouncements::close);
    if (sweep != null) {
      sweep.cancel(false);
    }
    if (retention != null) {
      retention.cancel(false);
    }
    if (compacting != null) {
      compacting.cancel(false);
    }
    if (clusterEndpoint != null) {
      clusterEndpoint.close(GRPC_SHUTDOWN_GRACE.toMillis());
    }
    if (endpoint != null) {
      endpoint.close(GRPC_SHUTDOWN_GRACE.toMillis());
    }
    dispatcher.close();
  }
}
