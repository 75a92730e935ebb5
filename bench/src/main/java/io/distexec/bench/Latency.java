package io.distexec.bench;

import io.distexec.client.DistexecClient;
import io.distexec.client.Job;
import io.distexec.client.JobRequest;
import io.distexec.client.JobStatus;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sequential round trips on an idle cluster: submit {@code echo hello} and wait for its stored
 * result, through REST ({@code Prefer: wait}: the answer comes once the result is stored) or gRPC
 * (SubmitJob, WatchJob to the end, GetJob: what {@code DistexecClient.run} does), and time each.
 * Each job's stored history and the worker's start and end times split the round trip into phases.
 */
final class Latency {

  record Percentiles(double p50, double p95, double p99, double max) {}

  /**
   * The round trips' percentiles, the median of each phase in ms, and every round trip in ms,
   * sorted (for the report's histogram).
   */
  record Measured(Percentiles total, Map<String, Double> phaseMedians, double[] samples) {}

  /** Phase names, in the order a job goes through them. */
  static final String[] PHASES = {
    "queued_to_dispatched", // master: stored QUEUED -> dispatcher stored DISPATCHED
    "dispatched_to_started", // ExecuteTask call -> the worker started the process
    "run", // worker: process start -> exit, output drained, leftovers checked
    "finished_to_stored", // result back to the master -> terminal state stored
    "http_and_accept", // the rest: the API's transport, parsing, QUEUED insert, answer
  };

  /** One round trip: submits the job, returns its id once its result is stored. */
  interface RoundTrip {
    String run() throws Exception;
  }

  private Latency() {}

  /** Through REST with {@code Prefer: wait}. */
  static RoundTrip rest(HttpClient http, String masterUrl, String authorization) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(masterUrl + "/api/v1/jobs"))
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .header("Prefer", "wait=10")
            .POST(
                HttpRequest.BodyPublishers.ofString("{\"command\":\"echo\",\"args\":[\"hello\"]}"))
            .build();
    return () -> send(http, request).getString("id");
  }

  /** Through gRPC, as the Java client runs a job. */
  static RoundTrip grpc(DistexecClient client) {
    JobRequest echo = JobRequest.command("echo", "hello").build();
    return () -> {
      Job job = client.run(echo, event -> {});
      if (job.status() != JobStatus.SUCCEEDED) {
        throw new IllegalStateException("job " + job.id() + " ended " + job.status());
      }
      return job.id();
    };
  }

  /**
   * Times {@code jobs} round trips after a warm-up; reads each job's history through REST (outside
   * the timed part) to split it into phases.
   *
   * @param authorization the Authorization header's value (the cluster's admin token)
   */
  /** How many jobs {@link #measure} runs for {@code jobs} measured ones: its warm-up too. */
  static int jobsRun(int jobs) {
    return jobs + Math.min(100, jobs);
  }

  static Measured measure(
      RoundTrip roundTrip, HttpClient http, String masterUrl, String authorization, int jobs)
      throws Exception {
    for (int i = 0; i < Math.min(100, jobs); i++) {
      roundTrip.run(); // warm-up: JIT, connections
    }
    long[] nanos = new long[jobs];
    double[][] phases = new double[PHASES.length][jobs];
    for (int i = 0; i < jobs; i++) {
      long start = System.nanoTime();
      String id = roundTrip.run();
      nanos[i] = System.nanoTime() - start;
      split(get(http, masterUrl + "/api/v1/jobs/" + id, authorization), nanos[i] / 1e6, phases, i);
    }
    Arrays.sort(nanos);
    Map<String, Double> medians = new LinkedHashMap<>();
    for (int p = 0; p < PHASES.length; p++) {
      Arrays.sort(phases[p]);
      medians.put(PHASES[p], phases[p][jobs / 2]);
    }
    return new Measured(
        new Percentiles(ms(nanos, 0.50), ms(nanos, 0.95), ms(nanos, 0.99), nanos[jobs - 1] / 1e6),
        medians,
        Arrays.stream(nanos).mapToDouble(n -> n / 1e6).toArray());
  }

  private static void split(JsonObject job, double totalMs, double[][] phases, int i) {
    Instant queued = null;
    Instant dispatched = null;
    Instant stored = null;
    for (JsonValue v : job.getJsonArray("history")) {
      JsonObject t = v.asJsonObject();
      Instant at = Instant.parse(t.getString("at"));
      switch (t.getString("status")) {
        case "QUEUED" -> queued = at;
        case "DISPATCHED" -> dispatched = at;
        case "SUCCEEDED" -> stored = at;
        default -> {}
      }
    }
    Instant started = Instant.parse(job.getString("startedAt"));
    Instant finished = Instant.parse(job.getString("finishedAt"));
    phases[0][i] = ms(queued, dispatched);
    phases[1][i] = ms(dispatched, started);
    phases[2][i] = ms(started, finished);
    phases[3][i] = ms(finished, stored);
    phases[4][i] = totalMs - ms(queued, stored);
  }

  private static double ms(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e6;
  }

  private static JsonObject send(HttpClient http, HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("\"SUCCEEDED\"")) {
      throw new IllegalStateException(
          "job did not succeed in time: " + response.statusCode() + " " + response.body());
    }
    return parse(response.body());
  }

  private static JsonObject get(HttpClient http, String url, String authorization)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + url + ": " + response.statusCode() + " " + response.body());
    }
    return parse(response.body());
  }

  private static JsonObject parse(String body) {
    try (JsonReader reader = Json.createReader(new StringReader(body))) {
      return reader.readObject();
    }
  }

  private static double ms(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }
}
