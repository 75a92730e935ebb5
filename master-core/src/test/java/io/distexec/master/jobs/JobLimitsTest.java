package io.distexec.master.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every part of a job has a bound, and going past one names the part and the bound. */
class JobLimitsTest {

  private final JobValidator validator =
      new JobValidator(() -> Set.of("command"), JobLimits.DEFAULTS);

  private static JobSpec spec(
      List<String> args, Map<String, String> env, byte[] stdin, long timeoutSeconds) {
    return new JobSpec("command", "echo", args, env, null, stdin, timeoutSeconds, Map.of(), false);
  }

  private String refusal(JobSpec spec) {
    try {
      validator.validate(spec);
      return "accepted";
    } catch (InvalidJobException e) {
      return e.getMessage();
    }
  }

  @Test
  void refusesASpecOverTheByteLimitNamingTheLimitAndTheSetting() {
    byte[] stdin = new byte[JobLimits.DEFAULT_MAX_SPEC_BYTES];
    assertThat(refusal(spec(List.of(), Map.of(), stdin, 0)))
        .startsWith("spec: the job is 1048587 bytes")
        .contains("at most 1048576 (MAX_JOB_SPEC_BYTES)");
    assertThat(refusal(spec(List.of(), Map.of(), new byte[1000], 0))).isEqualTo("accepted");
  }

  @Test
  void refusesTooManyArgsAndVariablesAndOverlongNames() {
    assertThat(refusal(spec(Collections.nCopies(10_001, "a"), Map.of(), null, 0)))
        .isEqualTo("args: has 10001 arguments; at most 10000");
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i <= JobLimits.MAX_ENV; i++) {
      env.put("V" + i, "x");
    }
    assertThat(refusal(spec(List.of(), env, null, 0)))
        .isEqualTo("env: has 1001 variables; at most 1000");
    assertThat(refusal(spec(List.of(), Map.of("N".repeat(256), "x"), null, 0)))
        .startsWith("env: names at most 255 characters");
  }

  @Test
  void boundsTheTimeoutAndGivesJobsWithoutOneTheDefault() {
    assertThat(refusal(spec(List.of(), Map.of(), null, 8 * 24 * 3600)))
        .isEqualTo("timeoutSeconds: must be at most 604800 (MAX_TIMEOUT_SECONDS), got 691200");
    JobSpec none = spec(List.of(), Map.of(), null, 0);
    assertThat(JobLimits.DEFAULTS.withDefaultTimeout(none).timeoutSeconds()).isEqualTo(3600);
    JobLimits unbounded =
        new JobLimits(JobLimits.DEFAULT_MAX_SPEC_BYTES, Duration.ZERO, Duration.ZERO);
    assertThat(unbounded.withDefaultTimeout(none).timeoutSeconds()).isZero();
  }

  @Test
  void acceptsOnlySettingsWithinSafeBounds() {
    assertThatThrownBy(() -> new JobLimits(1024, Duration.ofHours(1), Duration.ofDays(7)))
        .hasMessage("MAX_JOB_SPEC_BYTES must be from 65536 to 16777216, got 1024");
    assertThatThrownBy(() -> new JobLimits(1 << 20, Duration.ZERO, Duration.ofDays(7)))
        .hasMessageStartingWith(
            "DEFAULT_TIMEOUT_SECONDS (0) must be from 1 to MAX_TIMEOUT_SECONDS");
  }

  @Test
  void refusesAnOverlongCancelReason() {
    assertThat(JobLimits.refusalOfReason("x".repeat(1000))).isEmpty();
    assertThat(JobLimits.refusalOfReason("x".repeat(1001)))
        .hasValue("reason must be at most 1000 characters, got 1001");
  }
}
