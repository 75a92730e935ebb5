package io.distexec.master.access;

import java.util.EnumSet;
import java.util.Set;

/**
 * Everything a caller can ask of the master, each with the roles that may ask it. Every REST
 * resource method and gRPC method names one; one that names none is refused (fail closed).
 */
public enum Action {
  /** Get or list jobs, read their output, follow their events (a submitter: its own only). */
  READ_JOBS(Role.VIEWER, Role.SUBMITTER, Role.OPERATOR, Role.ADMIN),
  SUBMIT_JOB(Role.SUBMITTER, Role.ADMIN),
  /** Cancel a job (a submitter: its own only). */
  CANCEL_JOB(Role.SUBMITTER, Role.OPERATOR, Role.ADMIN),
  READ_WORKERS(Role.VIEWER, Role.OPERATOR, Role.ADMIN),
  DRAIN_WORKER(Role.OPERATOR, Role.ADMIN),
  MANAGE_TOKENS(Role.ADMIN),
  READ_AUDIT(Role.ADMIN);

  private final Set<Role> allowed;

  Action(Role first, Role... rest) {
    this.allowed = EnumSet.of(first, rest);
  }

  /** The roles that may take this action. */
  public Set<Role> allowed() {
    return EnumSet.copyOf(allowed);
  }

  /** Changes something: such calls go on the audit trail, refused ones too. */
  public boolean audited() {
    return switch (this) {
      case SUBMIT_JOB, CANCEL_JOB, DRAIN_WORKER, MANAGE_TOKENS -> true;
      default -> false;
    };
  }

  public boolean allows(Set<Role> roles) {
    return roles.stream().anyMatch(allowed::contains);
  }
}
