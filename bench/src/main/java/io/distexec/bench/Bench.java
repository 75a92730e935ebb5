package io.distexec.bench;

import io.distexec.client.DistexecClient;
import io.distexec.client.JobStatus;
import io.distexec.testing.LocalCluster;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness. Each part starts the cluster it needs (as users do, with
 * scripts/local-cluster.sh), measures, prints one line per figure, and stops it; all figures also
 * go to one JSON file.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measures distexec on this machine: baseline, throughput, latency, registry scale, queue"
            + " depth, footprint and start.")
public final class Bench implements Callable<Integer> {

  enum Part {
    baseline,
    throughput,
    latency,
    registry,
    queue,
    footprint
  }

  @Option(
      names = "--parts",
      split = ",",
      description = "Parts to run (default: all): ${COMPLETION-CANDIDATES}")
  Set<Part> parts = EnumSet.allOf(Part.class);

  @Option(names = "--jobs", description = "Jobs per throughput run (default: ${DEFAULT-VALUE})")
  int jobs = 10_000;

  @Option(
      names = "--clients",
      description = "Concurrent clients in throughput runs (default: ${DEFAULT-VALUE})")
  int clients = 8;

  @Option(
      names = "--warmup-jobs",
      description =
          "Jobs run through each API before the latency and throughput parts, not measured: the"
              + " servers' JIT compiles their paths first, as in a cluster that has run a while"
              + " (default: ${DEFAULT-VALUE})")
  int warmupJobs = 1000;

  @Option(
      names = "--latency-jobs",
      description = "Sequential round trips (default: ${DEFAULT-VALUE})")
  int latencyJobs = 500;

  @Option(
      names = "--simulated-workers",
      description = "Simulated workers on one master (default: ${DEFAULT-VALUE})")
  int simulatedWorkers = 1000;

  @Option(
      names = "--registry-seconds",
      description = "How long the registry's CPU is sampled (default: ${DEFAULT-VALUE})")
  int registrySeconds = 30;

  @Option(
      names = "--queue-depth",
      description = "Jobs queued with no worker running (default: ${DEFAULT-VALUE})")
  int queueDepth = 1_000_000;

  @Option(
      names = "--restarts",
      description =
          "Stops and starts of a worker and of the master in the footprint part; the median is"
              + " reported (default: ${DEFAULT-VALUE})")
  int restarts = 3;

  @Option(
      names = "--api-tls",
      description =
          "Serve the master's API (REST and gRPC) over TLS, as API_TLS=1 of the local cluster")
  boolean apiTls;

  @Option(
      names = "--fast-start",
      description =
          "Start the servers with FAST_START=1 (C1 only): quicker to start, slower to run; for"
              + " smoke runs, not for figures")
  boolean fastStart;

  @Option(names = "--out", description = "JSON file of all figures (default: ${DEFAULT-VALUE})")
  Path out = Path.of("target/bench/results.json");

  @Option(names = "--root", description = "The distexec checkout (default: the working directory)")
  Path root = Path.of("").toAbsolutePath();

  /** The workers of the local cluster and the tasks each runs at once (the shipped defaults). */
  static final int WORKERS = 2;

  static final int SLOTS_PER_WORKER = 10;

