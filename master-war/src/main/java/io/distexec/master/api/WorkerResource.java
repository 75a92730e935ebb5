package io.distexec.master.api;

import io.distexec.master.dispatch.Dispatcher;
import io.distexec.master.registry.NodeRegistry;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** The registered workers. */
@Path("workers")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
public class WorkerResource {

  private final NodeRegistry registry;
  private final Dispatcher dispatcher;

  @Inject
  public WorkerResource(NodeRegistry registry, Dispatcher dispatcher) {
    this.registry = registry;
    this.dispatcher = dispatcher;
  }

  @GET
  public List<WorkerView> list() {
    Map<String, Integer> inFlight = dispatcher.inFlight();
    return registry.snapshot().stream().map(w -> WorkerView.of(w, inFlight.getOrDefault(w.id(), 0))).toList();
  }
}
