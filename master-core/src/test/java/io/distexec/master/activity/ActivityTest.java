package io.distexec.master.activity;

import static org.assertj.core.api.Assertions.assertThat;

import io.distexec.master.MutableClock;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityTest {

  private final MutableClock clock = new MutableClock();
  private final Activity activity = new Activity(clock);
  private int ids;

  private Job ended(JobStatus status, Duration latency) {
    Job queued = Job.queued("job-" + ++ids, JobSpec.command("echo", "Hi"), clock.instant());
    return queued
        .dispatchedTo("w1")
        .running(clock.instant())
        .finished(
            status,
            JobOutcome.of(status == JobStatus.SUCCEEDED ? 0 : 1, new byte[0], "exit 1"),
            clock.instant().plus(latency));
  }

  @Test
  void countsEndedAndFailedJobsPerMinuteWithTheirLatencyPercentiles() {
    for (int i = 0; i < 19; i++) {
      activity.changed(ended(JobStatus.SUCCEEDED, Duration.ofMillis(4)));
    }
    activity.changed(ended(JobStatus.FAILED, Duration.ofMillis(1000)));

    List<Activity.Point> hour = activity.lastHour();
    assertThat(hour).hasSize(60);
    Activity.Point now = hour.get(59);
    assertThat(now.ended()).isEqualTo(20);
    assertThat(now.failed()).isEqualTo(1);
    assertThat(now.p50Millis()).isEqualTo(4); // 4 ms is a bucket bound: exact
    assertThat(now.p95Millis()).isEqualTo(4); // the 19th of 20
    assertThat(hour.get(58).ended()).isZero();
    assertThat(hour.get(58).p50Millis()).isNull();
  }

  @Test
  void aPercentileIsTheBoundOfItsBucketWithinNineteenPercent() {
    for (long millis : new long[] {2, 3, 7, 100, 12_345, 3_600_000}) {
      long bound = Activity.bound(Activity.bucket(millis));
      assertThat(bound).isBetween(millis, Math.round(millis * 1.19) + 1);
    }
    assertThat(Activity.bucket(0)).isZero();
    assertThat(Activity.bucket(Long.MAX_VALUE)).isEqualTo(Activity.BUCKETS - 1);
  }

  @Test
  void minutesMoveOnAndAnHourLaterAreGone() {
    activity.changed(ended(JobStatus.SUCCEEDED, Duration.ZERO));
    clock.advance(Duration.ofMinutes(2));
    activity.changed(ended(JobStatus.SUCCEEDED, Duration.ZERO));
    activity.changed(ended(JobStatus.SUCCEEDED, Duration.ZERO));

    List<Activity.Point> hour = activity.lastHour();
    assertThat(hour.get(57).ended()).isEqualTo(1);
    assertThat(hour.get(59).ended()).isEqualTo(2);
    assertThat(hour.get(59).minute()).isEqualTo(hour.get(57).minute().plusSeconds(120));

    clock.advance(Duration.ofMinutes(59));
    assertThat(activity.lastHour().stream().mapToInt(Activity.Point::ended).sum()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(1));
    assertThat(activity.lastHour().stream().mapToInt(Activity.Point::ended).sum()).isZero();
  }

  @Test
  void keepsTheLatestTwentyFailuresNewestFirstAndCountsEveryChange() {
    for (int i = 0; i < 25; i++) {
      activity.changed(ended(JobStatus.FAILED, Duration.ZERO));
    }
    activity.changed(Job.queued("queued", JobSpec.command("true"), clock.instant()));

    assertThat(activity.recentFailures()).hasSize(20);
    assertThat(activity.recentFailures().get(0).jobId()).isEqualTo("job-25");
    assertThat(activity.recentFailures().get(0).command()).isEqualTo("echo Hi");
    assertThat(activity.recentFailures().get(0).error()).isEqualTo("exit 1");
    assertThat(activity.changes()).isEqualTo(26);
  }
}
