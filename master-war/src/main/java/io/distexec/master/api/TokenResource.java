package io.distexec.master.api;

import io.distexec.master.access.Action;
import io.distexec.master.access.ApiToken;
import io.distexec.master.access.Caller;
import io.distexec.master.access.Role;
import io.distexec.master.access.TokenException;
import io.distexec.master.access.Tokens;
import io.distexec.master.api.Problem.FieldError;
import io.distexec.master.auth.Audit;
import io.distexec.master.auth.CallerContext;
import io.distexec.master.auth.Requires;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API tokens, for admins: make one (its secret shown once), list them, revoke one. */
@Path("tokens")
@Dependent
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tokens", description = "Who may call the API, and with which roles (admin only)")
public class TokenResource {

  /** A token request is a name and a few roles: a kilobyte is plenty. */
  static final int MAX_BODY_BYTES = 1024;

  /** A token as the API shows it: never its secret or hash. */
  public record TokenView(
      String name,
      List<String> roles,
      Instant createdAt,
      String createdBy,
      Instant revokedAt,
      String source,
      Instant expiresAt) {
    static TokenView of(ApiToken t) {
      return new TokenView(
          t.name(),
          t.roles().stream().sorted().map(Role::label).toList(),
          t.createdAt(),
          t.createdBy(),
          t.revokedAt(),
          t.source(),
          t.expiresAt());
    }
  }

  /** What creating a token answers: the token and its secret, this once. */
  public record IssuedView(TokenView token, String secret) {}

  private final Tokens tokens;
  private final Audit audit;

  @Inject
  public TokenResource(Tokens tokens, Audit audit) {
    this.tokens = tokens;
    this.audit = audit;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Requires(Action.MANAGE_TOKENS)
  @Operation(
      summary = "Create a token",
      description =
          "Body: {\"name\": \"ci\", \"roles\": [\"submitter\"], \"expiresInSeconds\": 86400}. "
              + "expiresInSeconds is optional: 90 days when absent, 0 for a token that never "
              + "expires. The answer holds the secret, shown this once; the master keeps only "
              + "its SHA-256.")
  @APIResponse(responseCode = "201", description = "Created; the secret is in the answer")
  @APIResponse(responseCode = "400", description = "A bad name or role")
  @APIResponse(responseCode = "409", description = "A good token has that name")
  public Response create(
      InputStream body,
      @jakarta.ws.rs.HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @Context SecurityContext security)
      throws BadRequestException, PayloadTooLargeException, IOException, TokenException {
    Caller caller = CallerContext.caller(security);
    String address = CallerContext.address(security);
    String name = "";
    try {
      JsonObject request =
          parse(
              new String(
                  BoundedBody.read(body, contentLength, MAX_BODY_BYTES, "1 KiB"),
                  StandardCharsets.UTF_8));
      name = request.getString("name", "");
      Tokens.Issued issued = tokens.create(name, roles(request), caller.name(), lifetime(request));
      audit.record(
          caller, "token.create", name, address, "ok: " + Role.labels(issued.token().roles()));
      return Response.status(201)
          .entity(new IssuedView(TokenView.of(issued.token()), issued.secret()))
          .build();
    } catch (BadRequestException | TokenException e) {
      audit.record(caller, "token.create", name, address, "refused: " + e.getMessage());
      throw e;
    }
  }

  private static JsonObject parse(String text) throws BadRequestException {
    try (JsonReader reader = Json.createReader(new StringReader(text))) {
      JsonValue value = reader.readValue();
      if (value.getValueType() != JsonValue.ValueType.OBJECT) {
        throw new BadRequestException(
            "the body must be a JSON object", List.of(new FieldError("body", "a JSON object")));
      }
      JsonObject object = value.asJsonObject();
      if (object.containsKey("name")
          && object.get("name").getValueType() != JsonValue.ValueType.STRING) {
        throw new BadRequestException(
            "name must be a string", List.of(new FieldError("name", "a string")));
      }
      return object;
    } catch (JsonException e) {
      throw new BadRequestException(
          "the body is not JSON: " + e.getMessage(),
          List.of(
              new FieldError("body", "JSON, e.g. {\"name\":\"ci\",\"roles\":[\"submitter\"]}")));
    }
  }

  private static Set<Role> roles(JsonObject request) throws BadRequestException {
    JsonValue value = request.get("roles");
    if (value == null || value.getValueType() != JsonValue.ValueType.ARRAY) {
      throw new BadRequestException(
          "roles is required",
          List.of(
              new FieldError(
                  "roles", "an array of viewer, submitter, operator, admin; at least one")));
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (JsonValue role : (JsonArray) value) {
      try {
        if (!(role instanceof JsonString s)) {
          throw new IllegalArgumentException("each role is a string");
        }
        roles.add(Role.parse(s.getString()));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException(
            e.getMessage(), List.of(new FieldError("roles", e.getMessage())));
      }
    }
    return roles;
  }

  private static Duration lifetime(JsonObject request) throws BadRequestException {
    JsonValue value = request.get("expiresInSeconds");
    if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
      return Tokens.DEFAULT_LIFETIME;
    }
    if (value instanceof JsonNumber n && n.isIntegral() && n.bigIntegerValue().bitLength() < 63) {
      return Duration.ofSeconds(n.longValue());
    }
    throw new BadRequestException(
        "expiresInSeconds must be a whole number of seconds",
        List.of(
            new FieldError(
                "expiresInSeconds", "seconds, 1 to 315360000 (3650 days); 0 for never")));
  }

  @GET
  @Requires(Action.MANAGE_TOKENS)
  @Operation(summary = "List tokens", description = "Revoked ones too; never a secret or hash.")
  public List<TokenView> list() {
    return tokens.list().stream().map(TokenView::of).toList();
  }

  @DELETE
  @Path("{name}")
  @Requires(Action.MANAGE_TOKENS)
  @Operation(summary = "Revoke a token", description = "Requests with it fail from now on.")
  @APIResponse(responseCode = "204", description = "Revoked")
  @APIResponse(responseCode = "404", description = "No good token has that name")
  @APIResponse(responseCode = "409", description = "Defined in a file on the master")
  public Response revoke(@PathParam("name") String name, @Context SecurityContext security)
      throws TokenException {
    Caller caller = CallerContext.caller(security);
    try {
      tokens.revoke(name);
    } catch (TokenException e) {
      audit.record(
          caller,
          "token.revoke",
          name,
          CallerContext.address(security),
          "refused: " + e.getMessage());
      throw e;
    }
    audit.record(caller, "token.revoke", name, CallerContext.address(security), Audit.OK);
    return Response.noContent().build();
  }
}
