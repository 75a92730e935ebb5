package io.distexec.master;

import io.distexec.common.ClusterTls;
import io.distexec.common.GrpcChannels;
import io.distexec.common.GrpcLimits;
import io.distexec.common.HostPort;
import io.distexec.master.access.ApiToken;
import io.distexec.master.access.Tokens;
import io.distexec.master.activity.Activity;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.Authenticator;
import io.distexec.master.auth.JwtCallers;
import io.distexec.master.balancing.LoadBalancer;
import io.distexec.master.balancing.LoadBalancers;
import io.distexec.master.config.ApiSettings;
import io.distexec.master.config.ClusterSettings;
import io.distexec.master.config.LeaderSettings;
import io.distexec.master.config.MasterConfig;
import io.distexec.master.config.ScalerConfig;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.grpc.GrpcWorkerPort;
import io.distexec.master.grpc.WorkerChannels;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobLimits;
import io.distexec.master.jobs.JobService;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.JobValidator;
import io.distexec.master.jobs.PublishingJobStore;
import io.distexec.master.kubernetes.KubernetesApi;
import io.distexec.master.kubernetes.KubernetesLeases;
import io.distexec.master.kubernetes.KubernetesPool;
import io.distexec.master.leadership.ClusterWorkers;
import io.distexec.master.leadership.Election;
import io.distexec.master.leadership.LeaseStore;
import io.distexec.master.leadership.SwitchingIntake;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.WorkerNode;
import io.distexec.master.scaling.RegistryWorkers;
import io.distexec.master.scaling.Scaler;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.scheduling.Scheduler;
import io.distexec.master.store.EmbeddedCompaction;
import io.distexec.master.store.JobAnnouncements;
import io.distexec.master.store.OpenedStore;
import io.distexec.master.store.OutputRelay;
import io.distexec.master.store.StoreSettings;
import io.distexec.master.store.Stores;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Builds the master's plain-Java parts once and hands them to CDI. The parts themselves know
 * nothing of CDI, which keeps them testable without a container.
 */
@ApplicationScoped
public class MasterBeans {

  private static final Logger LOG = Logger.getLogger(MasterBeans.class.getName());

  /** A scaler turn must not hang on a slow API server: it is tried again at the next turn. */
  private static final int SCALER_API_TIMEOUT_MILLIS = 5_000;

  @Resource ManagedExecutorService managedExecutor;

  /** Short background work (sending watchers their events): the application's managed executor. */
  @Produces
  @Singleton
  Executor background() {
    return managedExecutor;
  }

