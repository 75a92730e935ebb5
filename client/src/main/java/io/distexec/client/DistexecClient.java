package io.distexec.client;

import io.distexec.common.GrpcChannels;
import io.distexec.common.GrpcEndpoint;
import io.distexec.common.ProtoTime;
import io.distexec.proto.v1.CancelJobRequest;
import io.distexec.proto.v1.CreateTokenRequest;
import io.distexec.proto.v1.DrainWorkerRequest;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.ListAuditRequest;
import io.distexec.proto.v1.ListJobsRequest;
import io.distexec.proto.v1.ListJobsResponse;
import io.distexec.proto.v1.ListTokensRequest;
import io.distexec.proto.v1.ListWorkersRequest;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.RevokeTokenRequest;
import io.distexec.proto.v1.SubmitBatchRequest;
import io.distexec.proto.v1.VerifyAuditRequest;
import io.distexec.proto.v1.WatchJobRequest;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A connection to a distexec master's gRPC endpoint. Thread-safe; one per application is enough.
 * Every call has a deadline (10 s unless set otherwise), except watching, which lasts until the job
 * ends. Failures are {@link DistexecException}s whose type says what happened and whose message
 * says what to do.
 */
public final class DistexecClient implements AutoCloseable {

  /** The deadline of each unary call unless one is given. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** The largest page {@link #list} may ask for: the master's limit. */
  public static final int MAX_LIST_LIMIT = 1000;

  private static final int WATCH_RETRIES = 5;

  private final String master;
  private final Channel channel;
  private final Duration deadline;
  private final Runnable onClose;

  private DistexecClient(String master, Channel channel, Duration deadline, Runnable onClose) {
    this.master = master;
    this.channel = channel;
    this.deadline = deadline;
    this.onClose = onClose;
  }

  /**
   * The master's gRPC {@code host:port} from what a user gave: {@code host:port}, {@code
   * grpc://host:port} or {@code grpcs://host:port} (TLS).
   *
   * @throws IllegalArgumentException saying what is expected, for anything else (such as the URL of
   *     the master's REST API, which the local cluster prints too)
   */
  public static String grpcTarget(String master) {
    String given = master == null ? "" : master.trim();
    if (given.contains(",")) {
      // Several masters: the channel goes to the first that answers (see GrpcChannels.open).
      List<String> each = new java.util.ArrayList<>();
      for (String one : given.split(",")) {
        each.add(grpcTarget(one.trim().isEmpty() ? " " : one));
      }
      return String.join(",", each);
    }
    String target = given.replaceFirst("^grpcs?://", "");
    if (target.contains("://") || target.contains("/")) {
      throw new IllegalArgumentException(
          "the master's address is its gRPC host:port, e.g. 127.0.0.1:50051, not a URL such as '"
              + given
              + "' (its REST API); scripts/local-cluster.sh status prints both");
    }
    if (!target.matches(".+:\\d{1,5}")) {
      throw new IllegalArgumentException(
          "the master's address is its gRPC host:port, e.g. 127.0.0.1:50051; got '" + given + "'");
    }
    return target;
  }

  /** Connects with the token {@link Credentials} finds (DISTEXEC_TOKEN, ...), if any. */
  public static DistexecClient connect(String master) {
    return connect(master, DEFAULT_DEADLINE);
  }

  /** Connects with the token {@link Credentials} finds (DISTEXEC_TOKEN, ...), if any. */
  public static DistexecClient connect(String master, Duration deadline) {
    return connect(master, deadline, Credentials.fromEnvironment().token().orElse(null));
  }

  /**
   * Connects with an API token ({@code dxt_...}); every call carries it. Without one ({@code null})
   * every call fails with {@link DistexecException.UnauthenticatedException}. Over TLS when the
   * address is {@code grpcs://host:port} or {@link Credentials} names a CA (DISTEXEC_CA, ...).
   */
  public static DistexecClient connect(String master, Duration deadline, String token) {
    return connect(master, deadline, token, Credentials.fromEnvironment().ca().orElse(null));
  }

  /**
   * Like {@link #connect(String, Duration, String)}, over TLS that trusts only the CA certificate
   * in {@code trustedCa} (PEM) when it is given; with {@code null}, over TLS trusting the JDK's
   * certificate authorities for a {@code grpcs://} address, and plaintext otherwise.
   */
  public static DistexecClient connect(
      String master, Duration deadline, String token, Path trustedCa) {
    String target = grpcTarget(master);
    GrpcChannels channels =
        new GrpcChannels(
            "distexec-client",
            GrpcEndpoint.DEFAULT_MAX_INBOUND_BYTES,
            credentials(master, trustedCa),
            null);
    ManagedChannel channel = channels.open(target);
    return new DistexecClient(
        target,
        withToken(channel, token),
        deadline,
        () -> {
          channel.shutdownNow();
          try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          channels.close();
        });
  }

