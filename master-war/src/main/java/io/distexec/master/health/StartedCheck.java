package io.distexec.master.health;

import io.distexec.master.MasterLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once the gRPC endpoint serves and the dispatcher runs. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

  private final MasterLifecycle lifecycle;

  @Inject
  StartedCheck(MasterLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  protected StartedCheck() {
    this(null);
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("master-started").status(lifecycle.started()).build();
  }
}
