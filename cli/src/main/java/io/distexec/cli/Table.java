package io.distexec.cli;

import io.distexec.client.Job;
import java.io.PrintWriter;
import java.time.Duration;

/** Small helpers for human-readable output. */
final class Table {

  private Table() {}

  static void row(PrintWriter out, String name, String value) {
    out.printf("%-10s %s%n", name, value);
  }

  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86400) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }

  static String commandLine(Job job) {
    String line = (job.command() + " " + String.join(" ", job.args())).trim();
    return line.length() > 60 ? line.substring(0, 57) + "..." : line;
  }
}
