package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.testing.LocalCluster;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;

/** A small REST client for the tests: JSON in, JSON out. */
final class Rest {

  static final Set<String> TERMINAL =
      Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "LOST");

  private final HttpClient http;
  private final String base;
  private final String authorization;

  /** Without a credential: for the health probes and /metrics, and to see a 401. */
  Rest(String base) {
    this(base, null);
  }

  /** As the cluster's admin, over TLS when its API serves TLS. */
  Rest(LocalCluster cluster) {
    this(client(cluster.apiSslContext()), cluster.masterUrl(), cluster.adminAuthorization());
  }

  /**
   * @param authorization the Authorization header's value, or {@code null} for none
   */
  Rest(String base, String authorization) {
    this(client(null), base, authorization);
  }

  private Rest(HttpClient http, String base, String authorization) {
    this.http = http;
    this.base = base;
    this.authorization = authorization;
  }

  private static HttpClient client(SSLContext tls) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    return (tls == null ? builder : builder.sslContext(tls)).build();
  }

  /** Another master's API, with the same credential and TLS. */
  Rest at(String otherBase) {
    return new Rest(http, otherBase, authorization);
  }

  String base() {
    return base;
  }

  /** A GET whose JSON answer is wanted, failing unchecked. */
  JsonObject getUnchecked(String path) {
    try {
      return get(path).json();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same API, called with another credential ({@code null}: none). */
  Rest as(String authorization) {
    return new Rest(http, base, authorization);
  }

  record Answer(int status, String contentType, String body, HttpResponse<String> raw) {
    JsonObject json() {
      return (JsonObject) parse(body);
    }

    JsonArray array() {
      return (JsonArray) parse(body);
    }
  }

  static JsonStructure parse(String body) {
    try (var reader = Json.createReader(new StringReader(body))) {
      return reader.read();
    }
  }

  Answer get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Answer post(String path, String json) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** POST with an RFC 7240 Prefer header. */
  Answer post(String path, String json, String prefer) throws Exception {
    return post(path, json, prefer, null);
  }

  /** POST with optional Prefer and Idempotency-Key headers. */
  Answer post(String path, String json, String prefer, String idempotencyKey) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (prefer != null) {
      request.header("Prefer", prefer);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return send(request);
  }

  /** GET with one more header, e.g. an {@code Origin}. */
  Answer get(String path, String header, String value) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header(header, value).GET());
  }

  Answer delete(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private Answer send(HttpRequest.Builder request) throws Exception {
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        response);
  }

  /**
   * A GET of an event stream, returned once its head has come: the body streams on until the caller
   * closes it.
   */
  HttpResponse<InputStream> stream(String path) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Submits a job; asserts it was accepted; returns its id. */
  String submit(String json) throws Exception {
    Answer answer = post("/api/v1/jobs", json);
    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    return answer.json().getString("id");
  }

  /** Waits until the job is in a terminal state and returns it. */
  JsonObject awaitEnd(String id, Duration atMost) {
    JsonObject[] last = new JsonObject[1];
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              last[0] = get("/api/v1/jobs/" + id).json();
              return TERMINAL.contains(last[0].getString("status"));
            });
    return last[0];
  }
}
