package io.distexec.master.store;

import io.distexec.master.jobs.InMemoryJobStore;
import io.distexec.master.jobs.JobStore;

class InMemoryJobStoreTest extends JobStoreContract {

  @Override
  JobStore open() {
    return new InMemoryJobStore();
  }
}
