package io.distexec.master.auth;

import io.distexec.master.access.AuditLog;
import io.distexec.master.access.AuditRecord;
import io.distexec.master.access.Caller;
import io.distexec.master.jobs.Job;
import java.time.Clock;
import java.util.List;

/** Puts what callers change on the audit trail: who, what, from where, when, and how it went. */
public final class Audit {

  public static final String OK = "ok";

  private final AuditLog log;
  private final Clock clock;

  public Audit(AuditLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  public AuditLog log() {
    return log;
  }

  /** A batch's audit target: how many jobs, the first and the last. */
  public static String batch(List<Job> jobs) {
    return jobs.size() == 1
        ? jobs.get(0).id()
        : jobs.size() + " jobs: " + jobs.get(0).id() + " … " + jobs.get(jobs.size() - 1).id();
  }

  public void record(Caller caller, String action, String target, String address, String outcome) {
    log.append(new AuditRecord(caller.name(), action, target, address, outcome), clock.instant());
  }
}
