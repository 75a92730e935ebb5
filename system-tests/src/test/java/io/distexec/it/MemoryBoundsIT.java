package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.proto.v1.JobEvent;
import io.distexec.proto.v1.MasterServiceGrpc;
import io.distexec.proto.v1.WatchJobRequest;
import io.distexec.testing.LocalCluster;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The master's memory is bounded by bytes under a flood of output: stalled watchers (SSE clients
 * that never read, gRPC clients that never ask for more) on jobs that print 50 MB each, while 200
 * jobs print 1 MiB each at once. The heap the master keeps stays under 75 % of -Xmx (read from its
 * GC log: the heap after each collection, which is what the master holds; the heap sampled from
 * /metrics counts garbage not yet collected too, and is printed beside it), no OutOfMemoryError,
 * and every job ends with its stored outcome.
 */
class MemoryBoundsIT {

  private static final long FIFTY_MB = 50L * 1024 * 1024;
  private static final int BIG_JOBS = 5;
  private static final int WATCHERS_PER_KIND = 5; // per big job: 5 SSE + 5 gRPC = 50 in all
  private static final int SMALL_JOBS = 200;

  @Test
  void stalledWatchersAndAFloodOfOutputLeaveTheHeapBounded() throws Exception {
    java.nio.file.Path gcLogs =
        java.nio.file.Files.createTempDirectory("distexec-gc").toAbsolutePath();
    try (LocalCluster cluster =
        Clusters.start(
            "memory-bounds-it", 2, Map.of("JVM_ARGS", "-Xlog:gc:file=" + gcLogs + "/gc-%p.log"))) {
      Rest rest = new Rest(cluster);
      double maxHeap = cluster.metric("memory_maxHeap_bytes");
      AtomicLong peak = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> {
            try {
              peak.accumulateAndGet((long) cluster.metric("memory_usedHeap_bytes"), Math::max);
            } catch (Exception e) {
              // a sample lost under load; the next one counts
            }
          },
          0,
          200,
          TimeUnit.MILLISECONDS);
      List<Socket> sseClients = new ArrayList<>();
      ManagedChannel channel =
          Grpc.newChannelBuilder(cluster.masterGrpc(), InsecureChannelCredentials.create())
              .intercept(Clusters.asAdmin(cluster))
              .build();
      try {
        List<String> big = new ArrayList<>();
        for (int i = 0; i < BIG_JOBS; i++) {
          String id =
              rest.submit(
                  "{\"command\":\"head\",\"args\":[\"-c\",\"" + FIFTY_MB + "\",\"/dev/zero\"]}");
          big.add(id);
          for (int w = 0; w < WATCHERS_PER_KIND; w++) {
            sseClients.add(stalledSse(cluster, id));
            stalledWatch(channel, id);
          }
        }
        ExecutorService submitters = Executors.newFixedThreadPool(8);
        List<Future<String>> small = new ArrayList<>();
        for (int i = 0; i < SMALL_JOBS; i++) {
          small.add(
              submitters.submit(
                  () ->
                      rest.submit(
                          "{\"command\":\"head\",\"args\":[\"-c\",\"1048576\",\"/dev/zero\"]}")));
        }
        List<String> all = new ArrayList<>(big);
        for (Future<String> f : small) {
          all.add(f.get(2, TimeUnit.MINUTES));
        }
        submitters.shutdown();

        for (String id : all) {
          JsonObject job = rest.awaitEnd(id, Duration.ofMinutes(8));
          assertThat(job.getString("status")).as(id).isEqualTo("SUCCEEDED");
        }
        JsonObject one = rest.get("/api/v1/jobs/" + big.get(0)).json();
        assertThat(one.getJsonNumber("stdoutBytes").longValue()).isEqualTo(FIFTY_MB);
        assertThat(one.getBoolean("outputTruncated")).isTrue();
      } finally {
        sampler.shutdownNow();
        channel.shutdownNow();
        for (Socket s : sseClients) {
          s.close();
        }
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> new Rest(cluster.masterManagementUrl()).get("/health/ready").status() == 200);
      long kept = heapAfterCollections(gcLogs.resolve("gc-" + cluster.pid("master") + ".log"));
      System.out.printf(
          "MemoryBoundsIT: master heap kept at most %d MiB (after full GC), sampled at most %.0f MiB"
              + " (with garbage), of %.0f MiB%n",
          kept / 1048576, peak.get() / 1048576.0, maxHeap / 1048576.0);
      assertThat(cluster.pid("master"))
          .as("the master still runs (no OutOfMemoryError)")
          .isPositive();
      assertThat((double) kept).isLessThan(0.75 * maxHeap);
    }
  }

  /**
   * The most heap the master kept: the largest heap left after a full collection, from a -Xlog:gc
   * log ("Pause Full ... 468M->170M(494M)"). A young collection leaves the old generation's garbage
   * in place, so only full ones tell what is held; without any, the heap never filled, and the
   * largest heap after any collection bounds what was held.
   */
  private static long heapAfterCollections(java.nio.file.Path log) throws Exception {
    String gc = java.nio.file.Files.readString(log);
    java.util.regex.Pattern after =
        java.util.regex.Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    long full = 0;
    long any = 0;
    for (String line : gc.split("\n")) {
      java.util.regex.Matcher m = after.matcher(line);
      if (m.find()) {
        long bytes = Long.parseLong(m.group(2)) * 1048576;
        any = Math.max(any, bytes);
        if (line.contains("Pause Full")) {
          full = Math.max(full, bytes);
        }
      }
    }
    assertThat(any).as("collections in " + log).isPositive();
    return gc.contains("Pause Full") ? full : any;
  }

  /** An SSE client that sends its request and never reads a byte of the answer. */
  private static Socket stalledSse(LocalCluster cluster, String jobId) throws Exception {
    java.net.URI url = java.net.URI.create(cluster.masterUrl());
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setReceiveBufferSize(4096);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /api/v1/jobs/"
                + jobId
                + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: "
                + cluster.adminAuthorization()
                + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** A gRPC WatchJob call that takes one event and then asks for no more. */
  private static void stalledWatch(ManagedChannel channel, String jobId) {
    MasterServiceGrpc.newStub(channel)
        .watchJob(
            WatchJobRequest.newBuilder().setJobId(jobId).build(),
            new ClientResponseObserver<WatchJobRequest, JobEvent>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<WatchJobRequest> call) {
                call.disableAutoRequestWithInitial(1);
              }

              @Override
              public void onNext(JobEvent event) {}

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
  }
}
