package io.distexec.worker.config;

import io.distexec.common.HostPort;
import io.distexec.executor.ExecutorRegistry;
import io.distexec.executor.command.CommandExecutor;
import io.distexec.worker.execution.TaskRunner;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds the worker's plain-Java parts once and hands them to CDI. */
@ApplicationScoped
public class WorkerBeans {

  /** Runs tasks and their output copiers: Liberty's default managed executor. */
  @Resource
  ManagedExecutorService executor;

  @Produces
  @Singleton
  WorkerConfig config() {
    Config config = ConfigProvider.getConfig();
    HostPort bind = HostPort.parse("WORKER_ADDRESS", string(config, "WORKER_ADDRESS").orElse(WorkerConfig.DEFAULT_ADDRESS));
    String advertised = string(config, "WORKER_ADVERTISE_ADDRESS").orElseGet(() -> advertise(bind));
    String httpUrl = string(config, "WORKER_HTTP_URL")
        .orElseGet(() -> string(config, "HTTP_PORT").map(p -> "http://" + hostOf(bind) + ":" + p).orElse(""));
    return new WorkerConfig(
        string(config, "WORKER_ID").orElse(null),
        bind,
        advertised,
        string(config, "MASTER_ADDRESS").orElse(null),
        config.getOptionalValue("MAX_CONCURRENT_TASKS", Integer.class).orElse(WorkerConfig.DEFAULT_MAX_CONCURRENT_TASKS),
        Duration.ofSeconds(config.getOptionalValue("HEARTBEAT_INTERVAL_SECONDS", Integer.class)
            .orElse(WorkerConfig.DEFAULT_HEARTBEAT_INTERVAL_SECONDS)),
        Duration.ofSeconds(config.getOptionalValue("DRAIN_GRACE_SECONDS", Integer.class)
            .orElse(WorkerConfig.DEFAULT_DRAIN_GRACE_SECONDS)),
        config.getOptionalValue("OUTPUT_CAP_BYTES", Integer.class).orElse(WorkerConfig.DEFAULT_OUTPUT_CAP_BYTES),
        httpUrl);
  }

  private static Optional<String> string(Config config, String name) {
    return config.getOptionalValue(name, String.class).filter(v -> !v.isBlank());
  }

  /** A wildcard bind cannot be dialled: advertise this machine's name instead. */
  private static String advertise(HostPort bind) {
    return new HostPort(hostOf(bind), bind.port()).toString();
  }

  private static String hostOf(HostPort bind) {
    if (!bind.host().equals("0.0.0.0") && !bind.host().equals("::")) {
      return bind.host();
    }
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  @Produces
  @Singleton
  ExecutorRegistry executors(WorkerConfig config) {
    CommandExecutor.Settings settings = new CommandExecutor.Settings(config.outputCapBytes(),
        CommandExecutor.Settings.DEFAULT_KILL_GRACE, System.getenv());
    return new ExecutorRegistry()
        .register(new CommandExecutor(settings, executor))
        .registerServiceProviders(Thread.currentThread().getContextClassLoader());
  }

  @Produces
  @Singleton
  TaskRunner runner(ExecutorRegistry executors, WorkerConfig config) {
    return new TaskRunner(executors, executor, config.maxConcurrentTasks());
  }
}
