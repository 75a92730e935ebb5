package io.distexec.client;

import io.distexec.common.ProtoTime;
import java.time.Instant;

/** One entry of the master's audit trail. */
public record AuditEntry(
    long sequence,
    Instant at,
    String actor,
    String action,
    String target,
    String address,
    String outcome,
    String prevHash,
    String hash) {

  static AuditEntry of(io.distexec.proto.v1.AuditEntry e) {
    return new AuditEntry(
        e.getSequence(),
        ProtoTime.instant(e.getAt()),
        e.getActor(),
        e.getAction(),
        e.getTarget(),
        e.getAddress(),
        e.getOutcome(),
        e.getPrevHash(),
        e.getHash());
  }

  /** What checking the trail's hash chain found. */
  public record Verification(
      boolean valid, long entries, long headSequence, long brokenAt, String problem) {}
}
