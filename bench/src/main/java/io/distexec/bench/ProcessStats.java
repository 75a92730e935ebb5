package io.distexec.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and resident memory of a process, from /proc (Linux): its own CPU, the part of it its
 * JIT compiler threads used, and the CPU of the children it has reaped (a worker's commands).
 */
record ProcessStats(
    long cpuTicks, Map<String, Long> jitTicksByThread, long childTicks, long rssBytes) {

  /** Clock ticks per second of /proc/PID/stat's times; 100 on Linux (USER_HZ). */
  static final double TICKS_PER_SECOND = 100.0;

  static ProcessStats of(long pid) throws IOException {
    return of(Long.toString(pid));
  }

  /** This JVM (the baseline's own process starts). */
  static ProcessStats self() throws IOException {
    return of("self");
  }

  private static ProcessStats of(String pid) throws IOException {
    String[] fields = statFields(Path.of("/proc/" + pid + "/stat"));
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
    long children = Long.parseLong(fields[13]) + Long.parseLong(fields[14]); // cutime + cstime
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return new ProcessStats(ticks, jitTicks(pid), children, rss);
  }

  /**
   * The fields of a process's or a thread's {@code stat} file after its name, from the state on.
   */
  private static String[] statFields(Path stat) throws IOException {
    String text = Files.readString(stat);
    // The name (which may hold spaces) is in parentheses: the fields start after the last one.
    return text.substring(text.lastIndexOf(')') + 2).split(" ");
  }

  /**
   * CPU of each of the JVM's compiler threads, by thread id (HotSpot names them "C1
   * CompilerThreadN" and "C2 CompilerThreadN"; /proc cuts names at 15 characters).
   */
  private static Map<String, Long> jitTicks(String pid) throws IOException {
    Map<String, Long> ticks = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        try {
          if (Files.readString(task.resolve("comm")).matches("C[12] CompilerThre.*\\s*")) {
            String[] fields = statFields(task.resolve("stat"));
            ticks.put(
                task.getFileName().toString(),
                Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
          }
        } catch (NoSuchFileException ended) {
          // a thread that ended while we listed them
        }
      }
    }
    return ticks;
  }

  /**
   * Milliseconds of the JIT compiler threads' CPU since {@code earlier}, thread by thread. HotSpot
   * starts and ends compiler threads as the work comes and goes: a thread that ended meanwhile
   * takes its CPU with it (so this is a lower bound), one that started counts from zero.
   */
  double jitMillisSince(ProcessStats earlier) {
    long ticks = 0;
    for (Map.Entry<String, Long> thread : jitTicksByThread.entrySet()) {
      ticks +=
          Math.max(
              0, thread.getValue() - earlier.jitTicksByThread.getOrDefault(thread.getKey(), 0L));
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  /** Share of one core used between {@code earlier} and this sample, {@code seconds} apart. */
  double coreShareSince(ProcessStats earlier, double seconds) {
    return (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND / seconds;
  }

  /** Milliseconds of this process's own CPU since {@code earlier}. */
  double cpuMillisSince(ProcessStats earlier) {
    return (cpuTicks - earlier.cpuTicks) * 1000 / TICKS_PER_SECOND;
  }

  /** Milliseconds of CPU of the children reaped since {@code earlier}. */
  double childMillisSince(ProcessStats earlier) {
    return (childTicks - earlier.childTicks) * 1000 / TICKS_PER_SECOND;
  }
}
