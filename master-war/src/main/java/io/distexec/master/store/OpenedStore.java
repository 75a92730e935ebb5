package io.distexec.master.store;

import io.distexec.master.access.AuditLog;
import io.distexec.master.access.TokenStore;
import io.distexec.master.jobs.JobStore;

/**
 * The store as opened at start, before anything wraps it: the jobs, the API tokens and the audit
 * trail, in one database. Closing it closes the connections.
 */
public record OpenedStore(JobStore store, TokenStore tokens, AuditLog audit)
    implements AutoCloseable {

  @Override
  public void close() {
    store.close();
  }
}
