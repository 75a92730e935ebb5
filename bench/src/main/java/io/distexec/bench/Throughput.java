package io.distexec.bench;

import io.distexec.client.DistexecClient;
import io.distexec.client.DistexecException.QueueFullException;
import io.distexec.client.JobRequest;
import io.distexec.client.JobStatus;
import io.distexec.testing.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code jobs} {@code echo hello} jobs submitted by {@code clients} concurrent clients, timed from
 * the first submit to the last stored result. A client told that the queue is full
 * (MAX_CONCURRENT_JOBS) waits briefly and submits again, as a well-behaved client does.
 */
final class Throughput {

  private Throughput() {}

  interface Submitter {
    /** Submits one job; false when the master said the queue is full. */
    boolean submit() throws Exception;
  }

  /**
   * A throughput run: its rate, and jobs ended per second along the way ({@code {seconds since the
   * first submit, jobs/s}}, every half second) for the report's chart.
   */
  record Run(double jobsPerSecond, List<double[]> timeline, CpuPerJob cpu) {}

  /**
   * Milliseconds of CPU per job over a run, from /proc: the master's, the workers' own (their JVMs)
   * and the commands' (the processes the workers started and reaped); and of the first two, what
   * the JVMs' JIT compilers used (a cost that fades as a server runs on).
   */
  record CpuPerJob(double master, double workers, double commands, double jit) {

    /** What distexec itself spends on a job, on top of the command's own process. */
    double masterAndWorkers() {
      return master + workers;
    }
  }

  /** The cluster's servers, master first, as local-cluster.sh names them. */
  private static List<String> servers() {
    List<String> servers = new ArrayList<>(List.of("master"));
    for (int i = 1; i <= Bench.WORKERS; i++) {
      servers.add("worker-" + i);
    }
    return servers;
  }

  /** Each server's CPU so far, master first. */
  static List<ProcessStats> stats(LocalCluster cluster) throws Exception {
    List<ProcessStats> stats = new ArrayList<>();
    for (String server : servers()) {
      stats.add(ProcessStats.of(cluster.pid(server)));
    }
    return stats;
  }

  /** The CPU the servers used between two looks, per job of the {@code jobs} run meanwhile. */
  static CpuPerJob cpuPerJob(List<ProcessStats> before, List<ProcessStats> after, int jobs) {
    double master = after.get(0).cpuMillisSince(before.get(0));
    double jit = after.get(0).jitMillisSince(before.get(0));
    double workers = 0;
    double commands = 0;
    for (int i = 1; i < before.size(); i++) {
      workers += after.get(i).cpuMillisSince(before.get(i));
      commands += after.get(i).childMillisSince(before.get(i));
      jit += after.get(i).jitMillisSince(before.get(i));
    }
    return new CpuPerJob(master / jobs, workers / jobs, commands / jobs, jit / jobs);
  }

  static Run run(LocalCluster cluster, int jobs, int clients, Submitter submitter)
      throws Exception {
    AtomicLong submitted = new AtomicLong();
    List<double[]> timeline = new ArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    List<ProcessStats> cpuBefore = stats(cluster);
    long start = System.nanoTime();
    long[] last = {start, 0};
    // Ended so far = accepted so far - still unfinished (the master's gauge).
    Runnable sample =
        () -> {
          try {
            long accepted = submitted.get();
            long ended = accepted - (long) cluster.metric("distexec_jobs_unfinished");
            long now = System.nanoTime();
            double seconds = (now - last[0]) / 1e9;
            synchronized (timeline) {
              timeline.add(
                  new double[] {(now - start) / 1e9, Math.max(0, ended - last[1]) / seconds});
            }
            last[0] = now;
            last[1] = Math.max(last[1], ended);
          } catch (Exception e) {
            // a missed sample leaves a longer interval to the next one
          }
        };
    sampler.scheduleAtFixedRate(sample, 500, 500, TimeUnit.MILLISECONDS);
    try {
      submitAll(jobs, clients, submitter, submitted);
      cluster.awaitIdle(Duration.ofMinutes(30));
    } finally {
      sampler.shutdownNow();
      sampler.awaitTermination(5, TimeUnit.SECONDS);
    }
    // The run's end is a point too: a run shorter than the sampling interval (80 jobs in the smoke
    // test at 150 jobs/s) had none, and its chart was left out of the report.
    sample.run();
    double rate = jobs / ((System.nanoTime() - start) / 1e9);
    CpuPerJob cpu = cpuPerJob(cpuBefore, stats(cluster), jobs);
    synchronized (timeline) {
      return new Run(rate, List.copyOf(timeline), cpu);
    }
  }

  static void submitAll(int jobs, int clients, Submitter submitter) throws Exception {
    submitAll(jobs, clients, submitter, new AtomicLong());
  }

  /**
   * Submits {@code jobs} jobs from {@code clients} threads, waiting briefly and submitting again
   * when the queue is full, counting those accepted in {@code submitted}; prints progress every
   * 100,000 jobs.
   */
  static void submitAll(int jobs, int clients, Submitter submitter, AtomicLong submitted)
      throws Exception {
    AtomicInteger left = new AtomicInteger(jobs);
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < clients; t++) {
        done.add(
            threads.submit(
                () -> {
                  int n;
                  while ((n = left.getAndDecrement()) > 0) {
                    while (!submitter.submit()) {
                      Thread.sleep(5); // a client's back-off after 429 / RESOURCE_EXHAUSTED, not
                      // synchronisation
                    }
                    submitted.incrementAndGet();
                    if (n % 100_000 == 0 && n < jobs) {
                      System.out.printf("  %d submitted%n", jobs - n);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  static Submitter grpc(DistexecClient client) {
    JobRequest echo = JobRequest.command("echo", "hello").build();
    return () -> {
      try {
        client.submit(echo);
        return true;
      } catch (QueueFullException e) {
        return false;
      }
    };
  }

  /** Submits {@code size} echo jobs per call, as one SubmitBatch. */
  static Submitter grpcBatch(DistexecClient client, int size) {
    List<JobRequest> batch = Collections.nCopies(size, JobRequest.command("echo", "hello").build());
    return () -> {
      try {
        client.submitBatch(batch, null);
        return true;
      } catch (QueueFullException e) {
        return false;
      }
    };
  }

  static Submitter rest(HttpClient http, String masterUrl, String authorization) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(masterUrl + "/api/v1/jobs"))
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString("{\"command\":\"echo\",\"args\":[\"hello\"]}"))
            .build();
    return () -> {
      int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 429) {
        return false;
      }
      if (status != 202) {
        throw new IllegalStateException("submit answered " + status);
      }
      return true;
    };
  }

  /** How many jobs ended in {@code status}, through the paged listing. */
  static long count(DistexecClient client, JobStatus status) {
    long n = 0;
    DistexecClient.ListOptions options = DistexecClient.ListOptions.all(1000).withStatus(status);
    while (true) {
      DistexecClient.JobPage page = client.list(options);
      n += page.jobs().size();
      Optional<String> next = page.nextCursor();
      if (next.isEmpty()) {
        return n;
      }
      options = options.withCursor(next.get());
    }
  }
}
