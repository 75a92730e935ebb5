package io.distexec.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExecutorRegistryTest {

  /** The smallest executor there is: enough for the registry, which only reads names. */
  private static final class Named implements Executor {
    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void validate(Task task) {}

    @Override
    public Result execute(Task task, ExecutionContext context) {
      throw new UnsupportedOperationException("not run by these tests");
    }
  }

  private final Executor command = new Named(Task.DEFAULT_TYPE);

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
