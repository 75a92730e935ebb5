package io.distexec.master.access;

import io.distexec.master.jobs.Job;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: its name (recorded as the owner of the jobs it submits and in the audit
 * trail), its roles, and how it proved who it is. The per-job rules live here, as pure functions.
 *
 * @param name the token's name or the JWT's subject
 * @param roles what it may do
 * @param via how it was authenticated, for the audit trail ("token", "jwt")
 */
public record Caller(String name, Set<Role> roles, String via) {

  /** The longest caller name: token names, JWT subjects and job owners fit in it. */
  public static final int MAX_NAME_CHARS = 255;

  public Caller {
    Objects.requireNonNull(name, "name");
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    Objects.requireNonNull(via, "via");
  }

  public boolean may(Action action) {
    return action.allows(roles);
  }

  /**
   * Throws unless the caller may take {@code action}.
   *
   * @throws AccessDeniedException naming the roles that may
   */
  public void check(Action action) throws AccessDeniedException {
    if (!may(action)) {
      throw new AccessDeniedException(this, action);
    }
  }

  /** Sees every job; otherwise (a submitter alone) only its own. */
  public boolean seesAllJobs() {
    return roles.contains(Role.VIEWER)
        || roles.contains(Role.OPERATOR)
        || roles.contains(Role.ADMIN);
  }

  public boolean owns(Job job) {
    return name.equals(job.owner());
  }

  public boolean maySee(Job job) {
    return may(Action.READ_JOBS) && (seesAllJobs() || owns(job));
  }

  public boolean mayCancel(Job job) {
    return roles.contains(Role.OPERATOR)
        || roles.contains(Role.ADMIN)
        || (may(Action.CANCEL_JOB) && owns(job));
  }

  /**
   * Executor attributes (a script's source, say) are for the job's owner and admins: a viewer sees
   * what ran, not its contents.
   */
  public boolean maySeeAttributes(Job job) {
    return owns(job) || roles.contains(Role.ADMIN);
  }

  /** The owner a listing is narrowed to, or {@code null} for every job. */
  public String listingOwner() {
    return seesAllJobs() ? null : name;
  }
}
