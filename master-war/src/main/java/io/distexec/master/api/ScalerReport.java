package io.distexec.master.api;

import io.distexec.master.config.ScalerConfig;
import io.distexec.master.leadership.Election;
import io.distexec.master.scaling.Scaler;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Optional;

/** The autoscaler's state for the REST and gRPC APIs alike. */
@Dependent
public class ScalerReport {

  private final Optional<Scaler> scaler;
  private final ScalerConfig config;
  private final Election election;

  @Inject
  public ScalerReport(Optional<Scaler> scaler, ScalerConfig config, Election election) {
    this.scaler = scaler;
    this.config = config;
    this.election = election;
  }

  public ScalerView view() {
    return ScalerView.of(scaler, config, election);
  }
}
