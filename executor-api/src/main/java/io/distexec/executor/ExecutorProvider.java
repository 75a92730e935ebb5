package io.distexec.executor;

/**
 * Creates an executor on a worker. Plugins ship an implementation in a jar with a {@code
 * META-INF/services/io.distexec.executor.ExecutorProvider} file naming it, and operators put the
 * jar in the worker's plugins folder ({@code PLUGINS_DIR}); the worker finds it with {@link
 * java.util.ServiceLoader}.
 */
public interface ExecutorProvider {

  /**
   * @param environment what the worker offers: settings, threads, and its configured command
   *     executor to build on
   */
  Executor create(ExecutorEnvironment environment);
}
