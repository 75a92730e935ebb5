package io.distexec.executor.script;

import io.distexec.executor.Executor;
import io.distexec.executor.ExecutorEnvironment;
import io.distexec.executor.ExecutorProvider;
import java.nio.file.Path;

/**
 * Registers the {@code script} executor on a worker. Scripts are written to SCRIPT_DIR, or to the
 * JVM's temporary folder.
 */
public final class ScriptExecutorProvider implements ExecutorProvider {

  @Override
  public Executor create(ExecutorEnvironment environment) {
    Path scratch =
        Path.of(environment.setting("SCRIPT_DIR").orElse(System.getProperty("java.io.tmpdir")));
    return new ScriptExecutor(environment.commandExecutor(), scratch, environment::handToTaskUser);
  }
}
