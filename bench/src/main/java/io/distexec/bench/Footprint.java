package io.distexec.bench;

import io.distexec.testing.LocalCluster;
import java.util.Arrays;

/**
 * What every pod pays before it runs a task: a server's resident memory when idle, and its time
 * from start to ready (the autoscaler starts and stops workers, so a worker's start is on the path
 * of a burst).
 */
final class Footprint {

  /** Idle means this long after the last work (or the start): the JIT and the GC have settled. */
  static final long SETTLE_MILLIS = 10_000;

  private Footprint() {}

  /** Resident memory of one server of the cluster, MiB. */
  static double rssMib(LocalCluster cluster, String server) throws Exception {
    return ProcessStats.of(cluster.pid(server)).rssBytes() / (1024.0 * 1024);
  }

  /**
   * Stops {@code server} the way an operator does and starts it again, {@code times} times; the
   * median seconds from {@code server start} to a ready probe.
   */
  static double medianStartSeconds(LocalCluster cluster, String server, int times)
      throws Exception {
    double[] seconds = new double[times];
    for (int i = 0; i < times; i++) {
      cluster.stop(server);
      long start = System.nanoTime();
      cluster.restart(server);
      seconds[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    return seconds[times / 2];
  }
}