  private final Results results = new Results();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static {
    // The JDK's HTTP client keeps an idle connection 1,200 s, Liberty 30 s (persistTimeout): a
    // connection idle through the gRPC run was closed by the master as the REST run reused it
    // ("header parser received no bytes"). Read once, when the client's classes load.
    if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
      System.setProperty("jdk.httpclient.keepalive.timeout", "20");
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  /** Runs the harness in this JVM (the smoke test); returns the figures. */
  static Map<String, Object> run(String... args) {
    Bench bench = new Bench();
    int exit = new CommandLine(bench).execute(args);
    if (exit != 0) {
      throw new IllegalStateException("bench failed with exit code " + exit);
    }
    return bench.results.all();
  }

  @Override
  public Integer call() throws Exception {
    if (restarts < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--restarts must be at least 1 (the footprint part reports the median of its starts)");
    }
    Path work = root.resolve("target/bench");
    results.put("machine.cores", Runtime.getRuntime().availableProcessors(), "");
    if (parts.contains(Part.baseline)) {
      Baseline.Run base = Baseline.run(jobs, WORKERS * SLOTS_PER_WORKER);
      results.put(
          "baseline.jobs_per_second",
          base.jobsPerSecond(),
          "processes/s (ProcessBuilder, " + WORKERS * SLOTS_PER_WORKER + " threads)");
      results.put(
          "baseline.cpu_ms_per_process",
          base.cpuMillisPerProcess(),
          "ms of CPU per process started, read and reaped (the starting JVM's and the process's)");
    }
    if (parts.contains(Part.throughput)
        || parts.contains(Part.latency)
        || parts.contains(Part.footprint)) {
      results.put("api.tls", apiTls ? 1 : 0, "1: REST and gRPC over TLS");
      try (LocalCluster cluster =
              cluster(
                  work.resolve("cluster"), WORKERS, apiTls ? Map.of("API_TLS", "1") : Map.of());
          DistexecClient client =
              DistexecClient.connect(
                  cluster.masterGrpc(),
                  Duration.ofSeconds(30),
                  cluster.adminToken(),
                  cluster.apiTls() ? cluster.apiCa() : null)) {
        HttpClient http = HttpClient.newBuilder().sslContext(cluster.apiSslContext()).build();
        if (parts.contains(Part.footprint)) {
          idleMemory(cluster, "");
        }
        if (warmupJobs > 0 && (parts.contains(Part.latency) || parts.contains(Part.throughput))) {
          warmUp(cluster, client, http);
        }
        if (parts.contains(Part.latency)) {
          String url = cluster.masterUrl();
          String auth = cluster.adminAuthorization();
          // REST first under the figures' old names (latency.p50_ms, ...), then gRPC beside it.
          List<ProcessStats> cpu = Throughput.stats(cluster);
          latency(
              "latency.",
              "REST",
              Latency.measure(Latency.rest(http, url, auth), http, url, auth, latencyJobs));
          cpu = latencyCpu("latency.", cluster, cpu);
          latency(
              "latency.grpc.",
              "gRPC",
              Latency.measure(Latency.grpc(client), http, url, auth, latencyJobs));
          latencyCpu("latency.grpc.", cluster, cpu);
        }
        if (parts.contains(Part.throughput)) {
          long before = Throughput.count(client, JobStatus.SUCCEEDED);
          Throughput.Run grpc = Throughput.run(cluster, jobs, clients, Throughput.grpc(client));
          results.put(
              "throughput.grpc.jobs_per_second",
              grpc.jobsPerSecond(),
              "jobs/s (" + jobs + " jobs, " + clients + " clients)");
          results.timeline("gRPC", grpc.timeline());
          cpuPerJob("throughput.grpc.", grpc.cpu());
          Throughput.Run rest =
              Throughput.run(
                  cluster,
                  jobs,
                  clients,
                  Throughput.rest(http, cluster.masterUrl(), cluster.adminAuthorization()));
          results.put(
              "throughput.rest.jobs_per_second",
              rest.jobsPerSecond(),
              "jobs/s (" + jobs + " jobs, " + clients + " clients)");
          results.timeline("REST", rest.timeline());
          cpuPerJob("throughput.rest.", rest.cpu());
          long stored = Throughput.count(client, JobStatus.SUCCEEDED);
          results.put("throughput.jobs_succeeded", stored - before, "of " + 2 * jobs);
          if (results.get("baseline.jobs_per_second") instanceof Double base) {
            results.put("throughput.grpc.ratio_to_baseline", grpc.jobsPerSecond() / base, "");
            results.put("throughput.rest.ratio_to_baseline", rest.jobsPerSecond() / base, "");
          }
          storeSize("throughput.", cluster, stored);
        }
        if (parts.contains(Part.footprint)) {
          if (parts.contains(Part.latency) || parts.contains(Part.throughput)) {
            idleMemory(cluster, "_after_work");
          }
          // Last: the client's connection to this master does not survive its restarts.
          startTimes(cluster);
        }
      }
    }
    if (parts.contains(Part.registry) || parts.contains(Part.queue)) {
      // One master without workers for both parts: a master's start is the slowest step of a run.
      // Plaintext between master and workers (loopback only): the stand-ins share one endpoint and
      // have no certificates of their own, and the figures are about the registry, not TLS.
      Map<String, String> settings =
          Map.of("CLUSTER_TLS", "0", "MAX_CONCURRENT_JOBS", Integer.toString(queueDepth + 1000));
      try (LocalCluster cluster = cluster(work.resolve("master"), 0, settings)) {
        if (parts.contains(Part.registry)) {
          registry(cluster); // its stand-ins deregister as they stop: the queue has no worker
        }
        if (parts.contains(Part.queue)) {
          queue(cluster);
        }
      }
    }
    results.write(out);
    Path report = out.resolveSibling("report.html");
    Report.write(results, report);
    System.out.println("figures written to " + out.toAbsolutePath() + ", the report to " + report);
    return 0;
  }

  /**
   * Runs {@code warmupJobs} jobs through gRPC and through REST, unmeasured. A fresh server spends a
   * third of its CPU compiling in the first thousands of jobs (a profile of the master: its JIT
   * threads 30 % of its CPU in a 2,000-job run); the figures are those of a warm cluster.
   */
  private void warmUp(LocalCluster cluster, DistexecClient client, HttpClient http)
      throws Exception {
    long start = System.nanoTime();
    Throughput.run(cluster, warmupJobs, clients, Throughput.grpc(client));
    Throughput.run(
        cluster,
        warmupJobs,
        clients,
        Throughput.rest(http, cluster.masterUrl(), cluster.adminAuthorization()));
    results.put(
        "warmup.seconds",
        (System.nanoTime() - start) / 1e9,
        "s for " + warmupJobs + " jobs through gRPC and as many through REST, not measured");
  }

  /** A throughput run's CPU per job under {@code prefix}. */
  private void cpuPerJob(String prefix, Throughput.CpuPerJob cpu) {
    results.put(prefix + "cpu_ms_per_job.master", cpu.master(), "ms of the master's CPU per job");
    results.put(
        prefix + "cpu_ms_per_job.workers", cpu.workers(), "ms of the workers' JVMs' CPU per job");
    results.put(
        prefix + "cpu_ms_per_job.master_and_workers",
        cpu.masterAndWorkers(),
        "ms per job, master and workers together (the command's own process apart)");
    results.put(
        prefix + "cpu_ms_per_job.jit",
        cpu.jit(),
        "ms per job of the above spent by the servers' JIT compilers (fades as they run on)");
    results.put(
        prefix + "cpu_ms_per_job.commands",
        cpu.commands(),
        "ms per job of the command's own process (reaped by the workers)");
  }

  /**
   * The CPU per job of a latency part (one job at a time on an idle cluster, and the GET that reads
   * each job's phases): what a job costs when nothing shares the cost of a commit or a wake-up with
   * it. Returns the servers' CPU now, where the next part starts from.
   */
  private List<ProcessStats> latencyCpu(
      String prefix, LocalCluster cluster, List<ProcessStats> before) throws Exception {
    List<ProcessStats> now = Throughput.stats(cluster);
    cpuPerJob(prefix, Throughput.cpuPerJob(before, now, Latency.jobsRun(latencyJobs)));
    return now;
  }

  /** The embedded store's size on disk, whole and per job it holds (when it is the store). */
  private void storeSize(String prefix, LocalCluster cluster, long jobsStored) throws IOException {
    long bytes = cluster.embeddedStoreBytes();
    if (bytes > 0 && jobsStored > 0) {
      results.put(prefix + "store_mib", bytes / (1024.0 * 1024), "MiB on disk, embedded store");
      results.put(
          prefix + "store_bytes_per_job",
          (double) bytes / jobsStored,
          "bytes on disk per job stored (" + jobsStored + " jobs)");
    }
  }

  /** A latency part's figures under {@code prefix}, and its round trips for the report. */
  private void latency(String prefix, String api, Latency.Measured measured) {
    Latency.Percentiles p = measured.total();
    String how = api.equals("REST") ? "REST, Prefer: wait" : "gRPC: submit, watch, get";
    results.put(prefix + "p50_ms", p.p50(), "ms submit -> stored result (" + how + ")");
    results.put(prefix + "p95_ms", p.p95(), "ms");
    results.put(prefix + "p99_ms", p.p99(), "ms");
    results.put(prefix + "max_ms", p.max(), "ms");
    measured
        .phaseMedians()
        .forEach((phase, ms) -> results.put(prefix + "phase." + phase + "_ms", ms, "ms, median"));
    results.latencies(api, measured.samples());
  }

  /** The master's and a worker's resident memory once they have been idle a while. */
  private void idleMemory(LocalCluster cluster, String suffix) throws Exception {
    Thread.sleep(Footprint.SETTLE_MILLIS);
    String when = suffix.isEmpty() ? "idle after the start" : "idle after the runs above";
    for (String server : List.of("master", "worker-1")) {
      results.put(
          "footprint." + server.replace("-1", "") + "_rss" + suffix + "_mib",
          Footprint.rssMib(cluster, server),
          "MiB RSS, " + when);
    }
  }

  private void startTimes(LocalCluster cluster) throws Exception {
    for (String server : List.of("worker-1", "master")) {
      results.put(
          "footprint." + server.replace("-1", "") + "_start_seconds",
          Footprint.medianStartSeconds(cluster, server, restarts),
          "s from `server start` to ready, median of " + restarts);
    }
  }

  private void registry(LocalCluster cluster) throws Exception {
    try (SimulatedWorkers fleet = new SimulatedWorkers()) {
      long started = System.nanoTime();
      fleet.start("127.0.0.1:" + cluster.masterClusterPort(), simulatedWorkers);
      results.put(
          "registry.register_seconds",
          (System.nanoTime() - started) / 1e9,
          "s to register " + simulatedWorkers + " simulated workers");
      long pid = cluster.pid("master");
      // Steady state: every worker has heartbeated a few times and the JIT has compiled the path.
      Thread.sleep(Math.min(30, registrySeconds) * 1000L);
      ProcessStats before = ProcessStats.of(pid);
      long t0 = System.nanoTime();
      Thread.sleep(registrySeconds * 1000L);
      ProcessStats after = ProcessStats.of(pid);
      double seconds = (System.nanoTime() - t0) / 1e9;
      results.put("registry.workers", (long) cluster.metric("distexec_workers"), "registered");
      results.put(
          "registry.master_core_share",
          after.coreShareSince(before, seconds),
          "of one core, idle fleet heartbeating (" + registrySeconds + " s)");
      results.put("registry.master_rss_mib", after.rssBytes() / (1024.0 * 1024), "MiB");
      results.put("registry.heartbeat_failures", fleet.heartbeatFailures.get(), "");
    }
  }

  private void queue(LocalCluster cluster) throws Exception {
    try (DistexecClient client =
        DistexecClient.connect(
            cluster.masterGrpc(), Duration.ofSeconds(60), cluster.adminToken())) {
      // A tenth of the queue goes in batches (SubmitBatch, as distctl --count sends them), the
      // rest one job per call: both rates, and the same depth as ever for the restart.
      int batchSize =
          Math.max(1, Math.min(DistexecClient.MAX_BATCH_JOBS, queueDepth / 10 / clients));
      int batches = queueDepth / 10 / batchSize;
      int singles = queueDepth - batches * batchSize;
      Throughput.Submitter grpc = Throughput.grpc(client);
      long start = System.nanoTime();
      // The capacity is above the depth: a full queue here is a defect, not a reason to wait.
      Throughput.submitAll(singles, clients, full(grpc));
      double seconds = (System.nanoTime() - start) / 1e9;
      results.put(
          "queue.submit_jobs_per_second",
          singles / seconds,
          "jobs/s (" + singles + " jobs, gRPC, " + clients + " clients)");
      if (batches > 0) {
        start = System.nanoTime();
        Throughput.submitAll(batches, clients, full(Throughput.grpcBatch(client, batchSize)));
        seconds = (System.nanoTime() - start) / 1e9;
        results.put(
            "queue.batch_submit_jobs_per_second",
            batches * batchSize / seconds,
            "jobs/s ("
                + batches
                + " batches of "
                + batchSize
                + ", gRPC SubmitBatch, "
                + clients
                + " clients, after the others)");
      }
      results.put("queue.queued", (long) cluster.metric("distexec_jobs_queued"), "jobs");
      storeSize("queue.", cluster, queueDepth);
      results.put(
          "queue.master_heap_mib",
          cluster.metric("memory_usedHeap_bytes") / (1024.0 * 1024),
          "MiB used heap (garbage included)");
      results.put("queue.master_rss_mib", Footprint.rssMib(cluster, "master"), "MiB");
      long killed = System.nanoTime();
      Duration ready = cluster.killAndRestartMaster();
      results.put("queue.ready_seconds", ready.toMillis() / 1000.0, "s from kill -9 to ready");
      // The leader takes the queue over after it is ready (a standby becomes leader the same way):
      // the restart is over when every job is queued again, or after five minutes.
      long deadline = killed + Duration.ofMinutes(5).toNanos();
      while (cluster.metric("distexec_jobs_queued") < queueDepth && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      results.put(
          "queue.restart_seconds",
          (System.nanoTime() - killed) / 1e9,
          "s from kill -9 to every job queued again");
      results.put(
          "queue.queued_after_restart", (long) cluster.metric("distexec_jobs_queued"), "jobs");
      results.put(
          "queue.master_heap_after_restart_mib",
          cluster.metric("memory_usedHeap_bytes") / (1024.0 * 1024),
          "MiB used heap (garbage included)");
      listing(cluster);
    }
  }

  /** A submitter that fails the run on a full queue (the bench sets the capacity above it). */
  private static Throughput.Submitter full(Throughput.Submitter submitter) {
    return () -> {
      if (!submitter.submit()) {
        throw new IllegalStateException("the master refused a job as the queue was full");
      }
      return true;
    };
  }

  /** The console's jobs table with the queue's jobs in the store: its first pages, timed. */
  private void listing(LocalCluster cluster) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(cluster.apiSslContext()).build();
    String jobs = queueDepth + " jobs stored";
    for (var page :
        List.of(
            Map.entry("newest", "limit=50"),
            Map.entry("status", "status=QUEUED&limit=50"),
            Map.entry("text", "q=hello&limit=50"),
            Map.entry("text_no_match", "q=no-such-command&limit=50"))) {
      results.put(
          "listing." + page.getKey() + "_first_page_ms",
          Listing.firstPageMillis(
              http, cluster.masterUrl(), cluster.adminAuthorization(), page.getValue(), 9),
          "ms, median of 9 (GET /api/v1/jobs?" + page.getValue() + ", " + jobs + ")");
    }
  }

  /**
   * A local cluster as users start it, with full JIT ({@code FAST_START=0}): the servers' peak
   * speed, not their start time (unless {@code --fast-start}).
   */
  private LocalCluster cluster(Path home, int workers, Map<String, String> settings)
      throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put("FAST_START", fastStart ? "1" : "0");
    return LocalCluster.start(root, home, workers, env);
  }
}
