package io.distexec.master.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What a web page in a user's browser could make the browser send is refused before anything else
 * looks at the request:
 *
 * <ul>
 *   <li>a cross-origin request (its {@code Origin} is not the API's own, nor in ALLOWED_ORIGINS);
 *   <li>a request for another host name than ALLOWED_HOSTS, when set (a DNS-rebinding page reaches
 *       the master under its own name);
 *   <li>a state-changing request that carries cookies and that a plain HTML form could send: one
 *       with neither a credential header, nor a JSON body, nor {@code X-Requested-With}. Bearer
 *       tokens already need a header a form cannot set; this keeps cookie sessions (a console) safe
 *       as well. (Without cookies such a request has no credential, and gets a 401.)
 * </ul>
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class BrowserGuard implements ContainerRequestFilter {

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final Set<String> allowedOrigins;
  private final Set<String> allowedHosts;

  /** With ALLOWED_ORIGINS and ALLOWED_HOSTS from the configuration. */
  public BrowserGuard() {
    this(setting("ALLOWED_ORIGINS"), setting("ALLOWED_HOSTS"));
  }

  BrowserGuard(Set<String> allowedOrigins, Set<String> allowedHosts) {
    this.allowedOrigins = allowedOrigins;
    this.allowedHosts = allowedHosts;
  }

  private static Set<String> setting(String name) {
    return Arrays.stream(
            ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse("").split(","))
        .map(s -> s.trim().toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void filter(ContainerRequestContext request) {
    refusal(
            request.getMethod(),
            request.getHeaderString(HttpHeaders.HOST),
            request.getHeaderString("Origin"),
            request.getHeaderString(HttpHeaders.AUTHORIZATION),
            request.getMediaType(),
            request.getHeaderString("X-Requested-With"),
            request.getHeaderString(HttpHeaders.COOKIE))
        .ifPresent(
            why ->
                request.abortWith(
                    Response.status(403)
                        .type(Problem.MEDIA_TYPE)
                        .entity(Problem.of(403, "Forbidden", why))
                        .build()));
  }

  /** Why the request is refused, or empty: a pure function of what the browser sent. */
  Optional<String> refusal(
      String method,
      String host,
      String origin,
      String authorization,
      MediaType contentType,
      String requestedWith,
      String cookie) {
    String hostName = host == null ? "" : host.toLowerCase(Locale.ROOT);
    if (!allowedHosts.isEmpty()
        && !allowedHosts.contains(hostName)
        && !allowedHosts.contains(hostName.replaceFirst(":\\d+$", ""))) {
      return Optional.of(
          "the Host '" + host + "' is not one this master answers to (ALLOWED_HOSTS)");
    }
    if (origin != null && !origin.isBlank()) {
      String authority = authorityOf(origin);
      if (!authority.equals(hostName)
          && !allowedOrigins.contains(origin.toLowerCase(Locale.ROOT))) {
        return Optional.of(
            "cross-origin requests are refused: "
                + origin
                + " is not this API's origin (add it to ALLOWED_ORIGINS to allow it)");
      }
    }
    boolean formCouldSendIt =
        cookie != null
            && !cookie.isBlank()
            && (authorization == null || authorization.isBlank())
            && (requestedWith == null || requestedWith.isBlank())
            && (contentType == null || !contentType.isCompatible(MediaType.APPLICATION_JSON_TYPE));
    if (!SAFE_METHODS.contains(method) && formCouldSendIt) {
      return Optional.of(
          "a change needs a credential header, a JSON body or the header X-Requested-With: a"
              + " plain cross-site form cannot send this");
    }
    return Optional.empty();
  }

  private static String authorityOf(String origin) {
    try {
      String authority = URI.create(origin.trim()).getRawAuthority();
      return authority == null ? "" : authority.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