  /** TLS trusting {@code trustedCa}, or the JDK's CAs for grpcs://; {@code null} for plaintext. */
  private static ChannelCredentials credentials(String master, Path trustedCa) {
    if (trustedCa != null) {
      try {
        return TlsChannelCredentials.newBuilder().trustManager(trustedCa.toFile()).build();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the CA certificate " + trustedCa + ": " + e.getMessage(), e);
      }
    }
    return master.trim().startsWith("grpcs://") ? TlsChannelCredentials.create() : null;
  }

  /** Uses a channel that the caller owns (and closes), e.g. an in-process one in tests. */
  public static DistexecClient over(Channel channel, Duration deadline) {
    return new DistexecClient(channel.authority(), channel, deadline, () -> {});
  }

  /** Like {@link #over(Channel, Duration)}, calling with {@code token}. */
  public static DistexecClient over(Channel channel, Duration deadline, String token) {
    return new DistexecClient(channel.authority(), withToken(channel, token), deadline, () -> {});
  }

  private static Channel withToken(Channel channel, String token) {
    if (token == null || token.isBlank()) {
      return channel;
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + token.strip());
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private MasterServiceGrpc.MasterServiceBlockingStub stub() {
    return MasterServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw DistexecException.from(e, master);
    }
  }

  /** Submits a job; it is stored QUEUED when this returns. */
  public Job submit(JobRequest request) {
    return call(() -> new Job(stub().submit(request.toProto()).getJob()));
  }

  /** The most jobs one {@link #submitBatch} may carry. */
  public static final int MAX_BATCH_JOBS = 1_000;

  /**
   * Submits jobs all together or none, in one call and one commit on the master: the fast way to
   * submit many. At most {@value #MAX_BATCH_JOBS} jobs, and the request is bounded as one submit's
   * is (the master's MAX_JOB_SPEC_BYTES, 1 MiB by default): send more as several batches.
   *
   * @param idempotencyKey makes the batch safe to repeat (the same key and jobs give back the first
   *     batch's jobs), or {@code null}; the requests must not carry keys of their own
   * @return the stored jobs, QUEUED, in order
   */
  public List<Job> submitBatch(List<JobRequest> requests, String idempotencyKey) {
    SubmitBatchRequest.Builder batch = SubmitBatchRequest.newBuilder();
    requests.forEach(r -> batch.addJobs(r.toProto()));
    if (idempotencyKey != null) {
      batch.setIdempotencyKey(idempotencyKey);
    }
    return call(
        () -> stub().submitBatch(batch.build()).getJobsList().stream().map(Job::new).toList());
  }

