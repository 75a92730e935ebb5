package io.distexec.executor.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One process as Linux's {@code /proc/PID/stat} and {@code /proc/PID/status} show it: the fields
 * the command executor needs to find a task's processes and to measure them.
 *
 * @param pid process id
 * @param processGroup its process group
 * @param cpuTicks user + system time of the process and of the children it has waited for, in clock
 *     ticks ({@link #TICKS_PER_SECOND})
 * @param rssBytes resident memory
 */
record ProcStat(long pid, long processGroup, long cpuTicks, long rssBytes) {

  /** USER_HZ: 100 on every Linux architecture (fixed by the kernel ABI). */
  static final long TICKS_PER_SECOND = 100;

  /** Up to this many ids, trying each id beats listing /proc (a failed open is a few µs). */
  private static final int FEW_IDS = 256;

  static boolean available() {
    return Files.isRegularFile(Path.of("/proc/self/stat"));
  }

  /** The process, or empty when it is gone (or this is not Linux). */
  static Optional<ProcStat> read(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // After the command name (in parentheses, may hold spaces): state(3) ppid(4) pgrp(5) ...
      // utime(14) stime(15) cutime(16) cstime(17) ... ; index = field number - 3.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks =
          Long.parseLong(f[11])
              + Long.parseLong(f[12])
              + Long.parseLong(f[13])
              + Long.parseLong(f[14]);
      return Optional.of(new ProcStat(pid, Long.parseLong(f[2]), ticks, rss(pid)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0; // a zombie has no memory
  }

  /**
   * True while the process exists and has not exited. Unlike {@link ProcessHandle#isAlive()}, a
   * zombie (exited, not yet reaped by its parent, which for orphans is PID 1 and can be slow) is
   * not alive.
   */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return process.isAlive();
    }
  }

  /**
   * Every live process in the group {@code group}, reading the state of the ids in {@code window}
   * only: each of them when they are few, else those of one listing of /proc.
   */
  static List<Long> groupMembers(long group, PidWindow window) {
    window.observe();
    long[] candidates = window.fewIds(FEW_IDS).orElseGet(() -> listedPids(window));
    List<Long> members = new ArrayList<>();
    for (long pid : candidates) {
      if (processGroupOf(pid) == group) {
        members.add(pid);
      }
    }
    return members;
  }

  /** The ids of /proc's process folders that {@code window} may hold; none without /proc. */
  private static long[] listedPids(PidWindow window) {
    try (Stream<Path> all = Files.list(Path.of("/proc"))) {
      return all.map(p -> p.getFileName().toString())
          .filter(name -> !name.isEmpty() && Character.isDigit(name.charAt(0)))
          .mapToLong(Long::parseLong)
          .filter(window::mayHold)
          .toArray();
    } catch (IOException e) {
      return new long[0];
    }
  }

  private static long processGroupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4)[2]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
