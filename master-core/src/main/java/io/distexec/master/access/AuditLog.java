package io.distexec.master.access;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** The audit trail: appended to, never changed. */
public interface AuditLog {

  /** Appends {@code record} at {@code at}, chained to the last entry. */
  AuditEntry append(AuditRecord record, Instant at);

  /** Up to {@code limit} entries after {@code afterSeq}, oldest first. */
  List<AuditEntry> list(long afterSeq, int limit);

  /** Checks the whole chain, a page at a time. */
  default AuditChain.Verification verify() {
    return AuditChain.verify(
        new Iterator<>() {
          private List<AuditEntry> page = list(0, 1000);
          private int next;

          @Override
          public boolean hasNext() {
            if (next == page.size() && page.size() == 1000) {
              page = list(page.get(page.size() - 1).seq(), 1000);
              next = 0;
            }
            return next < page.size();
          }

          @Override
          public AuditEntry next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return page.get(next++);
          }
        });
  }
}
