package io.distexec.client;

import com.google.protobuf.ByteString;
import io.distexec.proto.v1.SubmitRequest;
import io.distexec.proto.v1.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A job to submit; build one with {@link #command(String, String...)} or {@link #shell(String)}.
 */
public final class JobRequest {

  private final SubmitRequest request;

  private JobRequest(SubmitRequest request) {
    this.request = request;
  }

  /** A program and its arguments, run without a shell. */
  public static Builder command(String command, String... args) {
    return new Builder().command(command).args(List.of(args));
  }

  /** A {@code /bin/sh -c} script; {@link Builder#args} become its {@code $1}, {@code $2}, ... */
  public static Builder shell(String script) {
    return new Builder().command(script).shell(true);
  }

  SubmitRequest toProto() {
    return request;
  }

  /** The request's size on the wire, for splitting many into batches the master takes. */
  public int serializedSize() {
    return request.getSerializedSize();
  }

  /** Builds a {@link JobRequest}. */
  public static final class Builder {
    private final TaskSpec.Builder spec = TaskSpec.newBuilder();
    private final SubmitRequest.Builder submit = SubmitRequest.newBuilder();

    /**
     * Run again, up to {@code maxAttempts} times in all, when the worker dies or on a listed exit
     * code.
     */
    public Builder maxAttempts(int maxAttempts) {
      submit.setMaxAttempts(maxAttempts);
      return this;
    }

    /** Exit codes that mean "try again" while attempts remain. */
    public Builder retryOnExitCodes(int... codes) {
      for (int code : codes) {
        submit.addRetryOnExitCodes(code);
      }
      return this;
    }

    /** Makes the submit safe to repeat: the same key and request give back the first job. */
    public Builder idempotencyKey(String key) {
      submit.setIdempotencyKey(key);
      return this;
    }

    public Builder command(String command) {
      spec.setCommand(command);
      return this;
    }

    public Builder args(List<String> args) {
      spec.clearArgs().addAllArgs(args);
      return this;
    }

    public Builder env(String name, String value) {
      spec.putEnv(name, value);
      return this;
    }

    public Builder env(Map<String, String> env) {
      spec.putAllEnv(env);
      return this;
    }

    public Builder workdir(String workdir) {
      spec.setWorkdir(workdir);
      return this;
    }

    public Builder stdin(byte[] stdin) {
      spec.setStdin(ByteString.copyFrom(stdin));
      return this;
    }

    public Builder stdin(String stdin) {
      return stdin(stdin.getBytes(StandardCharsets.UTF_8));
    }

    /** Wall-clock limit, whole seconds; the job ends TIMED_OUT after it. */
    public Builder timeout(Duration timeout) {
      spec.setTimeoutSeconds((int) Math.max(0, timeout.toSeconds()));
      return this;
    }

    public Builder shell(boolean shell) {
      spec.setShell(shell);
      return this;
    }

    /** The executor to use (default "command"). */
    public Builder type(String type) {
      spec.setType(type);
      return this;
    }

    public Builder attribute(String name, String value) {
      spec.putAttributes(name, value);
      return this;
    }

    public JobRequest build() {
      return new JobRequest(submit.setSpec(spec).build());
    }
  }
}
