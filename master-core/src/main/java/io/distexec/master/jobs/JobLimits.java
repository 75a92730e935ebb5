package io.distexec.master.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Every bound on a job, declared once: the REST reader, the gRPC services and the validator check
 * against these numbers, and the gRPC endpoints of master and workers accept messages large enough
 * for the largest job they allow ({@code common.GrpcLimits}, from the same MAX_JOB_SPEC_BYTES), so
 * every accepted job can be dispatched.
 *
 * @param maxSpecBytes MAX_JOB_SPEC_BYTES: the whole spec (command, args, env, workdir, stdin,
 *     attributes, as UTF-8), default 1 MiB
 * @param defaultTimeout DEFAULT_TIMEOUT_SECONDS: the timeout of a job that gives none; zero for
 *     none
 * @param maxTimeout MAX_TIMEOUT_SECONDS: the longest timeout a job may ask for; zero lets a job run
 *     without one (only when the operator says so)
 */
public record JobLimits(int maxSpecBytes, Duration defaultTimeout, Duration maxTimeout) {

  public static final int DEFAULT_MAX_SPEC_BYTES = 1024 * 1024;

  /** The bounds an operator may set MAX_JOB_SPEC_BYTES within. */
  public static final int MIN_SPEC_BYTES = 64 * 1024;

  public static final int MAX_SPEC_BYTES = 16 * 1024 * 1024;
  public static final long DEFAULT_TIMEOUT_SECONDS = Duration.ofHours(1).toSeconds();
  public static final long DEFAULT_MAX_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();

  /** Arguments a job may have. */
  public static final int MAX_ARGS = 10_000;

  /** Environment variables a job may set. */
  public static final int MAX_ENV = 1_000;

  /** Executor attributes a job may set. */
  public static final int MAX_ATTRIBUTES = 100;

  /** Characters in a name: an env variable, an attribute key, an executor type. */
  public static final int MAX_NAME_CHARS = 255;

  /** Characters in an idempotency key (its column holds no more). */
  public static final int MAX_IDEMPOTENCY_KEY_CHARS = 255;

  /**
   * Jobs in one batch submit; the batch's request is bounded as one submit's is ({@link
   * #maxBodyBytes}), so a batch holds many small jobs, not many large ones.
   */
  public static final int MAX_BATCH_JOBS = 1_000;

  /** Characters in a cancel reason. */
  public static final int MAX_REASON_CHARS = 1_000;

  public static final JobLimits DEFAULTS =
      new JobLimits(
          DEFAULT_MAX_SPEC_BYTES,
          Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS),
          Duration.ofSeconds(DEFAULT_MAX_TIMEOUT_SECONDS));

  public JobLimits {
    if (maxSpecBytes < MIN_SPEC_BYTES || maxSpecBytes > MAX_SPEC_BYTES) {
      throw new IllegalArgumentException(
          "MAX_JOB_SPEC_BYTES must be from "
              + MIN_SPEC_BYTES
              + " to "
              + MAX_SPEC_BYTES
              + ", got "
              + maxSpecBytes);
    }
    if (defaultTimeout.isNegative() || maxTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "DEFAULT_TIMEOUT_SECONDS and MAX_TIMEOUT_SECONDS must not be negative");
    }
    if (!maxTimeout.isZero()
        && (defaultTimeout.isZero() || defaultTimeout.compareTo(maxTimeout) > 0)) {
      throw new IllegalArgumentException(
          "DEFAULT_TIMEOUT_SECONDS ("
              + defaultTimeout.toSeconds()
              + ") must be from 1 to MAX_TIMEOUT_SECONDS ("
              + maxTimeout.toSeconds()
              + "); set MAX_TIMEOUT_SECONDS=0 to let jobs run without a timeout");
    }
  }

  /** The largest HTTP body a submit may have: the spec as JSON, escapes and all. */
  public long maxBodyBytes() {
    // JSON escapes can make a byte six ("\u0000"); stdin as text is the usual bulk, so allow
    // plenty but bounded: a body past this is refused before it is read.
    return 2L * maxSpecBytes + 64 * 1024;
  }

  /** The spec with the default timeout when it asks for none. */
  public JobSpec withDefaultTimeout(JobSpec spec) {
    if (spec.timeoutSeconds() != 0 || defaultTimeout.isZero()) {
      return spec;
    }
    return new JobSpec(
        spec.type(),
        spec.command(),
        spec.args(),
        spec.env(),
        spec.workdir(),
        spec.stdin(),
        defaultTimeout.toSeconds(),
        spec.attributes(),
        spec.shell());
  }

  /** Why a cancel reason is refused, or empty when it is fine. */
  public static java.util.Optional<String> refusalOfReason(String reason) {
    return reason != null && reason.length() > MAX_REASON_CHARS
        ? java.util.Optional.of(
            "reason must be at most " + MAX_REASON_CHARS + " characters, got " + reason.length())
        : java.util.Optional.empty();
  }

  /** The size of a spec as this class counts it: its strings as UTF-8, and stdin. */
  public static long sizeOf(JobSpec spec) {
    long size = utf8(spec.type()) + utf8(spec.command()) + utf8(spec.workdir());
    for (String arg : spec.args()) {
      size += utf8(arg);
    }
    size += entries(spec.env()) + entries(spec.attributes());
    return size + spec.stdin().length;
  }

  private static long entries(Map<String, String> map) {
    long size = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      size += utf8(e.getKey()) + utf8(e.getValue());
    }
    return size;
  }

  private static long utf8(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }
}
