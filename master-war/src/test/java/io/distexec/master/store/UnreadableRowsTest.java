package io.distexec.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.master.MutableClock;
import io.distexec.master.balancing.LeastConnectionsBalancer;
import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.dispatch.ScriptedWorkerPort;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.registry.NodeRegistry;
import io.distexec.master.registry.Registration;
import io.distexec.master.scheduling.JobQueue;
import io.distexec.master.scheduling.Scheduler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored job that cannot be read does not stop the master: recovery reads only what it needs, the
 * dispatcher ends such a job FAILED with the reason, and every other job runs.
 */
class UnreadableRowsTest {

  @TempDir Path dataDir;

  @Test
  void aMasterStartsOverRowsItCannotReadAndEndsThoseJobsFailed() throws Exception {
    MutableClock clock = new MutableClock();
    StoreSettings settings = new StoreSettings("", "", "", dataDir, 2);
    try (JobStore store = Stores.open(settings, clock)) {
      store.insert(Job.queued("bad", JobSpec.command("echo", "never"), clock.instant()));
      store.insert(Job.queued("good", JobSpec.command("echo", "fine"), clock.instant()));
      try (Connection c = DriverManager.getConnection(settings.jdbcUrl());
          Statement s = c.createStatement()) {
        // A spec from a future release, say, or a damaged one.
        s.executeUpdate("UPDATE jobs SET spec_json = '{\"v\":99}' WHERE id = 'bad'");
      }

      JobQueue queue = new JobQueue(10);
      NodeRegistry registry = new NodeRegistry(clock, Duration.ofSeconds(15));
      ScriptedWorkerPort workers = new ScriptedWorkerPort();
      Dispatcher dispatcher =
          new Dispatcher(
              store,
              queue,
              registry,
              new Scheduler(new LeastConnectionsBalancer()),
              workers,
              new JobEvents(1024, clock),
              clock);
      ExecutorService loop = Executors.newSingleThreadExecutor();
      try {
        assertThat(dispatcher.recover(Duration.ofSeconds(20)))
            .isEqualTo(new Dispatcher.Recovered(2, 0));
        registry.register(new Registration("w1", "addr", "", 4, Set.of("command"), Map.of()));
        dispatcher.start(loop);

        await().atMost(Duration.ofSeconds(10)).until(() -> workers.sent().size() == 1);
        assertThat(workers.sent().get(0).request().jobId()).isEqualTo("good");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> queue.waiting() == 0 && queue.unfinished() == 1);
        assertThat(store.history("bad"))
            .last()
            .satisfies(
                t -> {
                  assertThat(t.status()).isEqualTo(JobStatus.FAILED);
                  assertThat(t.error())
                      .startsWith("job bad cannot be read: its spec: stored job spec version 99");
                });
      } finally {
        dispatcher.close();
        loop.shutdownNow();
      }
    }
  }
}
