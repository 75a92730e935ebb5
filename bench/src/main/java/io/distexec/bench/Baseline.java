package io.distexec.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the machine can do without distexec: {@code jobs} runs of {@code echo hello} by {@code
 * parallelism} threads that start each process with ProcessBuilder, read its output and reap it, as
 * a worker does.
 */
final class Baseline {

  private Baseline() {}

  /** The rate, and the CPU of one process start (this JVM's part and the process's own). */
  record Run(double jobsPerSecond, double cpuMillisPerProcess) {}

  static Run run(int jobs, int parallelism) throws Exception {
    AtomicInteger left = new AtomicInteger(jobs);
    ExecutorService threads = Executors.newFixedThreadPool(parallelism);
    try {
      ProcessStats before = ProcessStats.self();
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < parallelism; t++) {
        done.add(
            threads.submit(
                () -> {
                  while (left.getAndDecrement() > 0) {
                    Process p =
                        new ProcessBuilder("echo", "hello").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor() != 0) {
                      throw new IllegalStateException("echo failed");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      double rate = jobs / ((System.nanoTime() - start) / 1e9);
      ProcessStats after = ProcessStats.self();
      double cpu = after.cpuMillisSince(before) + after.childMillisSince(before);
      return new Run(rate, cpu / jobs);
    } finally {
      threads.shutdownNow();
    }
  }
}
