package io.distexec.master.api;

import io.distexec.master.access.AccessDeniedException;
import io.distexec.master.access.Caller;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.Authenticator;
import io.distexec.master.auth.CallerContext;
import io.distexec.master.auth.Requires;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * Authenticates every REST request and checks its caller's roles against the resource method's
 * {@link Requires}, before the method runs: 401 without a good token, 403 without the role, each
 * with a problem body that says what to do. Refusals of changes go on the audit trail.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
// A CDI bean, for the constructor injection; the @Context fields are per-request proxies.
@ApplicationScoped
public class AuthFilter implements ContainerRequestFilter {

  @Context ResourceInfo resource;

  @Context HttpServletRequest request;

  private final Authenticator authenticator;
  private final Audit audit;

  @Inject
  public AuthFilter(Authenticator authenticator, Audit audit) {
    this.authenticator = authenticator;
    this.audit = audit;
  }

  /**
   * For CDI's proxy, and public because RESTEasy looks for a public constructor before it asks CDI
   * for the bean.
   */
  public AuthFilter() {
    this(null, null);
  }

  @Override
  public void filter(ContainerRequestContext context) {
    Authenticator.Result result =
        authenticator.authenticate(context.getHeaderString(HttpHeaders.AUTHORIZATION));
    if (result.caller().isEmpty()) {
      context.abortWith(
          Response.status(401)
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"distexec\"")
              .type(Problem.MEDIA_TYPE)
              .entity(Problem.of(401, "Unauthenticated", result.refusal()))
              .build());
      return;
    }
    Caller caller = result.caller().get();
    String address = request == null ? "" : request.getRemoteAddr();
    Requires requires =
        resource.getResourceMethod() == null
            ? null
            : resource.getResourceMethod().getAnnotation(Requires.class);
    if (requires == null) {
      context.abortWith(forbidden("this endpoint is not open to any role"));
      return;
    }
    try {
      caller.check(requires.value());
    } catch (AccessDeniedException e) {
      if (requires.value().audited()) {
        audit.record(
            caller,
            context.getMethod().toLowerCase(Locale.ROOT) + " " + context.getUriInfo().getPath(),
            "",
            address,
            "denied: " + e.getMessage());
      }
      context.abortWith(forbidden(e.getMessage()));
      return;
    }
    context.setSecurityContext(
        new CallerContext(caller, address, context.getSecurityContext().isSecure()));
  }

  private static Response forbidden(String detail) {
    return Response.status(403)
        .type(Problem.MEDIA_TYPE)
        .entity(Problem.of(403, "Forbidden", detail))
        .build();
  }
}
