package io.distexec.master.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.access.Action;
import io.distexec.master.access.Role;
import io.distexec.proto.v1.CancelJobRequest;
import io.distexec.proto.v1.CreateTokenRequest;
import io.distexec.proto.v1.DrainWorkerRequest;
import io.distexec.proto.v1.GetJobRequest;
import io.distexec.proto.v1.Job;
import io.distexec.proto.v1.ListAuditRequest;
import io.distexec.proto.v1.ListJobsRequest;
import io.distexec.proto.v1.ListTokensRequest;
import io.distexec.proto.v1.ListWorkersRequest;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.RevokeTokenRequest;
import io.distexec.proto.v1.SubmitBatchRequest;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.TaskSpec;
import io.distexec.proto.v1.VerifyAuditRequest;
import io.distexec.proto.v1.WatchJobRequest;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every method of the master's client API, called without a credential, with a role that may not
 * call it, and with each role that may: UNAUTHENTICATED, PERMISSION_DENIED, and through.
 */
class MasterGrpcAuthTest {

  private final MasterGrpcServiceTest fixture = new MasterGrpcServiceTest();
  private final Map<Role, String> tokenOf = new LinkedHashMap<>();
  private String jobId;

  @BeforeEach
  void start() throws Exception {
    fixture.start();
    for (Role role : Role.values()) {
      tokenOf.put(role, fixture.token(role.label(), role));
    }
    jobId = fixture.as(tokenOf.get(Role.SUBMITTER)).submit(echo()).getJob().getId();
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    fixture.stop();
  }

  private static SubmitRequest echo() {
    return SubmitRequest.newBuilder()
        .setSpec(
            TaskSpec.newBuilder()
                .setCommand("echo")
                .putAttributes("script", "print('secret sauce')"))
        .build();
  }

  /** One call of each method; what it answers does not matter here, only whether it got through. */
  private Map<String, Function<MasterServiceGrpc.MasterServiceBlockingStub, Object>> calls() {
    Map<String, Function<MasterServiceGrpc.MasterServiceBlockingStub, Object>> calls =
        new LinkedHashMap<>();
    calls.put("Submit", s -> s.submit(echo()));
    calls.put(
        "SubmitBatch", s -> s.submitBatch(SubmitBatchRequest.newBuilder().addJobs(echo()).build()));
    calls.put("GetJob", s -> s.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    calls.put("ListJobs", s -> s.listJobs(ListJobsRequest.getDefaultInstance()));
    calls.put(
        "CancelJob", s -> s.cancelJob(CancelJobRequest.newBuilder().setJobId("nope").build()));
    calls.put(
        "WatchJob",
        s -> s.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).hasNext());
    calls.put("ListWorkers", s -> s.listWorkers(ListWorkersRequest.getDefaultInstance()));
    calls.put(
        "GetCluster",
        s -> s.getCluster(io.distexec.proto.v1.GetClusterRequest.getDefaultInstance()));
    calls.put(
        "GetScaler", s -> s.getScaler(io.distexec.proto.v1.GetScalerRequest.getDefaultInstance()));
    calls.put(
        "DrainWorker",
        s -> s.drainWorker(DrainWorkerRequest.newBuilder().setWorkerId("nope").build()));
    calls.put(
        "CreateToken", s -> s.createToken(CreateTokenRequest.newBuilder().setName("").build()));
    calls.put("ListTokens", s -> s.listTokens(ListTokensRequest.getDefaultInstance()));
    calls.put(
        "RevokeToken", s -> s.revokeToken(RevokeTokenRequest.newBuilder().setName("nope").build()));
    calls.put("ListAudit", s -> s.listAudit(ListAuditRequest.getDefaultInstance()));
    calls.put("VerifyAudit", s -> s.verifyAudit(VerifyAuditRequest.getDefaultInstance()));
    return calls;
  }

  @Test
  void everyMethodHasAnActionAndACallInThisTest() {
    Set<String> methods =
        MasterServiceGrpc.getServiceDescriptor().getMethods().stream()
            .map(MethodDescriptor::getBareMethodName)
            .collect(Collectors.toSet());
    assertThat(MasterGrpcService.ACTIONS.keySet()).isEqualTo(methods);
    assertThat(calls().keySet()).isEqualTo(methods);
  }

  @Test
  void withoutACredentialEveryMethodIsUnauthenticated() {
    calls()
        .forEach(
            (method, call) -> {
              assertThat(code(() -> call.apply(fixture.as(null))))
                  .as(method)
                  .isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(code(() -> call.apply(fixture.as("dxt_forged" + "x".repeat(40)))))
                  .as(method + " with a forged token")
                  .isEqualTo(Status.Code.UNAUTHENTICATED);
            });
  }

