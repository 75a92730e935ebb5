package io.distexec.executor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/** The executors a worker has, by name. Thread-safe. */
public final class ExecutorRegistry {

  private final Map<String, Executor> executors =
      Collections.synchronizedMap(new LinkedHashMap<>());

  /**
   * Adds an executor.
   *
   * @throws IllegalArgumentException if another executor already has its name
   */
  public ExecutorRegistry register(Executor executor) {
    String name = executor.name();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(executor.getClass().getName() + " has no name");
    }
    Executor previous = executors.putIfAbsent(name, executor);
    if (previous != null) {
      throw new IllegalArgumentException(
          "two executors are named '"
              + name
              + "': "
              + previous.getClass().getName()
              + " and "
              + executor.getClass().getName());
    }
    return this;
  }

  /**
   * Adds an executor from every {@link ExecutorProvider} that {@link ServiceLoader} finds through
   * the given class loader.
   *
   * @return the names of the executors added
   */
  public List<String> registerProviders(ClassLoader loader, ExecutorEnvironment environment) {
    List<String> added = new ArrayList<>();
    for (ExecutorProvider provider : ServiceLoader.load(ExecutorProvider.class, loader)) {
      Executor executor = provider.create(environment);
      register(executor);
      added.add(executor.name());
    }
    return added;
  }

  public Optional<Executor> find(String name) {
    return Optional.ofNullable(executors.get(name));
  }

  /** Names of all registered executors. */
  public Set<String> names() {
    synchronized (executors) {
      return Set.copyOf(executors.keySet());
    }
  }
}
