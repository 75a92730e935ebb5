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
            "--warmup-jobs",
            "10",
            "--simulated-workers",
            "50",
            "--registry-seconds",
            "2",
            "--queue-depth",
            "300",
            "--restarts",
            "1",
            // The figures are not judged here: servers that start quicker keep the build short.
            "--fast-start");

    assertThat(figures)
        .containsKeys(
            "baseline.jobs_per_second",
            "throughput.grpc.jobs_per_second",
            "throughput.rest.jobs_per_second",
            "throughput.grpc.ratio_to_baseline",
            "baseline.cpu_ms_per_process",
            "warmup.seconds",
            "throughput.rest.cpu_ms_per_job.commands",
            "latency.p50_ms",
            "latency.p99_ms",
            "latency.grpc.p50_ms",
            "latency.grpc.p99_ms",
            "registry.master_core_share",
            "registry.master_rss_mib",
            "queue.submit_jobs_per_second",
            "queue.batch_submit_jobs_per_second",
            "queue.master_heap_mib",
            "queue.restart_seconds",
            "queue.store_bytes_per_job",
            "throughput.store_bytes_per_job",
            "listing.newest_first_page_ms",
            "listing.status_first_page_ms",
            "listing.text_first_page_ms",
            "listing.text_no_match_first_page_ms",
            "footprint.master_rss_mib",
            "footprint.worker_rss_mib",
            "footprint.master_rss_after_work_mib",
            "footprint.worker_rss_after_work_mib",
            "footprint.worker_start_seconds",
            "footprint.master_start_seconds");
    // Each phase of a round trip is a real duration, and together they are the round trip.
    double phases = 0;
    for (String phase : Latency.PHASES) {
      for (String api : new String[] {"latency.", "latency.grpc."}) {
        Object ms = figures.get(api + "phase." + phase + "_ms");
        assertThat(ms).as(api + phase).isInstanceOf(Double.class);
        phases += (Double) ms;
      }
      assertThat((Double) figures.get("latency.phase." + phase + "_ms"))
          .as(phase)
          .isGreaterThanOrEqualTo(0.0);
    }
    assertThat(phases).isGreaterThan(0.0);
    assertThat(figures.get("throughput.jobs_succeeded")).isEqualTo(80L);
    assertThat(figures.get("registry.workers")).isEqualTo(50L);
    assertThat(figures.get("queue.queued")).isEqualTo(300L);
    assertThat(figures.get("queue.queued_after_restart")).isEqualTo(300L);
    // The embedded store holds the jobs somewhere: more than nothing, less than a MiB each.
    for (String store : new String[] {"queue.", "throughput."}) {
      assertThat((Double) figures.get(store + "store_bytes_per_job"))
          .as(store + "store_bytes_per_job")
          .isBetween(1.0, 1024.0 * 1024);
    }
    // A Liberty server holds tens of MiB at the least; a start takes a real time.
    assertThat((Double) figures.get("footprint.worker_rss_mib")).isGreaterThan(32.0);
    assertThat((Double) figures.get("footprint.master_rss_after_work_mib")).isGreaterThan(32.0);
    assertThat((Double) figures.get("footprint.worker_start_seconds")).isGreaterThan(0.5);
    // Servers that took jobs used CPU for them; and 40 echo processes used some of their own.
    for (String cpu :
        new String[] {
          "throughput.grpc.cpu_ms_per_job.",
          "throughput.rest.cpu_ms_per_job.",
          "latency.cpu_ms_per_job.",
          "latency.grpc.cpu_ms_per_job."
        }) {
      assertThat((Double) figures.get(cpu + "master")).as(cpu + "master").isGreaterThan(0.0);
      assertThat((Double) figures.get(cpu + "workers")).as(cpu + "workers").isGreaterThan(0.0);
      assertThat((Double) figures.get(cpu + "master_and_workers"))
          .isEqualTo((Double) figures.get(cpu + "master") + (Double) figures.get(cpu + "workers"));
      assertThat((Double) figures.get(cpu + "jit"))
          .as(cpu + "jit")
          .isBetween(0.0, (Double) figures.get(cpu + "master_and_workers"));
    }
    assertThat(Files.readString(out)).contains("\"latency.p99_ms\"");
    // The report: both latency parts' histograms and both throughput runs' charts, every figure.
    String report = Files.readString(out.resolveSibling("report.html"));
    assertThat(report)
        .contains("Latency, REST", "Latency, gRPC", "Throughput over time, gRPC")
        .contains("Throughput over time, REST", "queue.restart_seconds");
  }
}
