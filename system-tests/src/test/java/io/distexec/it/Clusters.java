package io.distexec.it;

import io.distexec.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Where the system tests keep their local clusters: one folder per test class under target/. */
final class Clusters {

  static final Path ROOT =
      Path.of(System.getProperty("distexec.root", "..")).toAbsolutePath().normalize();

  private Clusters() {}

  /**
   * Starts a master and {@code workers} workers with extra settings; returns once all are ready.
   */
  static LocalCluster start(String name, int workers, Map<String, String> settings)
      throws IOException, InterruptedException {
    Path home =
        Path.of(System.getProperty("distexec.it.home", "target/it-clusters"))
            .resolve(name)
            .toAbsolutePath();
    return LocalCluster.start(ROOT, home, workers, settings);
  }
}
