package io.distexec.master.store;

import io.distexec.master.access.AuditLog;
import io.distexec.master.access.TokenStore;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.leadership.LeaseStore;
import io.distexec.master.leadership.WorkerBoard;
import java.util.Optional;

/**
 * The store as opened at start, before anything wraps it: the jobs, the API tokens, the audit trail
 * and the leader's lease, in one database. Closing it closes the connections.
 *
 * @param shared whether several masters can share it (PostgreSQL; not an embedded store nor memory)
 * @param compaction an H2 file's (an explicit {@code STORE_URL=jdbc:h2:file:...}), for the master
 *     to run every {@link EmbeddedCompaction#INTERVAL}; empty for other stores
 */
public record OpenedStore(
    JobStore store,
    TokenStore tokens,
    AuditLog audit,
    LeaseStore leases,
    WorkerBoard board,
    boolean shared,
    Optional<EmbeddedCompaction> compaction)
    implements AutoCloseable {

  @Override
  public void close() {
    store.close();
  }
}
