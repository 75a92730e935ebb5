package io.distexec.executor.command;

import java.util.Optional;

/**
 * Process start without the JDK's ProcessBuilder: on Java 22+ this class is replaced by the one in
 * {@code META-INF/versions/25} of this (multi-release) jar, which calls posix_spawn through the FFM
 * API. On older JDKs there is none.
 */
final class NativeSpawn {

  private NativeSpawn() {}

  static Optional<SessionLauncher> launcher() {
    return Optional.empty();
  }
}
