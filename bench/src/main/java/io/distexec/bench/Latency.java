package io.distexec.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/**
 * Sequential round trips on an idle cluster: submit {@code echo hello} with {@code Prefer: wait}
 * (the answer comes once the job's result is stored) and time each.
 */
final class Latency {

  record Percentiles(double p50, double p95, double p99, double max) {}

  private Latency() {}

  static Percentiles measure(String masterUrl, int jobs) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create(masterUrl + "/api/v1/jobs"))
        .header("Content-Type", "application/json").header("Prefer", "wait=10")
        .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"echo\",\"args\":[\"hello\"]}")).build();
    for (int i = 0; i < Math.min(100, jobs); i++) {
      send(http, request); // warm-up: JIT, connections
    }
    long[] nanos = new long[jobs];
    for (int i = 0; i < jobs; i++) {
      long start = System.nanoTime();
      send(http, request);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return new Percentiles(ms(nanos, 0.50), ms(nanos, 0.95), ms(nanos, 0.99), nanos[jobs - 1] / 1e6);
  }

  private static void send(HttpClient http, HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("\"SUCCEEDED\"")) {
      throw new IllegalStateException("job did not succeed in time: " + response.statusCode() + " " + response.body());
    }
  }

  private static double ms(long[] sorted, double quantile) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }
}
