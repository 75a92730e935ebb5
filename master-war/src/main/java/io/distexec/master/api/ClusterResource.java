package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.auth.Requires;
import io.distexec.master.leadership.Election;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The masters: which leads, which stand by. */
@Path("cluster")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Cluster", description = "The masters and their leader")
public class ClusterResource {

  private final Election election;

  @Inject
  public ClusterResource(Election election) {
    this.election = election;
  }

  @GET
  @Requires(Action.READ_WORKERS)
  @Operation(
      summary = "The masters and the leader",
      description =
          "Which master answered (self), which one leads (its term only grows, and fences every"
              + " write of an older leader; since when; where workers reach it), and every master"
              + " seen within three lease periods with its role.")
  public ClusterView get() {
    return ClusterView.of(election);
  }
}