  public Job get(String jobId) {
    return call(() -> new Job(stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build())));
  }

  /** A page of jobs, newest first. */
  public JobPage list(ListOptions options) {
    ListJobsRequest.Builder request = ListJobsRequest.newBuilder().setLimit(options.limit());
    options.status().ifPresent(s -> request.setStatus(s.toProto()));
    options.worker().ifPresent(request::setWorkerId);
    options.since().ifPresent(s -> request.setSince(ProtoTime.timestamp(s)));
    options.cursor().ifPresent(request::setCursor);
    ListJobsResponse page = call(() -> stub().listJobs(request.build()));
    return new JobPage(
        page.getJobsList().stream().map(Job::new).toList(),
        page.getNextCursor().isEmpty() ? Optional.empty() : Optional.of(page.getNextCursor()));
  }

  /**
   * Cancels a job: a queued one ends CANCELLED at once, a running one shortly after, when its
   * worker has killed it.
   *
   * @throws DistexecException.JobEndedException when it has already ended
   */
  public Job cancel(String jobId, String reason) {
    return call(
        () ->
            new Job(
                stub()
                    .cancelJob(
                        CancelJobRequest.newBuilder()
                            .setJobId(jobId)
                            .setReason(reason == null ? "" : reason)
                            .build())));
  }

  /**
   * Delivers a job's events after {@code afterSequence} (0 for all) to {@code onEvent} as they
   * happen, and returns when the job has ended. A broken connection is resumed from the last event
   * seen, so no event is delivered twice or skipped.
   */
  public void watch(String jobId, long afterSequence, Consumer<JobEvent> onEvent) {
    long last = afterSequence;
    for (int attempt = 0; ; attempt++) {
      long from = last;
      // The context ends the call if the consumer throws and we leave early.
      try (Context.CancellableContext context = Context.current().withCancellation()) {
        Iterator<io.distexec.proto.v1.JobEvent> events =
            context.call(
                () ->
                    MasterServiceGrpc.newBlockingStub(channel)
                        .watchJob(
                            WatchJobRequest.newBuilder()
                                .setJobId(jobId)
                                .setAfterSequence(from)
                                .build()));
        while (events.hasNext()) {
          JobEvent event = JobEvent.of(events.next());
          last = event.sequence();
          onEvent.accept(event);
          attempt = 0;
        }
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt >= WATCH_RETRIES) {
          throw DistexecException.from(e, master);
        }
        pause(Duration.ofMillis(200L << attempt));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new DistexecException("watching job " + jobId + " failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Submits a job and waits until it ends, passing its events (state changes, output as it comes)
   * to {@code onEvent}.
   *
   * @return the finished job
   */
  public Job run(JobRequest request, Consumer<JobEvent> onEvent) {
    Job job = submit(request);
    watch(job.id(), 0, onEvent);
    return get(job.id());
  }

  public List<Worker> workers() {
    return call(
        () ->
            stub().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersList().stream()
                .map(Worker::of)
                .toList());
  }

  /** The masters, and which one leads. */
  public Cluster cluster() {
    return call(
        () ->
            Cluster.of(
                stub().getCluster(io.distexec.proto.v1.GetClusterRequest.getDefaultInstance())));
  }

  /** The worker autoscaler's state and recent decisions. */
  public Scaler scaler() {
    return call(
        () ->
            Scaler.of(
                stub().getScaler(io.distexec.proto.v1.GetScalerRequest.getDefaultInstance())));
  }

  /** Drains a worker: no new work; it finishes what runs, then deregisters. */
  public Worker drain(String workerId) {
    return call(
        () ->
            Worker.of(
                stub().drainWorker(DrainWorkerRequest.newBuilder().setWorkerId(workerId).build())));
  }

  /**
   * Makes an API token (admin only) that expires after the master's default (90 days); its secret
   * is in the answer, this once.
   */
  public ApiToken.Created createToken(String name, List<String> roles) {
    return createToken(name, roles, null);
  }

  /**
   * Makes an API token (admin only); its secret is in the answer, this once.
   *
   * @param lifetime how long it stays good (up to 3650 days); {@link Duration#ZERO} for a token
   *     that never expires; {@code null} for the master's default (90 days)
   */
  public ApiToken.Created createToken(String name, List<String> roles, Duration lifetime) {
    CreateTokenRequest.Builder request =
        CreateTokenRequest.newBuilder().setName(name).addAllRoles(roles);
    if (lifetime != null) {
      request.setExpiresInSeconds(lifetime.toSeconds());
    }
    return call(
        () -> {
          var created = stub().createToken(request.build());
          return new ApiToken.Created(ApiToken.of(created.getToken()), created.getSecret());
        });
  }

  /** Every API token, revoked ones too (admin only). */
  public List<ApiToken> tokens() {
    return call(
        () ->
            stub().listTokens(ListTokensRequest.getDefaultInstance()).getTokensList().stream()
                .map(ApiToken::of)
                .toList());
  }

  /** Revokes a token by name (admin only). */
  public ApiToken revokeToken(String name) {
    return call(
        () ->
            ApiToken.of(stub().revokeToken(RevokeTokenRequest.newBuilder().setName(name).build())));
  }

  /** Up to {@code limit} audit entries after {@code afterSequence}, oldest first (admin only). */
  public List<AuditEntry> audit(long afterSequence, int limit) {
    return call(
        () ->
            stub()
                .listAudit(
                    ListAuditRequest.newBuilder()
                        .setAfterSequence(afterSequence)
                        .setLimit(limit)
                        .build())
                .getEntriesList()
                .stream()
                .map(AuditEntry::of)
                .toList());
  }

  /** Checks the audit trail's hash chain (admin only). */
  public AuditEntry.Verification verifyAudit() {
    return call(
        () -> {
          var v = stub().verifyAudit(VerifyAuditRequest.getDefaultInstance());
          return new AuditEntry.Verification(
              v.getValid(), v.getEntries(), v.getHeadSequence(), v.getBrokenAt(), v.getProblem());
        });
  }

  /** The master's address, as given. */
  public String master() {
    return master;
  }

  @Override
  public void close() {
    onClose.run();
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DistexecException("interrupted", e);
    }
  }

  /**
   * Which jobs to list.
   *
   * @param status only this state
   * @param worker only this worker's jobs
   * @param since only jobs created since
   * @param limit page size (1 to {@link #MAX_LIST_LIMIT}; 0 for the master's default of 100)
   * @param cursor the previous page's {@link JobPage#nextCursor()}
   */
  public record ListOptions(
      Optional<JobStatus> status,
      Optional<String> worker,
      Optional<Instant> since,
      int limit,
      Optional<String> cursor) {
    public static ListOptions all(int limit) {
      return new ListOptions(
          Optional.empty(), Optional.empty(), Optional.empty(), limit, Optional.empty());
    }

    public ListOptions withStatus(JobStatus s) {
      return new ListOptions(Optional.ofNullable(s), worker, since, limit, cursor);
    }

    public ListOptions withCursor(String c) {
      return new ListOptions(status, worker, since, limit, Optional.ofNullable(c));
    }
  }

  /** A page of jobs and where the next one starts. */
  public record JobPage(List<Job> jobs, Optional<String> nextCursor) {}
}
