package io.distexec.master.config;

import io.distexec.common.GrpcLimits;
import io.distexec.executor.CappedOutput;
import io.distexec.master.jobs.JobLimits;
import java.time.Duration;

/**
 * The master's settings, read once at startup through MicroProfile Config (so environment variables
 * with these names work, as in the spec).
 *
 * @param grpcHost interface the gRPC endpoint binds to (from MASTER_ADDRESS)
 * @param grpcPort its port (from MASTER_ADDRESS)
 * @param maxConcurrentJobs MAX_CONCURRENT_JOBS: bound on queued + running jobs
 * @param heartbeatTimeout HEARTBEAT_TIMEOUT_SECONDS: silence after which a worker is dead
 * @param heartbeatInterval HEARTBEAT_INTERVAL_SECONDS: what the master asks workers to use
 * @param loadBalancer LOAD_BALANCER: round-robin or least-connections
 * @param jobRetention JOB_RETENTION_HOURS: how long finished jobs and their output are kept
 * @param outputCapBytes OUTPUT_CAP_BYTES: live output the master keeps per job and stream
 * @param limits MAX_JOB_SPEC_BYTES, DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS: the bounds on a
 *     job
 */
public record MasterConfig(
    String grpcHost,
    int grpcPort,
    int maxConcurrentJobs,
    Duration heartbeatTimeout,
    Duration heartbeatInterval,
    String loadBalancer,
    Duration jobRetention,
    int outputCapBytes,
    JobLimits limits) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:50051";
  public static final int DEFAULT_MAX_CONCURRENT_JOBS = 1000;
  public static final int DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 15;
  public static final int DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 5;
  public static final String DEFAULT_LOAD_BALANCER = "least-connections";
  public static final int DEFAULT_JOB_RETENTION_HOURS = 7 * 24;
  public static final int DEFAULT_OUTPUT_CAP_BYTES = CappedOutput.DEFAULT_CAP_BYTES;

  public MasterConfig {
    if (maxConcurrentJobs < 1) {
      throw new IllegalArgumentException(
          "MAX_CONCURRENT_JOBS must be at least 1, got " + maxConcurrentJobs);
    }
    if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
      throw new IllegalArgumentException(
          "HEARTBEAT_INTERVAL_SECONDS must be at least 1, got " + heartbeatInterval.toSeconds());
    }
    if (jobRetention.isNegative() || jobRetention.isZero()) {
      throw new IllegalArgumentException(
          "JOB_RETENTION_HOURS must be at least 1, got " + jobRetention.toHours());
    }
    if (outputCapBytes < 1024 || outputCapBytes > GrpcLimits.MAX_OUTPUT_CAP_BYTES) {
      throw new IllegalArgumentException(
          "OUTPUT_CAP_BYTES must be from 1024 to "
              + GrpcLimits.MAX_OUTPUT_CAP_BYTES
              + ", got "
              + outputCapBytes);
    }
    if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "HEARTBEAT_TIMEOUT_SECONDS ("
              + heartbeatTimeout.toSeconds()
              + ") must be at least twice HEARTBEAT_INTERVAL_SECONDS ("
              + heartbeatInterval.toSeconds()
              + "), or one late heartbeat would declare a worker dead");
    }
  }
}