  @Produces
  @Singleton
  MasterConfig config() {
    Config config = ConfigProvider.getConfig();
    HostPort address =
        HostPort.parse(
            "MASTER_ADDRESS",
            config
                .getOptionalValue("MASTER_ADDRESS", String.class)
                .orElse(MasterConfig.DEFAULT_ADDRESS));
    return new MasterConfig(
        address.host(),
        address.port(),
        config
            .getOptionalValue("MAX_CONCURRENT_JOBS", Integer.class)
            .orElse(MasterConfig.DEFAULT_MAX_CONCURRENT_JOBS),
        Duration.ofSeconds(
            config
                .getOptionalValue("HEARTBEAT_TIMEOUT_SECONDS", Integer.class)
                .orElse(MasterConfig.DEFAULT_HEARTBEAT_TIMEOUT_SECONDS)),
        Duration.ofSeconds(
            config
                .getOptionalValue("HEARTBEAT_INTERVAL_SECONDS", Integer.class)
                .orElse(MasterConfig.DEFAULT_HEARTBEAT_INTERVAL_SECONDS)),
        config
            .getOptionalValue("LOAD_BALANCER", String.class)
            .orElse(MasterConfig.DEFAULT_LOAD_BALANCER),
        Duration.ofHours(
            config
                .getOptionalValue("JOB_RETENTION_HOURS", Integer.class)
                .orElse(MasterConfig.DEFAULT_JOB_RETENTION_HOURS)),
        config
            .getOptionalValue("OUTPUT_CAP_BYTES", Integer.class)
            .orElse(MasterConfig.DEFAULT_OUTPUT_CAP_BYTES),
        new JobLimits(
            config
                .getOptionalValue("MAX_JOB_SPEC_BYTES", Integer.class)
                .orElse(JobLimits.DEFAULT_MAX_SPEC_BYTES),
            Duration.ofSeconds(
                config
                    .getOptionalValue("DEFAULT_TIMEOUT_SECONDS", Long.class)
                    .orElse(JobLimits.DEFAULT_TIMEOUT_SECONDS)),
            Duration.ofSeconds(
                config
                    .getOptionalValue("MAX_TIMEOUT_SECONDS", Long.class)
                    .orElse(JobLimits.DEFAULT_MAX_TIMEOUT_SECONDS))));
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  NodeRegistry registry(Clock clock, MasterConfig config) {
    return new NodeRegistry(clock, config.heartbeatTimeout());
  }

  /**
   * Where jobs are kept: STORE_URL (a JDBC URL, or {@code memory}); by default a SQLite database
   * file under DATA_DIR. STORE_USER and STORE_PASSWORD log in; the password is never logged.
   */
  @Produces
  @Singleton
  StoreSettings storeSettings() {
    Config config = ConfigProvider.getConfig();
    return new StoreSettings(
        config.getOptionalValue("STORE_URL", String.class).orElse(""),
        config.getOptionalValue("STORE_USER", String.class).orElse(""),
        config.getOptionalValue("STORE_PASSWORD", String.class).orElse(""),
        Path.of(
            config
                .getOptionalValue("DATA_DIR", String.class)
                .orElse(StoreSettings.DEFAULT_DATA_DIR)),
        config
            .getOptionalValue("STORE_POOL_SIZE", Integer.class)
            .orElse(StoreSettings.DEFAULT_POOL_SIZE));
  }

  @Produces
  @Singleton
  OpenedStore openedStore(StoreSettings settings, Clock clock, LeaderSettings leader) {
    return Stores.openAll(settings, clock, leader.name());
  }

  /** MASTER_ID, CLUSTER_ADVERTISE_ADDRESS, LEADER_LEASE_SECONDS: see {@link LeaderSettings}. */
  @Produces
  @Singleton
  LeaderSettings leaderSettings() {
    Config config = ConfigProvider.getConfig();
    return new LeaderSettings(
        config.getOptionalValue("MASTER_ID", String.class).orElseGet(MasterBeans::hostName),
        LeaderSettings.newIncarnation(),
        config.getOptionalValue("CLUSTER_ADVERTISE_ADDRESS", String.class).orElse(""),
        Duration.ofSeconds(
            config
                .getOptionalValue("LEADER_LEASE_SECONDS", Integer.class)
                .orElse(LeaderSettings.DEFAULT_LEASE_SECONDS)),
        LeaderSettings.Mechanism.parse(
            config.getOptionalValue("LEADER_ELECTION", String.class).orElse("auto")),
        config
            .getOptionalValue("LEADER_LEASE_NAME", String.class)
            .orElse(LeaderSettings.DEFAULT_LEASE_NAME));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "master";
    }
  }

  /**
   * Which of the masters sharing the store leads. The cluster address is read when first needed:
   * the cluster endpoint may be bound to port 0 and know its port only once started.
   */
  @Produces
  @Singleton
  Election election(
      OpenedStore opened,
      LeaderSettings leader,
      MasterConfig config,
      ClusterSettings cluster,
      Clock clock) {
    String clusterAddress =
        leader.clusterAdvertiseAddress().isBlank()
            ? advertised(cluster.bind())
            : leader.clusterAdvertiseAddress();
    LeaseStore leases =
        leader.kubernetes(opened.shared(), KubernetesApi.inPod())
            ? KubernetesLeases.open(leader, opened.leases(), clock)
            : opened.leases();
    return new Election(
        leases,
        leader.name(),
        leader.incarnation(),
        advertised(new HostPort(config.grpcHost(), config.grpcPort())),
        clusterAddress,
        leader.lease(),
        clock);
  }

