package io.distexec.master.access;

import java.time.Instant;

/**
 * An entry of the audit trail: the record, its place and time, and the hashes that chain it to the
 * entry before.
 */
public record AuditEntry(long seq, Instant at, AuditRecord record, String prevHash, String hash) {}
