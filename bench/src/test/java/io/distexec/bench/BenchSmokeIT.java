package io.distexec.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A small run of every part of the harness, so that it keeps working; the figures are not judged.
 */
class BenchSmokeIT {

  @Test
  void everyPartRunsAndReportsItsFigures() throws Exception {
    Path root = Path.of(System.getProperty("distexec.root", "..")).toAbsolutePath().normalize();
    Path out = root.resolve("bench/target/smoke/results.json");
    Map<String, Object> figures =
        Bench.run(
            "--root",
            root.toString(),
            "--out",
            out.toString(),
            "--jobs",
            "40",
            "--clients",
            "4",
            "--latency-jobs",
            "10",
            "--simulated-workers",
            "50",
            "--registry-seconds",
            "2",
            "--queue-depth",
            "300");

    assertThat(figures)
        .containsKeys(
            "baseline.jobs_per_second",
            "throughput.grpc.jobs_per_second",
            "throughput.rest.jobs_per_second",
            "throughput.grpc.ratio_to_baseline",
            "latency.p50_ms",
            "latency.p99_ms",
            "registry.master_core_share",
            "registry.master_rss_mib",
            "queue.submit_jobs_per_second",
            "queue.master_heap_mib",
            "queue.restart_seconds",
            "listing.newest_first_page_ms",
            "listing.status_first_page_ms",
            "listing.text_first_page_ms",
            "listing.text_no_match_first_page_ms");
    // Each phase of a round trip is a real duration, and together they are the round trip.
    double phases = 0;
    for (String phase : Latency.PHASES) {
      Object ms = figures.get("latency.phase." + phase + "_ms");
      assertThat(ms).as(phase).isInstanceOf(Double.class);
      assertThat((Double) ms).as(phase).isGreaterThanOrEqualTo(0.0);
      phases += (Double) ms;
    }
    assertThat(phases).isGreaterThan(0.0);
    assertThat(figures.get("throughput.jobs_succeeded")).isEqualTo(80L);
    assertThat(figures.get("registry.workers")).isEqualTo(50L);
    assertThat(figures.get("queue.queued")).isEqualTo(300L);
    assertThat(figures.get("queue.queued_after_restart")).isEqualTo(300L);
    assertThat(Files.readString(out)).contains("\"latency.p99_ms\"");
  }
}
