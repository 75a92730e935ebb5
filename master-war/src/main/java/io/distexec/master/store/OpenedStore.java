package io.distexec.master.store;

import io.distexec.master.jobs.JobStore;

/** The store as opened at start, before anything wraps it; closing it closes the connections. */
public record OpenedStore(JobStore store) implements AutoCloseable {

  @Override
  public void close() {
    store.close();
  }
}
