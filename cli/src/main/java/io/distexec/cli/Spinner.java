package io.distexec.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A spinner on the terminal while a job waits in the queue; silent when stderr is not a terminal.
 */
final class Spinner {

  private static final String FRAMES = "|/-\\";
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final PrintWriter err;
  private final Thread thread;

  private Spinner(PrintWriter err, String message) {
    this.err = err;
    this.thread =
        new Thread(
            () -> {
              long start = System.currentTimeMillis();
              int frame = 0;
              // Wait a moment first: most jobs start at once, and then nothing should flicker.
              while (running.get()) {
                long waited = System.currentTimeMillis() - start;
                if (waited > 300) {
                  synchronized (err) {
                    err.print(
                        "\r"
                            + FRAMES.charAt(frame++ % FRAMES.length())
                            + " "
                            + message
                            + " ("
                            + waited / 1000
                            + " s)");
                    err.flush();
                  }
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "distctl-spinner");
    thread.setDaemon(true);
  }

  static Spinner start(PrintWriter err, String message) {
    Spinner spinner = new Spinner(err, message);
    if (System.console() != null) {
      spinner.thread.start();
    } else {
      spinner.running.set(false);
    }
    return spinner;
  }

  void stop() {
    if (running.getAndSet(false)) {
      thread.interrupt();
      try {
        thread.join(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (err) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }
}
