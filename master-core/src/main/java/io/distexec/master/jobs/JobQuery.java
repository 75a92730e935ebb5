package io.distexec.master.jobs;

import java.time.Instant;
import java.util.Locale;

/**
 * Which jobs to list, newest first.
 *
 * @param status only jobs in this state, or {@code null}
 * @param workerId only jobs whose current or last attempt ran there, or {@code null}
 * @param since only jobs created at or after this time, or {@code null}
 * @param until only jobs created before this time, or {@code null}
 * @param text only jobs whose command line ({@link #commandLine}) holds this text, any case, or
 *     {@code null}
 * @param limit at most this many
 * @param cursor where the previous page ended (opaque, from {@link Page#nextCursor()}), or {@code
 *     null}
 * @param owner only jobs submitted by this caller, or {@code null}
 */
public record JobQuery(
    JobStatus status,
    String workerId,
    Instant since,
    Instant until,
    String text,
    int limit,
    String cursor,
    String owner) {

  /** The longest text filter: a search is for a word or two of a command, not a script. */
  public static final int MAX_TEXT_CHARS = 200;

  /** What a text filter searches, and a store keeps per job: the command line's first part. */
  public static final int COMMAND_LINE_CHARS = 1000;

  public JobQuery {
    text = text == null || text.isBlank() ? null : text.toLowerCase(Locale.ROOT);
  }

  public JobQuery(
      JobStatus status, String workerId, Instant since, int limit, String cursor, String owner) {
    this(status, workerId, since, null, null, limit, cursor, owner);
  }

  public JobQuery(JobStatus status, String workerId, Instant since, int limit, String cursor) {
    this(status, workerId, since, limit, cursor, null);
  }

  /** The same query, narrowed to one owner's jobs. */
  public JobQuery ownedBy(String name) {
    return new JobQuery(status, workerId, since, until, text, limit, cursor, name);
  }

  /** The same query with another page size. */
  public JobQuery withLimit(int pageSize) {
    return new JobQuery(status, workerId, since, until, text, pageSize, cursor, owner);
  }

  public static JobQuery first(JobStatus status, int limit) {
    return new JobQuery(status, null, null, limit, null);
  }

  /**
   * The command and its arguments as one line, lower case, cut to {@value #COMMAND_LINE_CHARS}
   * characters: what a text filter matches (never the environment or stdin, which may hold
   * secrets).
   */
  public static String commandLine(JobSpec spec) {
    // Lower case may lengthen a string (İ becomes i and a dot): cut again after it.
    String lower = spec.commandLine(COMMAND_LINE_CHARS).toLowerCase(Locale.ROOT);
    return lower.length() > COMMAND_LINE_CHARS ? lower.substring(0, COMMAND_LINE_CHARS) : lower;
  }

  public boolean matches(Job job) {
    return (status == null || job.status() == status)
        && (workerId == null || workerId.equals(job.workerId()))
        && (since == null || !job.createdAt().isBefore(since))
        && (until == null || job.createdAt().isBefore(until))
        && (text == null || commandLine(job.spec()).contains(text))
        && (owner == null || owner.equals(job.owner()));
  }
}
