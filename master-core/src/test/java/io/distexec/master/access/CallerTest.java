package io.distexec.master.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.RetryPolicy;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallerTest {

  /** Who may take which action: the README's table of roles, row for row. */
  @ParameterizedTest(name = "{0}: viewer={1} submitter={2} operator={3} admin={4}")
  @CsvSource({
    "READ_JOBS,     true,  true,  true,  true",
    "SUBMIT_JOB,    false, true,  false, true",
    "CANCEL_JOB,    false, true,  true,  true",
    "READ_WORKERS,  true,  false, true,  true",
    "DRAIN_WORKER,  false, false, true,  true",
    "MANAGE_TOKENS, false, false, false, true",
    "READ_AUDIT,    false, false, false, true",
  })
  void rolesAllowTheirActions(
      Action action, boolean viewer, boolean submitter, boolean operator, boolean admin) {
    assertThat(caller("v", Role.VIEWER).may(action)).isEqualTo(viewer);
    assertThat(caller("s", Role.SUBMITTER).may(action)).isEqualTo(submitter);
    assertThat(caller("o", Role.OPERATOR).may(action)).isEqualTo(operator);
    assertThat(caller("a", Role.ADMIN).may(action)).isEqualTo(admin);
    assertThat(new Caller("nobody", Set.of(), "token").may(action)).isFalse();
  }

  @ParameterizedTest(name = "{0} on a job of {1}: see={2} cancel={3} attributes={4}")
  @CsvSource({
    "SUBMITTER, me,    true,  true,  true",
    "SUBMITTER, other, false, false, false",
    "VIEWER,    other, true,  false, false",
    "OPERATOR,  other, true,  true,  false",
    "ADMIN,     other, true,  true,  true",
  })
  void perJobRules(Role role, String owner, boolean see, boolean cancel, boolean attributes) {
    Caller me = caller("me", role);
    Job job = Job.queued("j1", JobSpec.command("true"), RetryPolicy.NONE, Instant.EPOCH, owner);
    assertThat(me.maySee(job)).isEqualTo(see);
    assertThat(me.mayCancel(job)).isEqualTo(cancel);
    assertThat(me.maySeeAttributes(job)).isEqualTo(attributes);
  }

  @ParameterizedTest
  @CsvSource({"SUBMITTER, me", "VIEWER, ''", "OPERATOR, ''", "ADMIN, ''"})
  void aSubmitterListsOnlyItsOwnJobs(Role role, String owner) {
    assertThat(caller("me", role).listingOwner()).isEqualTo(owner.isEmpty() ? null : owner);
  }

  @org.junit.jupiter.api.Test
  void theRefusalNamesTheRolesThatMay() {
    assertThatThrownBy(() -> caller("ci", Role.VIEWER).check(Action.DRAIN_WORKER))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage("drain worker needs the role operator or admin; 'ci' has viewer");
  }

  private static Caller caller(String name, Role role) {
    return new Caller(name, Set.of(role), "token");
  }
}
