package io.distexec.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/**
 * How long the jobs listing (the console's jobs table) takes to answer its first page with a deep
 * store: the median of a few calls, after one to warm up, of {@code GET /api/v1/jobs?...}.
 */
final class Listing {

  private Listing() {}

  /** The median time in ms of the first page of {@code query} (e.g. {@code limit=50}). */
  static double firstPageMillis(
      HttpClient http, String masterUrl, String authorization, String query, int calls)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(masterUrl + "/api/v1/jobs?" + query))
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .build();
    double[] millis = new double[calls];
    for (int i = -1; i < calls; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET /api/v1/jobs?" + query + ": " + response.statusCode() + " " + response.body());
      }
      if (i >= 0) {
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(millis);
    return millis[calls / 2];
  }
}
