package io.distexec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from /proc (Linux). */
record ProcessStats(long cpuTicks, long rssBytes) {

  /** Clock ticks per second of /proc/PID/stat's times; 100 on Linux (USER_HZ). */
  static final double TICKS_PER_SECOND = 100.0;

  static ProcessStats of(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name (which may hold spaces) start after its closing parenthesis.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return new ProcessStats(ticks, rss);
  }

  /** Share of one core used between {@code earlier} and this sample, {@code seconds} apart. */
  double coreShareSince(ProcessStats earlier, double seconds) {
    return (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND / seconds;
  }
}
