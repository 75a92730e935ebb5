package io.distexec.master.access;

import java.util.Objects;

/**
 * One thing to put on the audit trail.
 *
 * @param actor the caller's name
 * @param action what it asked, e.g. {@code job.submit}
 * @param target what it asked it of: a job id, a worker id, a token name
 * @param address where the request came from
 * @param outcome {@code ok}, or why not (e.g. {@code denied: ...})
 */
public record AuditRecord(
    String actor, String action, String target, String address, String outcome) {

  public AuditRecord {
    actor = clip(Objects.requireNonNullElse(actor, ""), 255);
    action = clip(Objects.requireNonNullElse(action, ""), 64);
    target = clip(Objects.requireNonNullElse(target, ""), 1024);
    address = clip(Objects.requireNonNullElse(address, ""), 255);
    outcome = clip(Objects.requireNonNullElse(outcome, ""), 1024);
  }

  private static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
