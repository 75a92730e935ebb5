package io.distexec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distexec.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker's images, built as a user builds them but on a stand-in for Open Liberty's image
 * (scripts/container-base.sh: no registry is reachable here), started as containers (podman, host
 * network): a master and two workers with mutual TLS between them (the workers with a shared pool
 * certificate, as on Kubernetes) run a job.
 */
class ContainerImagesIT {

  private static final String MASTER = "localhost/distexec-master:it";
  private static final String WORKER = "localhost/distexec-worker:it";

  @TempDir static Path work;

  private static Podman podman;
  private static final List<String> containers = new ArrayList<>();

  @BeforeAll
  static void build() throws Exception {
    podman = new Podman(work);
    podman
        .run(List.of("bash", Clusters.ROOT.resolve("scripts/container-base.sh").toString()), 15)
        .orFail("scripts/container-base.sh");
    for (String[] image :
        List.of(new String[] {"master", MASTER}, new String[] {"worker", WORKER})) {
      long start = System.nanoTime();
      podman
          .buildah(
              15,
              "bud",
              "--isolation",
              "chroot",
              "--build-arg",
              "BASE=localhost/distexec-liberty-base:latest",
              "-f",
              "deploy/docker/Dockerfile." + image[0],
              "-t",
              image[1],
              ".")
          .orFail("building the " + image[0] + " image");
      System.out.printf(
          "ContainerImagesIT: %s image built in %.0f s%n",
          image[0], (System.nanoTime() - start) / 1e9);
    }
  }

  @AfterAll
  static void clean() throws Exception {
    if (podman == null) {
      return;
    }
    for (String c : containers) {
      podman.podman("rm", "-f", "-t", "5", c);
    }
    // vfs keeps a whole copy per layer: do not leave gigabytes behind.
    podman.podman("rmi", "-f", MASTER, WORKER);
  }

  private static String run(String name, String image, Map<String, String> env, Path tls)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("run", "-d", "--name", name, "--network", "host", "-v", tls + ":/tls:ro"));
    env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
    args.add(image);
    podman.podman(args.toArray(String[]::new)).orFail("starting " + name);
    containers.add(name);
    return name;
  }

  @Test
  void aMasterAndTwoWorkersInContainersRunAJob() throws Exception {
    // The cluster's certificates and the admin token, readable by the images' user (1001).
    Path tls = work.resolve("tls");
    new Podman(work)
        .run(
            List.of(
                "bash",
                Clusters.ROOT.resolve("scripts/cluster-certs.sh").toString(),
                tls.toString(),
                "master:master",
                // The workers share a pool certificate, as a Kubernetes Deployment's pods do.
                "worker-pool:distexec-worker"),
            2)
        .orFail("cluster-certs.sh");
    String token = "dxt_" + "c".repeat(43);
    Files.writeString(tls.resolve("admin.token"), token + "\n");
    podman.run(List.of("chown", "-R", "1001:0", tls.toString()), 1).orFail("chown");

    // API, management, gRPC API, cluster; then each worker's HTTP and gRPC ports.
    List<Integer> ports = FreePorts.take(8);
    String suffix = Long.toString(System.nanoTime() % 100000);
    int api = ports.get(0);
    int management = ports.get(1);
    int cluster = ports.get(3);
    long start = System.nanoTime();
    run(
        "distexec-master-" + suffix,
        MASTER,
        Map.of(
            "HTTP_PORT",
            Integer.toString(api),
            "MANAGEMENT_PORT",
            Integer.toString(management),
            "MASTER_ADDRESS",
            "0.0.0.0:" + ports.get(2),
            "CLUSTER_ADDRESS",
            "0.0.0.0:" + cluster,
            "ADMIN_TOKEN_FILE",
            "/tls/admin.token",
            "CLUSTER_TLS_DIR",
            "/tls/master"),
        tls);
    for (int i = 1; i <= 2; i++) {
      run(
          "distexec-worker-" + i + "-" + suffix,
          WORKER,
          Map.of(
              "HTTP_PORT",
              Integer.toString(ports.get(2 + 2 * i)),
              "WORKER_ID",
              "distexec-worker-" + i,
              "WORKER_ADDRESS",
              "127.0.0.1:" + ports.get(3 + 2 * i),
              "MASTER_ADDRESS",
              "127.0.0.1:" + cluster,
              "CLUSTER_TLS_DIR",
              "/tls/distexec-worker",
              "MAX_CONCURRENT_TASKS",
              "3"),
          tls);
    }
    Rest probes = new Rest("http://127.0.0.1:" + management);
    Rest admin = new Rest("http://127.0.0.1:" + api, "Bearer " + token);
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                probes.get("/health/ready").status() == 200
                    && admin.get("/api/v1/workers").body().contains("distexec-worker-2")
                    && admin.get("/api/v1/workers").body().contains("distexec-worker-1"));
    System.out.printf(
        "ContainerImagesIT: master and 2 workers ready %.1f s after their start%n",
        (System.nanoTime() - start) / 1e9);

    String id =
        admin.submit("{\"command\":\"echo\",\"args\":[\"hello\",\"from\",\"a\",\"container\"]}");
    var job = admin.awaitEnd(id, Duration.ofSeconds(60));
    assertThat(job.getString("status")).isEqualTo("SUCCEEDED");
    assertThat(admin.get("/api/v1/jobs/" + id + "/output?stream=stdout").body())
        .isEqualTo("hello from a container\n");

    // The entry point gave the worker's pool threads for its slots: 4 x 3 + 8.
    String environ =
        podman
            .podman("exec", "distexec-worker-1-" + suffix, "cat", "/proc/1/environ")
            .orFail("reading a worker's environment")
            .out();
    assertThat(environ.split("\0")).contains("EXECUTOR_THREADS=20");
    // Non-root, group 0, as Open Liberty's images run.
    assertThat(podman.podman("exec", "distexec-master-" + suffix, "id", "-u").out().strip())
        .isEqualTo("1001");

    // The Kubernetes preStop hook (Liberty's stop) drains a worker, which leaves the master's list
    // by deregistering, and its container ends.
    podman
        .podman(
            "exec",
            "distexec-worker-2-" + suffix,
            "/opt/ol/wlp/bin/server",
            "stop",
            "defaultServer")
        .orFail("the preStop command");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !admin.get("/api/v1/workers").body().contains("distexec-worker-2"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                podman
                    .podman(
                        "inspect", "--format", "{{.State.Running}}", "distexec-worker-2-" + suffix)
                    .out()
                    .strip()
                    .equals("false"));

    for (String image : List.of(MASTER, WORKER)) {
      String size = podman.podman("image", "inspect", "--format", "{{.Size}}", image).out().strip();
      System.out.printf("ContainerImagesIT: %s is %.0f MB%n", image, Long.parseLong(size) / 1e6);
    }
  }
}
