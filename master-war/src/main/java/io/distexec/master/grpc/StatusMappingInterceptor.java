package io.distexec.master.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Answers a call whose handler threw with the status {@link GrpcStatuses} maps the exception to
 * (the store being down is UNAVAILABLE, a bad argument INVALID_ARGUMENT), instead of grpc-java's
 * bare UNKNOWN; so no service needs a catch block for failures it cannot handle itself.
 */
public final class StatusMappingInterceptor implements ServerInterceptor {

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        guard(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        guard(super::onHalfClose);
      }

      private void guard(Runnable step) {
        try {
          step.run();
        } catch (RuntimeException e) {
          Status status = GrpcStatuses.of(e);
          call.close(status, new Metadata());
        }
      }
    };
  }
}
