package io.distexec.master.auth;

import io.distexec.master.access.Caller;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** The authenticated caller of a REST request, as JAX-RS hands it to resource methods. */
public final class CallerContext implements SecurityContext {

  /** The principal, carrying the caller. */
  public record CallerPrincipal(Caller caller, String address) implements Principal {
    @Override
    public String getName() {
      return caller.name();
    }
  }

  private final CallerPrincipal principal;
  private final boolean secure;

  public CallerContext(Caller caller, String address, boolean secure) {
    this.principal = new CallerPrincipal(caller, address);
    this.secure = secure;
  }

  /** The caller of the request whose security context this is. */
  public static Caller caller(SecurityContext context) {
    return principal(context).caller();
  }

  /** Where the request came from, for the audit trail. */
  public static String address(SecurityContext context) {
    return principal(context).address();
  }

  private static CallerPrincipal principal(SecurityContext context) {
    if (context.getUserPrincipal() instanceof CallerPrincipal p) {
      return p;
    }
    // Unreachable while AuthFilter runs before every resource method; refuse rather than guess.
    throw new IllegalStateException("no authenticated caller on this request");
  }

  @Override
  public Principal getUserPrincipal() {
    return principal;
  }

  @Override
  public boolean isUserInRole(String role) {
    return principal.caller().roles().stream().anyMatch(r -> r.label().equals(role));
  }

  @Override
  public boolean isSecure() {
    return secure;
  }

  @Override
  public String getAuthenticationScheme() {
    return "Bearer";
  }
}
