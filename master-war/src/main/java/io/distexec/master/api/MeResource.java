package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.access.Caller;
import io.distexec.master.access.Role;
import io.distexec.master.auth.CallerContext;
import io.distexec.master.auth.Requires;
import jakarta.enterprise.context.Dependent;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who the caller is and what it may do: the console offers only what the caller may. */
@Path("me")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Who you are", description = "The caller's name, roles and allowed actions")
public class MeResource {

  /**
   * @param may the actions allowed, in lower case ({@code submit_job}, {@code drain_worker}, ...)
   */
  public record MeView(String name, List<String> roles, String via, List<String> may) {
    static MeView of(Caller caller) {
      return new MeView(
          caller.name(),
          Arrays.stream(Role.values()).filter(caller.roles()::contains).map(Role::label).toList(),
          caller.via(),
          Arrays.stream(Action.values())
              .filter(caller::may)
              .map(a -> a.name().toLowerCase(Locale.ROOT))
              .toList());
    }
  }

  @GET
  // Every role may read jobs: this is how any caller learns what else it may do.
  @Requires(Action.READ_JOBS)
  @Operation(summary = "Who you are", description = "Your name, roles and allowed actions.")
  public MeView get(@Context SecurityContext security) {
    return MeView.of(CallerContext.caller(security));
  }
}
