package io.distexec.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distexec.executor.command.CommandExecutor;
import org.junit.jupiter.api.Test;

class ExecutorRegistryTest {

  private final Executor command = new CommandExecutor(CommandExecutor.Settings.defaults(), Runnable::run);

  @Test
  void findsAnExecutorByName() {
    ExecutorRegistry registry = new ExecutorRegistry().register(command);
    assertThat(registry.find("command")).contains(command);
    assertThat(registry.find("nope")).isEmpty();
    assertThat(registry.names()).containsExactly("command");
  }

  @Test
  void refusesTwoExecutorsWithOneName() {
    ExecutorRegistry registry = new ExecutorRegistry().register(command);
    assertThatThrownBy(() -> registry.register(command))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two executors are named 'command'");
  }
}
