package io.distexec.master.jobs;

import io.distexec.executor.CappedOutput;
import io.distexec.executor.StdStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The output of running jobs as it arrives from their workers, kept per job and stream up to a cap
 * (head and tail), so that a running job can be looked at. Dropped when the job ends: its result
 * then holds the output.
 */
public final class LiveOutput {

  /** What a running job has printed so far. */
  public record Snapshot(byte[] stdout, byte[] stderr, long stdoutBytes, long stderrBytes, boolean truncated) {}

  private static final class Streams {
    final CappedOutput stdout;
    final CappedOutput stderr;

    Streams(int cap) {
      stdout = new CappedOutput(cap);
      stderr = new CappedOutput(cap);
    }
  }

  private final int capBytes;
  private final Map<String, Streams> jobs = new ConcurrentHashMap<>();

  public LiveOutput(int capBytes) {
    this.capBytes = capBytes;
  }

  public void append(String jobId, StdStream stream, byte[] data) {
    Streams streams = jobs.computeIfAbsent(jobId, id -> new Streams(capBytes));
    CappedOutput target = stream == StdStream.STDOUT ? streams.stdout : streams.stderr;
    synchronized (target) {
      target.write(data, 0, data.length);
    }
  }

  public Optional<Snapshot> snapshot(String jobId) {
    Streams streams = jobs.get(jobId);
    if (streams == null) {
      return Optional.empty();
    }
    byte[] out;
    byte[] err;
    long outBytes;
    long errBytes;
    boolean truncated;
    synchronized (streams.stdout) {
      out = streams.stdout.bytes();
      outBytes = streams.stdout.totalBytes();
      truncated = streams.stdout.truncated();
    }
    synchronized (streams.stderr) {
      err = streams.stderr.bytes();
      errBytes = streams.stderr.totalBytes();
      truncated |= streams.stderr.truncated();
    }
    return Optional.of(new Snapshot(out, err, outBytes, errBytes, truncated));
  }

  public void remove(String jobId) {
    jobs.remove(jobId);
  }
}
