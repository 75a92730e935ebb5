package io.distexec.master.auth;

import io.distexec.master.access.AccessDeniedException;
import io.distexec.master.access.Action;
import io.distexec.master.access.Caller;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;

/**
 * Authenticates every call of a gRPC service and checks its caller's roles against the method's
 * action, before the method runs: UNAUTHENTICATED without a good token, PERMISSION_DENIED without
 * the role. A method missing from the table is refused to everybody. The caller and its address are
 * in the call's {@link Context} for the service ({@link #caller()}, {@link #address()}).
 */
public final class GrpcAuth implements ServerInterceptor {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Caller> CALLER = Context.key("distexec-caller");
  private static final Context.Key<String> ADDRESS = Context.key("distexec-address");

  private final Authenticator authenticator;
  private final Audit audit;
  private final Map<String, Action> actions;

  /**
   * @param actions the action of each method, by its bare name (e.g. {@code Submit})
   */
  public GrpcAuth(Authenticator authenticator, Audit audit, Map<String, Action> actions) {
    this.authenticator = authenticator;
    this.audit = audit;
    this.actions = Map.copyOf(actions);
  }

  /** The authenticated caller of the current call. */
  public static Caller caller() {
    Caller caller = CALLER.get();
    if (caller == null) {
      // Unreachable while the service is only bound behind this interceptor; refuse, not guess.
      throw Status.UNAUTHENTICATED.withDescription(Authenticator.NEEDS_TOKEN).asRuntimeException();
    }
    return caller;
  }

  /** Where the current call came from, for the audit trail. */
  public static String address() {
    String address = ADDRESS.get();
    return address == null ? "" : address;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Authenticator.Result result = authenticator.authenticate(headers.get(AUTHORIZATION));
    if (result.caller().isEmpty()) {
      call.close(Status.UNAUTHENTICATED.withDescription(result.refusal()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Caller caller = result.caller().get();
    String address = address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    String method = call.getMethodDescriptor().getBareMethodName();
    Action action = actions.get(method);
    if (action == null) {
      call.close(
          Status.PERMISSION_DENIED.withDescription(method + " is not open to any role"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    try {
      caller.check(action);
    } catch (AccessDeniedException e) {
      if (action.audited()) {
        audit.record(caller, "grpc " + method, "", address, "denied: " + e.getMessage());
      }
      call.close(Status.PERMISSION_DENIED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(CALLER, caller).withValue(ADDRESS, address);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static String address(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
    }
    return remote == null ? "" : remote.toString();
  }
}
