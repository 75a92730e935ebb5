package io.distexec.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests: a fresh cluster in a temporary folder on a free loopback
 * port, started once per test JVM and stopped when it exits. Uses the server binaries of Debian's
 * {@code postgresql} package (.ci/run installs it), or those in {@code PG_BIN}. As root, the server
 * runs as the {@code postgres} user, because PostgreSQL refuses to run as root.
 */
public final class PostgresServer {

  private static PostgresServer instance;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path bin;
  private final Path dataDir;
  private final int port;
  private final String runAs;

  private PostgresServer(Path bin, Path dataDir, int port, String runAs) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.port = port;
    this.runAs = runAs;
  }

  /** The server, started on first use. */
  public static synchronized PostgresServer get() {
    if (instance == null) {
      try {
        instance = start();
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(
            "could not start PostgreSQL for the tests: " + e.getMessage(), e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "postgres-stop"));
    }
    return instance;
  }

  /** A new, empty database; returns its JDBC URL (user {@code distexec}, no password). */
  public String newDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), "distexec", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  public String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static PostgresServer start() throws IOException, InterruptedException {
    Path bin = findBin();
    Path dir = Files.createTempDirectory("distexec-pg");
    Path data = dir.resolve("data");
    String runAs = "root".equals(System.getProperty("user.name")) ? "postgres" : null;
    if (runAs != null) {
      run(List.of("chown", "-R", runAs, dir.toString()), null);
    }
    int port = FreePorts.take(1).get(0);
    PostgresServer server = new PostgresServer(bin, data, port, runAs);
    run(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "distexec",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync"),
        runAs);
    // fsync off: the tests kill masters, not machines, so the OS page cache is durable enough.
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-w",
            "-t",
            "60",
            "-l",
            dir.resolve("server.log").toString(),
            "-o",
            "-p "
                + port
                + " -k "
                + dir
                + " -c listen_addresses=127.0.0.1"
                + " -c fsync=off -c max_connections=200",
            "start"),
        runAs);
    return server;
  }

  private void stop() {
    try {
      run(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dataDir.toString(),
              "-m",
              "immediate",
              "stop"),
          runAs);
      try (var files = Files.walk(dataDir.getParent())) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException | InterruptedException | IllegalStateException e) {
      System.err.println(
          "could not stop the test PostgreSQL in " + dataDir + ": " + e.getMessage());
    }
  }

  private static Path findBin() {
    String configured = System.getenv("PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path debian = Path.of("/usr/lib/postgresql");
    String[] versions = debian.toFile().list();
    if (versions != null) {
      return Arrays.stream(versions)
          .filter(v -> v.matches("\\d+"))
          .max(Comparator.comparingInt(Integer::parseInt))
          .map(v -> debian.resolve(v).resolve("bin"))
          .filter(p -> Files.isExecutable(p.resolve("pg_ctl")))
          .orElseThrow(PostgresServer::missing);
    }
    throw missing();
  }

  private static IllegalStateException missing() {
    return new IllegalStateException(
        "PostgreSQL server binaries not found: install Debian's postgresql package"
            + " (.ci/run does) or set PG_BIN to the folder holding initdb and pg_ctl");
  }

  private static void run(List<String> command, String runAs)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("runuser", "-u", runAs, "--"));
    }
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", full) + " failed:\n" + new String(output));
    }
  }
}
