package io.distexec.worker.config;

import io.distexec.common.GrpcLimits;
import io.distexec.common.HostPort;
import io.distexec.executor.CappedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The worker's settings, read once at startup through MicroProfile Config (environment variables
 * with these names work, as in the spec).
 *
 * @param workerId WORKER_ID (required): unique, stable name of this worker
 * @param bind WORKER_ADDRESS: where the WorkerService listens (default 127.0.0.1:50052)
 * @param advertisedAddress WORKER_ADVERTISE_ADDRESS: host:port the master dials (default: bind,
 *     with a wildcard host replaced by this machine's name)
 * @param masterAddress MASTER_ADDRESS (required): host:port of the master's gRPC endpoint
 * @param maxConcurrentTasks MAX_CONCURRENT_TASKS: tasks run at once (default 10)
 * @param heartbeatInterval HEARTBEAT_INTERVAL_SECONDS: default 5; the master's answer wins
 * @param drainGrace DRAIN_GRACE_SECONDS: how long shutdown waits for running tasks (default 30)
 * @param outputCapBytes OUTPUT_CAP_BYTES: output kept per stream and task (default 1 MiB)
 * @param httpUrl WORKER_HTTP_URL: this worker's HTTP base URL, shown to operators (optional)
 * @param commandAllowList COMMAND_ALLOWLIST: programs tasks may run (blank: any)
 * @param envPassThrough TASK_ENV_PASSTHROUGH: variables tasks inherit from the worker
 * @param pluginsDir PLUGINS_DIR: folder of executor plugin jars, or {@code null}
 * @param maxSpecBytes MAX_JOB_SPEC_BYTES: the largest job spec the master accepts (set the same on
 *     master and workers); the worker's gRPC endpoint takes messages that large
 * @param executorThreads EXECUTOR_THREADS: the core size of Liberty's pool, set in server.xml from
 *     the same variable; read here to warn when it is too small for the slots
 */
public record WorkerConfig(
    String workerId,
    HostPort bind,
    String advertisedAddress,
    String masterAddress,
    int maxConcurrentTasks,
    Duration heartbeatInterval,
    Duration drainGrace,
    int outputCapBytes,
    String httpUrl,
    String commandAllowList,
    Set<String> envPassThrough,
    Path pluginsDir,
    int maxSpecBytes,
    int executorThreads) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:50052";
  public static final int DEFAULT_MAX_CONCURRENT_TASKS = 10;
  public static final int DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 5;
  public static final int DEFAULT_DRAIN_GRACE_SECONDS = 30;
  public static final int DEFAULT_OUTPUT_CAP_BYTES = CappedOutput.DEFAULT_CAP_BYTES;

  /**
   * EXECUTOR_THREADS, the Liberty default pool's core size: liberty/worker/server.xml's default.
   */
  public static final int DEFAULT_EXECUTOR_THREADS = 48;

  /**
   * Threads Liberty's pool must be able to start at once for every slot's command to run without
   * waiting for the pool to grow: the wait, stdout, stderr and stdin copying per task, and some for
   * HTTP requests.
   */
  public static int executorThreadsNeeded(int maxConcurrentTasks) {
    return 4 * maxConcurrentTasks + 8;
  }

  /** Whether Liberty's pool can start a thread for every running command's streams at once. */
  public boolean executorThreadsSuffice() {
    return executorThreads >= executorThreadsNeeded(maxConcurrentTasks);
  }

  public WorkerConfig {
    if (workerId == null || workerId.isBlank()) {
      throw new IllegalArgumentException(
          "WORKER_ID is required: give this worker a unique name, e.g. worker-1");
    }
    if (masterAddress == null || masterAddress.isBlank()) {
      throw new IllegalArgumentException(
          "MASTER_ADDRESS is required: the master's gRPC host:port, e.g. 127.0.0.1:50051");
    }
    for (String address : masterAddress.split(",")) {
      HostPort.parse("MASTER_ADDRESS", address.strip());
    }
    HostPort.parse("WORKER_ADVERTISE_ADDRESS", advertisedAddress);
    Objects.requireNonNull(bind, "bind");
    if (maxConcurrentTasks < 1) {
      throw new IllegalArgumentException(
          "MAX_CONCURRENT_TASKS must be at least 1, got " + maxConcurrentTasks);
    }
    if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
      throw new IllegalArgumentException("HEARTBEAT_INTERVAL_SECONDS must be at least 1");
    }
    if (drainGrace.isNegative()) {
      throw new IllegalArgumentException("DRAIN_GRACE_SECONDS must not be negative");
    }
    if (outputCapBytes < 1024 || outputCapBytes > GrpcLimits.MAX_OUTPUT_CAP_BYTES) {
      throw new IllegalArgumentException(
          "OUTPUT_CAP_BYTES must be from 1024 to "
              + GrpcLimits.MAX_OUTPUT_CAP_BYTES
              + " (a task's result must fit one message to the master), got "
              + outputCapBytes);
    }
    if (maxSpecBytes < 64 * 1024 || maxSpecBytes > 16 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "MAX_JOB_SPEC_BYTES must be from 65536 to 16777216 (as on the master), got "
              + maxSpecBytes);
    }
    if (executorThreads < 1) {
      throw new IllegalArgumentException(
          "EXECUTOR_THREADS must be at least 1, got " + executorThreads);
    }
    httpUrl = httpUrl == null ? "" : httpUrl;
    commandAllowList = commandAllowList == null ? "" : commandAllowList;
    envPassThrough = Set.copyOf(envPassThrough);
    if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
      throw new IllegalArgumentException(
          "PLUGINS_DIR is '"
              + pluginsDir
              + "', which is not a folder; "
              + "create it or unset PLUGINS_DIR");
    }
  }

  /**
   * The masters' cluster addresses, in order: MASTER_ADDRESS may name several (comma-separated), or
   * one that reaches any of them (a Kubernetes Service); a standby names the leader.
   */
  public java.util.List<String> masterAddresses() {
    return java.util.Arrays.stream(masterAddress.split(","))
        .map(String::strip)
        .filter(a -> !a.isEmpty())
        .toList();
  }
}
