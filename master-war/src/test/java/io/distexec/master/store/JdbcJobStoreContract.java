package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.Transition;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The contract, plus what a database adds: everything is still there after the store is reopened. */
abstract class JdbcJobStoreContract extends JobStoreContract {

  /** Settings of this test's database. */
  abstract StoreSettings settings();

  @Override
  JobStore open() {
    return Stores.open(settings(), Clock.systemUTC());
  }

  @Test
  void keepsJobsHistoryAndKeysAcrossAReopen() throws Exception {
    Job done = queued(T0);
    Job waiting = queued(T0);
    store.insert(done, new io.distexec.master.jobs.IdempotencyKey("k", "fp"));
    store.insert(waiting);
    store.update(done.id(), j -> j.dispatchedTo("w"));
    store.update(done.id(), j -> j.finished(JobStatus.SUCCEEDED, JobOutcome.of(0, new byte[] {1, 2}, ""), T0));
    store.close();

    store = open(); // migrations run again: must be a no-op
    assertThat(store.find(done.id()).orElseThrow().outcome().stdout()).containsExactly(1, 2);
    assertThat(store.history(done.id())).extracting(Transition::status)
        .containsExactly(JobStatus.QUEUED, JobStatus.DISPATCHED, JobStatus.SUCCEEDED);
    assertThat(store.insert(queued(T0), new io.distexec.master.jobs.IdempotencyKey("k", "fp")).id())
        .isEqualTo(done.id());
    assertThat(store.countUnfinished()).isEqualTo(1);
  }
}
