package io.distexec.master.api;

import io.distexec.master.jobs.Job;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job as the REST API shows it. Environment values and stdin are never shown (they may hold
 * secrets): only the variable names. Output is decoded as UTF-8; invalid bytes become U+FFFD.
 */
public record JobView(
    String id,
    String status,
    String type,
    String command,
    List<String> args,
    Set<String> envNames,
    String workdir,
    long timeoutSeconds,
    String worker,
    int attempt,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Integer exitCode,
    String stdout,
    String stderr,
    boolean outputTruncated,
    String error) {

  public static JobView of(Job job) {
    return new JobView(
        job.id(),
        job.status().name(),
        job.spec().type(),
        job.spec().command(),
        job.spec().args(),
        new TreeSet<>(job.spec().env().keySet()),
        job.spec().workdir(),
        job.spec().timeoutSeconds(),
        job.workerId(),
        job.attempt(),
        job.createdAt(),
        job.startedAt(),
        job.finishedAt(),
        job.exitCode().isPresent() ? job.exitCode().getAsInt() : null,
        new String(job.outcome().stdout(), StandardCharsets.UTF_8),
        new String(job.outcome().stderr(), StandardCharsets.UTF_8),
        job.outcome().truncated(),
        job.outcome().error().isEmpty() ? null : job.outcome().error());
  }
}
