package io.distexec.common;

/**
 * The message sizes the embedded gRPC endpoints and channels accept, from the bounds on what they
 * carry: a job's spec (MAX_JOB_SPEC_BYTES) one way, a task's kept output (OUTPUT_CAP_BYTES per
 * stream) the other. Master and workers compute them from the same settings, so a job the master
 * accepted always fits the worker's limit, and a worker's result always fits the master's.
 */
public final class GrpcLimits {

  /** The default bound on a job's spec, as the master's MAX_JOB_SPEC_BYTES. */
  public static final int DEFAULT_MAX_SPEC_BYTES = 1024 * 1024;

  /** The most output a worker keeps per stream (OUTPUT_CAP_BYTES at most). */
  public static final int MAX_OUTPUT_CAP_BYTES = 4 * 1024 * 1024;

  /**
   * Protobuf's framing around a spec's strings and a request's other fields: a tag and a length per
   * string, map entries' own framing, for the most args, env and attributes a job may have.
   */
  private static final int FRAMING_BYTES = 6 * 10_000 + 18 * 1_100 + 64 * 1024;

  private GrpcLimits() {}

  /** The largest message carrying a spec of at most {@code maxSpecBytes}. */
  public static int forSpec(int maxSpecBytes) {
    return maxSpecBytes + FRAMING_BYTES;
  }

  /** The largest task result (both streams' kept output and the rest) a master accepts. */
  public static int forResults() {
    return 2 * MAX_OUTPUT_CAP_BYTES + FRAMING_BYTES;
  }
}