  @Test
  void eachRoleGetsThroughExactlyWhereItsActionAllows() {
    calls()
        .forEach(
            (method, call) -> {
              Action action = MasterGrpcService.ACTIONS.get(method);
              for (Role role : Role.values()) {
                Status.Code code = code(() -> call.apply(fixture.as(tokenOf.get(role))));
                if (action.allowed().contains(role)) {
                  assertThat(code)
                      .as(method + " as " + role)
                      .isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
                } else {
                  assertThat(code)
                      .as(method + " as " + role)
                      .isEqualTo(Status.Code.PERMISSION_DENIED);
                }
              }
            });
    // The wrong role is told which roles would do.
    assertThatThrownBy(
            () ->
                fixture
                    .as(tokenOf.get(Role.VIEWER))
                    .drainWorker(DrainWorkerRequest.newBuilder().setWorkerId("w").build()))
        .hasMessageContaining("drain worker needs the role operator or admin; 'viewer' has viewer");
  }

  @Test
  void aSubmitterSeesAndCancelsOnlyItsOwnJobs() throws Exception {
    String other = fixture.token("other", Role.SUBMITTER);
    MasterServiceGrpc.MasterServiceBlockingStub them = fixture.as(other);
    assertThat(them.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList()).isEmpty();
    assertThat(code(() -> them.getJob(GetJobRequest.newBuilder().setJobId(jobId).build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> them.cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build())))
        .isEqualTo(Status.Code.NOT_FOUND);

    MasterServiceGrpc.MasterServiceBlockingStub owner = fixture.as(tokenOf.get(Role.SUBMITTER));
    Job mine = owner.getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    assertThat(mine.getOwner()).isEqualTo("submitter");
    assertThat(mine.getSpec().getAttributesMap()).containsKey("script");
    assertThat(owner.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
        .extracting(Job::getId)
        .containsExactly(jobId);

    // A viewer sees the job, not its executor's attributes (a script's source).
    Job seen =
        fixture
            .as(tokenOf.get(Role.VIEWER))
            .getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    assertThat(seen.getSpec().getAttributesMap()).isEmpty();

    // An operator cancels anyone's job.
    assertThat(
            fixture
                .as(tokenOf.get(Role.OPERATOR))
                .cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build())
                .getStatus())
        .isEqualTo(io.distexec.proto.v1.JobStatus.JOB_STATUS_CANCELLED);
  }

  @Test
  void idempotencyKeysAreEachCallersOwn() throws Exception {
    // (room in the test's queue of two)
    fixture
        .as(tokenOf.get(Role.ADMIN))
        .cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build());
    SubmitRequest keyed = echo().toBuilder().setIdempotencyKey("deploy-1").build();
    String first = fixture.as(tokenOf.get(Role.SUBMITTER)).submit(keyed).getJob().getId();
    String again = fixture.as(tokenOf.get(Role.SUBMITTER)).submit(keyed).getJob().getId();
    String theirs = fixture.as(tokenOf.get(Role.ADMIN)).submit(keyed).getJob().getId();
    assertThat(again).isEqualTo(first);
    assertThat(theirs).isNotEqualTo(first);
  }

  @Test
  void revokedTokensStopWorkingAndTheTrailRecordsWhoDidWhat() {
    MasterServiceGrpc.MasterServiceBlockingStub admin = fixture.as(tokenOf.get(Role.ADMIN));
    var created =
        admin.createToken(
            CreateTokenRequest.newBuilder().setName("ci").addRoles("submitter").build());
    assertThat(created.getSecret()).startsWith("dxt_");
    assertThat(created.getToken().getRolesList()).containsExactly("submitter");
    MasterServiceGrpc.MasterServiceBlockingStub ci = fixture.as(created.getSecret());
    ci.submit(echo());

    admin.revokeToken(RevokeTokenRequest.newBuilder().setName("ci").build());
    assertThat(code(() -> ci.submit(echo()))).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(admin.listTokens(ListTokensRequest.getDefaultInstance()).getTokensList())
        .filteredOn(t -> t.getName().equals("ci"))
        .singleElement()
        .satisfies(t -> assertThat(t.hasRevokedAt()).isTrue());

    var entries = admin.listAudit(ListAuditRequest.getDefaultInstance()).getEntriesList();
    assertThat(entries)
        .extracting(e -> e.getActor() + " " + e.getAction() + " " + e.getOutcome())
        .contains("admin token.create ok: submitter", "ci job.submit ok", "admin token.revoke ok");
    assertThat(admin.verifyAudit(VerifyAuditRequest.getDefaultInstance()).getValid()).isTrue();
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