  /** A wildcard bind cannot be dialled: this host's name stands for it. */
  private static String advertised(HostPort bind) {
    if (bind.host().equals("0.0.0.0") || bind.host().equals("::")) {
      return new HostPort(hostName(), bind.port()).toString();
    }
    return bind.toString();
  }

  /** Announcements between masters sharing a PostgreSQL store; empty for a store of one master. */
  @Produces
  @Singleton
  Optional<JobAnnouncements> announcements(
      OpenedStore opened, StoreSettings settings, LeaderSettings leader) {
    return opened.shared()
        ? Optional.of(new JobAnnouncements(settings, leader.name()))
        : Optional.empty();
  }

  void closeAnnouncements(@Disposes Optional<JobAnnouncements> announcements) {
    announcements.ifPresent(JobAnnouncements::close);
  }

  /** An H2 file's compaction (STORE_URL=jdbc:h2:file:...), run by the master; empty otherwise. */
  @Produces
  @Singleton
  Optional<EmbeddedCompaction> compaction(OpenedStore opened) {
    return opened.compaction();
  }

  /** The workers as any master answers for them (a standby: as the leader published them). */
  @Produces
  @Singleton
  ClusterWorkers clusterWorkers(
      Election election,
      NodeRegistry registry,
      Dispatcher dispatcher,
      OpenedStore opened,
      Optional<JobAnnouncements> announcements) {
    return new ClusterWorkers(
        election::leading,
        registry,
        dispatcher::inFlight,
        opened.board(),
        id -> announcements.ifPresent(a -> a.drain(id)));
  }

  /** Live output for the watchers of standbys; empty for a store of one master. */
  @Produces
  @Singleton
  Optional<OutputRelay> outputRelay(
      OpenedStore opened, StoreSettings settings, LeaderSettings leader, Clock clock) {
    return opened.shared()
        ? Optional.of(new OutputRelay(settings, leader.name(), clock))
        : Optional.empty();
  }

  void closeOutputRelay(@Disposes Optional<OutputRelay> relay) {
    relay.ifPresent(OutputRelay::close);
  }

  void closeStore(@Disposes OpenedStore store) {
    store.close();
  }

  /**
   * Events and output of every job, for watchers; output kept up to OUTPUT_CAP_BYTES per stream.
   */
  @Produces
  @Singleton
  JobEvents events(MasterConfig config, Clock clock, OpenedStore opened, Activity activity) {
    JobEvents events = new JobEvents(config.outputCapBytes(), clock, opened.store());
    events.tapStates(activity::changed);
    return events;
  }

  /** The last hour's jobs for the console, counted as their changes are recorded. */
  @Produces
  @Singleton
  Activity activity(Clock clock) {
    return new Activity(clock);
  }

  @Produces
  @Singleton
  JobStore store(JobEvents events, OpenedStore opened) {
    return new PublishingJobStore(opened.store(), events);
  }

  /**
   * The API tokens: those made through the API (in the store), the admin token of ADMIN_TOKEN_FILE
   * (a file holding the secret, as {@code scripts/local-cluster.sh} and a Kubernetes Secret give
   * it), and those of TOKENS_FILE (names, roles and hashes).
   */
  @Produces
  @Singleton
  Tokens tokens(OpenedStore opened, Clock clock) {
    Config config = ConfigProvider.getConfig();
    List<ApiToken> fixed = new ArrayList<>();
    Optional<Path> adminFile =
        config.getOptionalValue("ADMIN_TOKEN_FILE", String.class).map(Path::of);
    adminFile.ifPresent(
        file ->
            fixed.add(
                Tokens.adminFromSecret(read(file, "ADMIN_TOKEN_FILE"), file.toString(), clock)));
    config
        .getOptionalValue("TOKENS_FILE", String.class)
        .map(Path::of)
        .ifPresent(
            file ->
                fixed.addAll(Tokens.parseFile(read(file, "TOKENS_FILE"), file.toString(), clock)));
    Tokens tokens = new Tokens(opened.tokens(), fixed, clock);
    if (tokens.list().stream().noneMatch(t -> !t.revoked())) {
      LOG.warning(
          "no API token is defined: nobody can call the API. Set ADMIN_TOKEN_FILE to a file"
              + " holding an admin token (scripts/local-cluster.sh makes one)");
    }
    return tokens;
  }

