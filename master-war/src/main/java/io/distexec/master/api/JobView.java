package io.distexec.master.api;

import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobEvents;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job as the REST API shows it. Environment values and stdin are never shown (they may hold
 * secrets): only the variable names. Output is decoded as UTF-8; invalid bytes become U+FFFD. While
 * a job runs, stdout and stderr show what it has printed so far.
 */
public record JobView(
    String id,
    String status,
    String type,
    String command,
    List<String> args,
    boolean shell,
    Set<String> envNames,
    String workdir,
    long timeoutSeconds,
    String worker,
    int attempt,
    int maxAttempts,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Integer exitCode,
    String stdout,
    String stderr,
    long stdoutBytes,
    long stderrBytes,
    boolean outputTruncated,
    Long cpuTimeMillis,
    Long peakRssBytes,
    int processesKilled,
    Long wallTimeMillis,
    String error,
    String waiting,
    List<EventView.State> history,
    String owner) {

  /** Without output so far, history or why it waits. */
  public static JobView of(Job job) {
    return of(job, Optional.empty());
  }

  /** Without output so far or history. */
  public static JobView of(Job job, Optional<String> waiting) {
    return of(job, waiting, Optional.empty(), null);
  }

  /**
   * For listings: no output at all (a page of jobs would otherwise carry up to twice the output cap
   * per job; it is at {@code /output}), only its size.
   */
  public static JobView summary(Job job, Optional<String> waiting) {
    JobView full = of(job.withoutOutput(), waiting);
    return new JobView(
        full.id(),
        full.status(),
        full.type(),
        full.command(),
        full.args(),
        full.shell(),
        full.envNames(),
        full.workdir(),
        full.timeoutSeconds(),
        full.worker(),
        full.attempt(),
        full.maxAttempts(),
        full.createdAt(),
        full.startedAt(),
        full.finishedAt(),
        full.exitCode(),
        null,
        null,
        full.stdoutBytes(),
        full.stderrBytes(),
        full.outputTruncated(),
        full.cpuTimeMillis(),
        full.peakRssBytes(),
        full.processesKilled(),
        full.wallTimeMillis(),
        full.error(),
        full.waiting(),
        null,
        full.owner());
  }

  /**
   * @param waiting why a queued job waits
   * @param live what a running job printed so far
   * @param history its state changes (time, state, worker, attempt, reason), or {@code null}
   */
  public static JobView of(
      Job job,
      Optional<String> waiting,
      Optional<JobEvents.Output> live,
      List<Transition> history) {
    JobOutcome o = job.outcome();
    boolean showLive = job.status() == JobStatus.RUNNING && live.isPresent();
    byte[] out = showLive ? live.get().stdout() : o.stdout();
    byte[] err = showLive ? live.get().stderr() : o.stderr();
    return new JobView(
        job.id(),
        job.status().name(),
        job.spec().type(),
        job.spec().command(),
        job.spec().args(),
        job.spec().shell(),
        new TreeSet<>(job.spec().env().keySet()),
        job.spec().workdir(),
        job.spec().timeoutSeconds(),
        job.workerId(),
        job.attempt(),
        job.retry().maxAttempts(),
        job.createdAt(),
        job.startedAt(),
        job.finishedAt(),
        job.exitCode().isPresent() ? job.exitCode().getAsInt() : null,
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8),
        showLive ? live.get().stdoutBytes() : o.stdoutBytes(),
        showLive ? live.get().stderrBytes() : o.stderrBytes(),
        showLive ? live.get().truncated() : o.truncated(),
        o.cpuTimeMillis().isPresent() ? o.cpuTimeMillis().getAsLong() : null,
        o.peakRssBytes().isPresent() ? o.peakRssBytes().getAsLong() : null,
        o.processesKilled(),
        o.wallTimeMillis().isPresent() ? o.wallTimeMillis().getAsLong() : null,
        o.error().isEmpty() ? null : o.error(),
        waiting.orElse(null),
        history == null ? null : EventView.history(history),
        job.owner());
  }
}
