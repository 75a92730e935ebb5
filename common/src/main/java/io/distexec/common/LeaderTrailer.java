package io.distexec.common;

import io.grpc.Metadata;

/**
 * The trailer in which a standby master names the leader's cluster address when it refuses a
 * worker's registration ({@code FAILED_PRECONDITION}): the master writes it, the worker reads it.
 */
public final class LeaderTrailer {

  public static final Metadata.Key<String> KEY =
      Metadata.Key.of("distexec-leader", Metadata.ASCII_STRING_MARSHALLER);

  private LeaderTrailer() {}
}