  private static String read(Path file, String setting) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          setting + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * API tokens, and an identity provider's JWTs when MP_JWT_VERIFY_PUBLICKEY_LOCATION and
   * MP_JWT_VERIFY_ISSUER are set (the names of MicroProfile JWT's settings).
   */
  @Produces
  @Singleton
  Authenticator authenticator(Tokens tokens) {
    Config config = ConfigProvider.getConfig();
    Optional<String> key =
        config.getOptionalValue("mp.jwt.verify.publickey.location", String.class);
    if (key.isEmpty()) {
      return new Authenticator(tokens);
    }
    String issuer =
        config
            .getOptionalValue("mp.jwt.verify.issuer", String.class)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "MP_JWT_VERIFY_ISSUER must name the identity provider whose JWTs"
                            + " MP_JWT_VERIFY_PUBLICKEY_LOCATION verifies"));
    List<String> audiences =
        config
            .getOptionalValue("mp.jwt.verify.audiences", String.class)
            .map(a -> List.of(a.split("\\s*,\\s*")))
            .orElse(List.of());
    LOG.info(() -> "JWTs of " + issuer + " are accepted; their groups give the roles");
    return new Authenticator(
        tokens, new JwtCallers(JwtCallers.publicKey(key.get()), issuer, audiences));
  }

  @Produces
  @Singleton
  Audit audit(OpenedStore opened, Clock clock) {
    return new Audit(opened.audit(), clock);
  }

  @Produces
  @Singleton
  JobQueue queue(MasterConfig config) {
    return new JobQueue(config.maxConcurrentJobs());
  }

  /** The balancer named by LOAD_BALANCER. */
  @Produces
  @Singleton
  LoadBalancer balancer(MasterConfig config) {
    return LoadBalancers.named(config.loadBalancer());
  }

  /** CLUSTER_ADDRESS and CLUSTER_TLS_DIR: see {@link ClusterSettings}. */
  @Produces
  @Singleton
  ClusterSettings cluster() {
    Config config = ConfigProvider.getConfig();
    HostPort bind =
        HostPort.parse(
            "CLUSTER_ADDRESS",
            config
                .getOptionalValue("CLUSTER_ADDRESS", String.class)
                .orElse(ClusterSettings.DEFAULT_ADDRESS));
    return new ClusterSettings(
        bind,
        ClusterTls.forBind(
            config.getOptionalValue("CLUSTER_TLS_DIR", String.class).orElse(null),
            "CLUSTER_ADDRESS",
            bind));
  }

  /** API_TLS_DIR: see {@link ApiSettings}. */
  @Produces
  @Singleton
  ApiSettings api() {
    return ApiSettings.of(
        ConfigProvider.getConfig().getOptionalValue("API_TLS_DIR", String.class).orElse(null));
  }

  @Produces
  @Singleton
  GrpcChannels grpcChannels(ClusterSettings cluster) throws IOException {
    // Workers answer with results of up to two capped output streams.
    return cluster.tls() == null
        ? new GrpcChannels("master", GrpcLimits.forResults())
        : new GrpcChannels(
            "master",
            GrpcLimits.forResults(),
            cluster.tls().channelCredentials(),
            ClusterTls.WORKER);
  }

  void closeGrpcChannels(@Disposes GrpcChannels channels) {
    channels.close();
  }

  @Produces
  @Singleton
  WorkerChannels workerChannels(GrpcChannels grpc) {
    return new WorkerChannels(grpc::open);
  }

  void closeWorkerChannels(@Disposes WorkerChannels channels) {
    channels.close();
  }

  /**
   * The dispatcher writes through the fenced store: once another master leads, its writes are
   * refused.
   */
  @Produces
  @Singleton
  Dispatcher dispatcher(
      OpenedStore opened,
      Election election,
      JobQueue queue,
      NodeRegistry registry,
      LoadBalancer balancer,
      WorkerChannels channels,
      JobEvents events,
      Clock clock) {
    return new Dispatcher(
        new PublishingJobStore(opened.store().fencedBy(election::term), events),
        queue,
        registry,
        new Scheduler(balancer),
        new GrpcWorkerPort(channels, election::term),
        events,
        clock);
  }

  void stopDispatcher(@Disposes Dispatcher dispatcher) {
    dispatcher.close();
  }

  @Produces
  @Singleton
  JobService jobService(
      JobStore store,
      JobQueue queue,
      NodeRegistry registry,
      Dispatcher dispatcher,
      JobEvents events,
      Clock clock,
      MasterConfig config,
      Election election,
      Optional<JobAnnouncements> announcements,
      Optional<Scaler> scaler) {
    JobValidator validator =
        new JobValidator(
            () -> {
              Set<String> types = new HashSet<>();
              registry.snapshot().stream().map(WorkerNode::executors).forEach(types::addAll);
              return types;
            },
            config.limits());
    // A standby stores jobs for the leader to take, and asks it to cancel those on workers.
    JobService.Canceller canceller =
        announcements.isEmpty()
            ? dispatcher::cancel
            : (id, reason) -> {
              if (election.leading()) {
                dispatcher.cancel(id, reason);
              } else {
                announcements.get().cancel(id, reason);
              }
            };
    return new JobService(
        store,
        new SwitchingIntake(
            election::leading, queue, dispatcher::wake, store::countUnfinished, clock),
        validator,
        canceller,
        events,
        clock,
        job ->
            election.leading()
                ? dispatcher
                    .waiting(job)
                    .map(why -> scaler.map(s -> s.explainWait(why)).orElse(why))
                : standbyWaiting(job, election));
  }

  /** SCALER and SCALER_*: see {@link ScalerConfig}. */
  @Produces
  @Singleton
  ScalerConfig scalerConfig() {
    Config config = ConfigProvider.getConfig();
    return ScalerConfig.read(name -> config.getOptionalValue(name, String.class).orElse(null));
  }

  /**
   * The autoscaler, when SCALER=kubernetes: the workers' Deployment in this master's namespace,
   * reached as the pod's service account (or as KUBECONFIG says outside a pod). Its turns run on
   * the leader only (see {@link ScalerTurns}).
   */
  @Produces
  @Singleton
  Optional<Scaler> scaler(
      ScalerConfig settings, NodeRegistry registry, Dispatcher dispatcher, Clock clock) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    KubernetesPool pool =
        new KubernetesPool(
            KubernetesApi.client("SCALER=kubernetes", SCALER_API_TIMEOUT_MILLIS),
            KubernetesApi.namespace(),
            settings.deployment());
    LOG.info(() -> "autoscaler: " + pool.describe() + ", " + settings.rules());
    return Optional.of(
        new Scaler(
            settings.rules(), pool, new RegistryWorkers(registry, dispatcher::inFlight), clock));
  }

  /** Why a job waits, as a standby can tell: the leader knows the queue and the workers. */
  private static Optional<String> standbyWaiting(
      io.distexec.master.jobs.Job job, Election election) {
    if (job.status() != io.distexec.master.jobs.JobStatus.QUEUED) {
      return Optional.empty();
    }
    return Optional.of(
        election
            .leaderLease()
            .map(l -> "queued; master " + l.holder() + " (the leader) places it")
            .orElse("queued; no master leads at this moment, one takes over within seconds"));
  }
}
