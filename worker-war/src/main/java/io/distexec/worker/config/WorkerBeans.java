package io.distexec.worker.config;

import io.distexec.common.ClusterTls;
import io.distexec.common.GrpcLimits;
import io.distexec.common.HostPort;
import io.distexec.executor.ExecutorEnvironment;
import io.distexec.executor.ExecutorRegistry;
import io.distexec.executor.command.CommandExecutor;
import io.distexec.executor.command.CommandPolicy;
import io.distexec.executor.command.TaskUser;
import io.distexec.worker.execution.TaskRunner;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds the worker's plain-Java parts once and hands them to CDI. */
@ApplicationScoped
public class WorkerBeans {

  private static final Logger LOG = Logger.getLogger(WorkerBeans.class.getName());

  /** Runs tasks and their output copiers: Liberty's default managed executor. */
  @Resource ManagedExecutorService executor;

  @Produces
  @Singleton
  WorkerConfig config() {
    Config config = ConfigProvider.getConfig();
    HostPort bind =
        HostPort.parse(
            "WORKER_ADDRESS",
            string(config, "WORKER_ADDRESS").orElse(WorkerConfig.DEFAULT_ADDRESS));
    String advertised = string(config, "WORKER_ADVERTISE_ADDRESS").orElseGet(() -> advertise(bind));
    String httpUrl =
        string(config, "WORKER_HTTP_URL")
            .orElseGet(
                () ->
                    string(config, "HTTP_PORT")
                        .map(p -> "http://" + hostOf(bind) + ":" + p)
                        .orElse(""));
    return new WorkerConfig(
        string(config, "WORKER_ID").orElse(null),
        bind,
        advertised,
        string(config, "MASTER_ADDRESS").orElse(null),
        config
            .getOptionalValue("MAX_CONCURRENT_TASKS", Integer.class)
            .orElse(WorkerConfig.DEFAULT_MAX_CONCURRENT_TASKS),
        Duration.ofSeconds(
            config
                .getOptionalValue("HEARTBEAT_INTERVAL_SECONDS", Integer.class)
                .orElse(WorkerConfig.DEFAULT_HEARTBEAT_INTERVAL_SECONDS)),
        Duration.ofSeconds(
            config
                .getOptionalValue("DRAIN_GRACE_SECONDS", Integer.class)
                .orElse(WorkerConfig.DEFAULT_DRAIN_GRACE_SECONDS)),
        config
            .getOptionalValue("OUTPUT_CAP_BYTES", Integer.class)
            .orElse(WorkerConfig.DEFAULT_OUTPUT_CAP_BYTES),
        httpUrl,
        string(config, "COMMAND_ALLOWLIST").orElse(""),
        string(config, "TASK_ENV_PASSTHROUGH")
            .map(
                v ->
                    Arrays.stream(v.split(","))
                        .map(String::trim)
                        .filter(n -> !n.isEmpty())
                        .collect(Collectors.toSet()))
            .orElse(CommandExecutor.DEFAULT_PASSTHROUGH),
        string(config, "PLUGINS_DIR").map(Path::of).orElse(null),
        config
            .getOptionalValue("MAX_JOB_SPEC_BYTES", Integer.class)
            .orElse(GrpcLimits.DEFAULT_MAX_SPEC_BYTES),
        config
            .getOptionalValue("EXECUTOR_THREADS", Integer.class)
            .orElse(WorkerConfig.DEFAULT_EXECUTOR_THREADS));
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

  /** CLUSTER_TLS_DIR: required unless WORKER_ADDRESS is a loopback address. */
  @Produces
  @Singleton
  WorkerTls tls(WorkerConfig config) {
    return new WorkerTls(
        ClusterTls.forBind(
            string(ConfigProvider.getConfig(), "CLUSTER_TLS_DIR").orElse(null),
            "WORKER_ADDRESS",
            config.bind()));
  }

  @Produces
  @Singleton
  CommandExecutor commandExecutor(WorkerConfig config) {
    Config settings = ConfigProvider.getConfig();
    TaskUser user = taskUser(string(settings, "TASK_USER"));
    CommandExecutor.Settings command =
        new CommandExecutor.Settings(
            config.outputCapBytes(),
            CommandExecutor.Settings.DEFAULT_KILL_GRACE,
            CommandExecutor.Settings.passThrough(System.getenv(), config.envPassThrough()),
            CommandPolicy.parse(config.commandAllowList(), System.getenv("PATH")),
            CommandExecutor.Settings.envAllowFrom(
                Map.of("TASK_ENV_ALLOW", string(settings, "TASK_ENV_ALLOW").orElse(""))),
            user,
            string(settings, "TASK_DIR").map(Path::of).orElse(null));
    CommandExecutor commands = new CommandExecutor(command, executor);
    LOG.info(() -> "tasks start with " + commands.launcher() + " (Java " + Runtime.version() + ")");
    return commands;
  }

  /**
   * Who tasks run as. A worker running as root runs them as TASK_USER ({@code nobody} unless set;
   * {@code root} keeps root, on purpose only); any other worker runs them as itself, and refuses a
   * TASK_USER other than its own user, which it cannot honour.
   */
  static TaskUser taskUser(Optional<String> setting) {
    if (!TaskUser.runningAsRoot()) {
      if (setting.isPresent() && !setting.get().equals(System.getProperty("user.name"))) {
        throw new IllegalArgumentException(
            "TASK_USER="
                + setting.get()
                + " needs the worker to run as root (to switch users); unset it to run tasks as"
                + " the worker's user");
      }
      return null;
    }
    String name = setting.orElse(TaskUser.DEFAULT);
    if (name.equals("root")) {
      LOG.warning("TASK_USER=root: tasks run as root and can read everything the worker can");
      return null;
    }
    TaskUser user = TaskUser.of(name);
    LOG.info(() -> "the worker runs as root: tasks run as " + name + " (TASK_USER)");
    return user;
  }

  @Produces
  @Singleton
  Plugins plugins(WorkerConfig config) throws IOException {
    return Plugins.load(config.pluginsDir(), WorkerBeans.class.getClassLoader());
  }

  void closePlugins(@Disposes Plugins plugins) {
    plugins.close();
  }

  /** The built-in command executor, then every executor the plugins provide. */
  @Produces
  @Singleton
  ExecutorRegistry executors(WorkerConfig config, CommandExecutor command, Plugins plugins) {
    ExecutorRegistry registry = new ExecutorRegistry().register(command);
    Config settings = ConfigProvider.getConfig();
    ExecutorEnvironment environment =
        new ExecutorEnvironment() {
          @Override
          public io.distexec.executor.Executor commandExecutor() {
            return command;
          }

          @Override
          public java.util.concurrent.Executor ioThreads() {
            return executor;
          }

          @Override
          public int outputCapBytes() {
            return config.outputCapBytes();
          }

          @Override
          public Optional<String> setting(String name) {
            return string(settings, name);
          }

          @Override
          public void handToTaskUser(Path file) throws IOException {
            command.handToTaskUser(file);
          }
        };
    List<String> added = registry.registerProviders(plugins.classLoader(), environment);
    if (!added.isEmpty()) {
      LOG.info(() -> "executors from plugins in " + config.pluginsDir() + ": " + added);
    }
    return registry;
  }

  @Produces
  @Singleton
  TaskRunner runner(ExecutorRegistry executors, WorkerConfig config) {
    return new TaskRunner(executors, executor, config.maxConcurrentTasks());
  }
}
