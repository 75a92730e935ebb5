package io.distexec.it;

import io.distexec.testing.LocalCluster;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One cluster (a master, two round-robin workers of 10 slots running programs of the system's
 * folders only, heartbeats every second and a worker declared dead after 3 s without one, so that
 * BusyWorkersIT's busy workers are tested against a short timeout) for the test classes that only
 * submit jobs and leave its servers as they found them: a cluster start is the slowest step of a
 * system test (30-45 s on two cores), and CI has a time budget. Started by the first class that
 * asks for a {@link LocalCluster} parameter in its {@code @BeforeAll}, stopped after the last test
 * of the run. A class that kills, pauses or reconfigures servers starts its own with {@link
 * Clusters}.
 */
final class SharedCluster implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedCluster.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Started.class, k -> Started.start(), Started.class)
        .cluster();
  }

  /** Closed by JUnit when the root context closes: after the last test class. */
  private record Started(LocalCluster cluster) implements ExtensionContext.Store.CloseableResource {

    static Started start() {
      try {
        return new Started(
            Clusters.start(
                "shared-cluster-it",
                2,
                Map.of(
                    "LOAD_BALANCER", "round-robin",
                    "HEARTBEAT_INTERVAL_SECONDS", "1",
                    "HEARTBEAT_TIMEOUT_SECONDS", "3",
                    "MAX_CONCURRENT_TASKS", "10",
                    // CommandExecutionIT tests the policy: the system's program folders only.
                    "COMMAND_ALLOWLIST", "/usr/bin/*,/bin/*,/usr/local/bin/*")));
      } catch (Exception e) {
        throw new IllegalStateException("the shared cluster did not start", e);
      }
    }

    @Override
    public void close() throws Exception {
      cluster.close();
    }
  }
}
