package io.distexec.master.health;

import io.distexec.master.MasterLifecycle;
import io.distexec.master.dispatch.Dispatcher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while the dispatch loop and the dead-worker sweep run: without them no job would move. */
@Liveness
@ApplicationScoped
public class LiveCheck implements HealthCheck {

  private final MasterLifecycle lifecycle;
  private final Dispatcher dispatcher;

  @Inject
  LiveCheck(MasterLifecycle lifecycle, Dispatcher dispatcher) {
    this.lifecycle = lifecycle;
    this.dispatcher = dispatcher;
  }

  protected LiveCheck() {
    this(null, null);
  }

  @Override
  public HealthCheckResponse call() {
    boolean dispatching = dispatcher.isRunning();
    boolean sweeping = lifecycle.sweeping();
    return HealthCheckResponse.named("master-live")
        .status(dispatching && sweeping)
        .withData("dispatcher", dispatching)
        .withData("workerSweep", sweeping)
        .build();
  }
}
