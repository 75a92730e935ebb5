package io.distexec.master.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The audit trail in memory, for STORE_URL=memory and tests. */
public final class InMemoryAuditLog implements AuditLog {

  private final List<AuditEntry> entries = new ArrayList<>();

  @Override
  public synchronized AuditEntry append(AuditRecord record, Instant at) {
    AuditEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
    AuditEntry entry =
        AuditChain.next(
            last == null ? 0 : last.seq(),
            last == null ? AuditChain.GENESIS : last.hash(),
            at,
            record);
    entries.add(entry);
    return entry;
  }

  @Override
  public synchronized List<AuditEntry> list(long afterSeq, int limit) {
    return entries.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
  }
}
