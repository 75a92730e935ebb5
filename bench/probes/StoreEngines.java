import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Issue 16's store lever, measured outside the master: the embedded store's disk per job for a
 * burst of queued jobs and for jobs run to their end, H2 as the master opens it (its URL, the
 * schema from the migrations, the master's compaction pass every 250 ms) against SQLite in WAL mode
 * (synchronous=NORMAL: each commit is written to the WAL before it returns, as H2's WRITE_DELAY=0
 * writes its chunk; neither fsyncs, both survive kill -9 of the process) with the same tables and
 * the same rows. Each job is written as JdbcJobStore and JdbcAuditLog write it: its row and its
 * first transition in one commit shared by a group of submits, its audit entry (hash-chained, the
 * head updated) in the next.
 *
 * <pre>
 * ./mvnw -q dependency:get -Dartifact=org.xerial:sqlite-jdbc:3.50.3.0
 * H2=$(ls ~/.m2/repository/com/h2database/h2/2.4.240/h2-2.4.240.jar)
 * SQLITE=$(ls ~/.m2/repository/org/xerial/sqlite-jdbc/3.50.3.0/sqlite-jdbc-3.50.3.0.jar)
 * java -cp $H2:$SQLITE bench/probes/StoreEngines.java h2|sqlite QUEUED RUN [GROUP]
 * # the figures in the README: h2 1000000 100000, then sqlite 1000000 100000 (about 7 and 3 min)
 * </pre>
 *
 * Not part of the build: a measurement kept so that its figures can be reproduced.
 */
public class StoreEngines {

  static final String SPEC =
      "{\"v\":1,\"type\":\"command\",\"command\":\"echo\",\"args\":[\"hello\"],\"env\":{},"
          + "\"stdin\":\"\",\"timeoutSeconds\":0,\"attributes\":{},\"shell\":false}";

  public static void main(String[] args) throws Exception {
    String engine = args[0];
    int queued = Integer.parseInt(args[1]);
    int run = Integer.parseInt(args[2]);
    int group = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    Path dir = Files.createTempDirectory("store-engines");
    Engine e = engine.equals("h2") ? new H2(dir) : new Sqlite(dir);
    try (Connection c = e.connect()) {
      c.setAutoCommit(false);
      e.schema(c);
      c.commit();
      AtomicLong peak = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> peak.accumulateAndGet(size(dir), Math::max), 0, 200, TimeUnit.MILLISECONDS);
      e.start();
      Writer w = new Writer(c, e);
      long t0 = System.nanoTime();
      int oneByOne = queued - queued / 10;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < oneByOne; i += group) {
        ids.addAll(w.submit(Math.min(group, oneByOne - i)));
      }
      for (int i = oneByOne; i < queued; i += 1000) {
        ids.addAll(w.submit(Math.min(1000, queued - i)));
      }
      double queueSeconds = (System.nanoTime() - t0) / 1e9;
      long afterQueue = size(dir);
      long peakQueue = Math.max(peak.get(), afterQueue);
      Thread.sleep(3000); // the compaction's passes and H2's retention settle
      long settledQueue = size(dir);
      System.out.printf(
          Locale.ROOT,
          "%s queued %d: %.0f jobs/s; on disk %.1f MiB at the end (%.0f B/job), peak %.1f MiB,"
              + " settled %.1f MiB (%.0f B/job)%n",
          engine,
          queued,
          queued / queueSeconds,
          afterQueue / 1048576.0,
          (double) afterQueue / queued,
          peakQueue / 1048576.0,
          settledQueue / 1048576.0,
          (double) settledQueue / queued);
      if (run > 0) {
        t0 = System.nanoTime();
        for (int i = 0; i < run; i += group) {
          w.lifecycle(Math.min(group, run - i));
        }
        double runSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(3000);
        long settled = size(dir);
        System.out.printf(
            Locale.ROOT,
            "%s ran %d more to their end: %.0f jobs/s (4 commits for the job, 1 for its audit"
                + " entry, each shared by %d jobs); settled %.1f MiB for %d jobs (%.0f B/job)%n",
            engine,
            run,
            run / runSeconds,
            group,
            settled / 1048576.0,
            queued + run,
            (double) settled / (queued + run));
      }
      sampler.shutdownNow();
      e.stop();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static long size(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    } catch (Exception e) {
      return 0;
    }
  }

  /** The rows of a submit, its audit entry, and a job's three changes of state. */
  static final class Writer {
    final Connection c;
    final Engine e;
    long auditSeq;
    String auditHash = "0".repeat(64);
    final MessageDigest sha;

    Writer(Connection c, Engine e) throws Exception {
      this.c = c;
      this.e = e;
      this.sha = MessageDigest.getInstance("SHA-256");
    }

    List<String> submit(int n) throws SQLException {
      List<String> ids = new ArrayList<>(n);
      Timestamp now = new Timestamp(System.currentTimeMillis());
      try (PreparedStatement job =
              c.prepareStatement(
                  "INSERT INTO jobs (id, status, spec_json, max_attempts, retry_exit_codes,"
                      + " worker_id, attempt, created_at, output_truncated, error, stdout_bytes,"
                      + " stderr_bytes, processes_killed, owner, command_line)"
                      + " VALUES (?, 'QUEUED', ?, 1, '', NULL, 1, ?, FALSE, '', 0, 0, 0, 'admin',"
                      + " 'echo hello')");
          PreparedStatement t = transition()) {
        for (int i = 0; i < n; i++) {
          String id = UUID.randomUUID().toString();
          ids.add(id);
          job.setString(1, id);
          job.setString(2, SPEC);
          e.time(job, 3, now);
          job.executeUpdate();
          addTransition(t, id, 1, "QUEUED", null, now);
        }
      }
      c.commit();
      audit(ids, now);
      return ids;
    }

    void audit(List<String> ids, Timestamp now) throws SQLException {
      try (PreparedStatement a =
              c.prepareStatement(
                  "INSERT INTO audit_log (seq, at, actor, action, target, address, outcome,"
                      + " prev_hash, hash) VALUES (?, ?, 'admin', 'job.submit', ?, '127.0.0.1',"
                      + " 'ok', ?, ?)");
          PreparedStatement head =
              c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
        for (String id : ids) {
          String prev = auditHash;
          auditSeq++;
          auditHash =
              HexFormat.of()
                  .formatHex(sha.digest((prev + auditSeq + id).getBytes(StandardCharsets.UTF_8)));
          a.setLong(1, auditSeq);
          e.time(a, 2, now);
          a.setString(3, id);
          a.setString(4, prev);
          a.setString(5, auditHash);
          a.executeUpdate();
        }
        head.setLong(1, auditSeq);
        head.setString(2, auditHash);
        head.executeUpdate();
      }
      c.commit();
    }

    PreparedStatement transition() throws SQLException {
      return c.prepareStatement(
          "INSERT INTO job_transitions (job_id, n, changed_at, status, worker_id, attempt,"
              + " error, exit_code) VALUES (?, ?, ?, ?, ?, 1, '', NULL)");
    }

    void addTransition(PreparedStatement t, String id, int n, String status, String worker,
        Timestamp at) throws SQLException {
      t.setString(1, id);
      t.setInt(2, n);
      e.time(t, 3, at);
      t.setString(4, status);
      t.setString(5, worker);
      t.executeUpdate();
    }

    /** A group of jobs submitted, dispatched, started and ended, a commit for each step. */
    void lifecycle(int n) throws SQLException {
      List<String> ids = submit(n);
      step(ids, 2, "DISPATCHED", "UPDATE jobs SET status = 'DISPATCHED', worker_id = 'worker-1'"
          + " WHERE id = ?");
      step(ids, 3, "RUNNING", "UPDATE jobs SET status = 'RUNNING', started_at = ? WHERE id = ?");
      step(ids, 4, "SUCCEEDED", "UPDATE jobs SET status = 'SUCCEEDED', finished_at = ?,"
          + " exit_code = 0, stdout = ?, stdout_bytes = 6, cpu_time_millis = 1,"
          + " peak_rss_bytes = 1048576, wall_time_millis = 2 WHERE id = ?");
    }

    void step(List<String> ids, int n, String status, String sql) throws SQLException {
      Timestamp now = new Timestamp(System.currentTimeMillis());
      try (PreparedStatement s = c.prepareStatement(sql); PreparedStatement t = transition()) {
        for (String id : ids) {
          int p = 1;
          if (!status.equals("DISPATCHED")) {
            e.time(s, p++, now);
          }
          if (status.equals("SUCCEEDED")) {
            s.setBytes(p++, "hello\n".getBytes(StandardCharsets.UTF_8));
          }
          s.setString(p, id);
          s.executeUpdate();
          addTransition(t, id, n, status, "worker-1", now);
        }
      }
      c.commit();
    }
  }

  interface Engine {
    Connection connect() throws SQLException;

    void schema(Connection c) throws Exception;

    void time(PreparedStatement s, int i, Timestamp t) throws SQLException;

    default void start() {}

    default void stop() {}
  }

  /** H2 as the master opens it: its URL, its migrations, its compaction pass. */
  static final class H2 implements Engine {
    final Path dir;
    ScheduledExecutorService compaction;

    H2(Path dir) {
      this.dir = dir;
    }

    String url() {
      return "jdbc:h2:file:" + dir.resolve("distexec")
          + ";MODE=PostgreSQL;WRITE_DELAY=0;RETENTION_TIME=1000;CACHE_SIZE=8192";
    }

    @Override
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url());
    }

    @Override
    public void schema(Connection c) throws Exception {
      Path migrations = Path.of("master-war/src/main/resources/db/migration");
      try (Stream<Path> files = Files.list(migrations)) {
        for (Path f :
            files.sorted((a, b) -> version(a) - version(b)).toList()) {
          for (String sql : Files.readString(f).replaceAll("(?m)--.*$", "").split(";")) {
            String body = sql.strip();
            if (!body.isEmpty()) {
              try (Statement s = c.createStatement()) {
                s.execute(body);
              }
            }
          }
        }
      }
    }

    static int version(Path f) {
      String n = f.getFileName().toString();
      return Integer.parseInt(n.substring(1, n.indexOf("__")));
    }

    @Override
    public void time(PreparedStatement s, int i, Timestamp t) throws SQLException {
      s.setObject(i, t.toInstant().atOffset(java.time.ZoneOffset.UTC));
    }

    @Override
    public void start() {
      compaction = Executors.newSingleThreadScheduledExecutor();
      compaction.scheduleWithFixedDelay(
          () -> {
            try (Connection c = connect()) {
              org.h2.engine.SessionLocal session =
                  (org.h2.engine.SessionLocal)
                      c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
              session.getDatabase().getStore().getMvStore().compact(80, 1 << 20);
            } catch (Exception e) {
              e.printStackTrace();
            }
          },
          250,
          250,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
      compaction.shutdownNow();
    }
  }

  /** SQLite in WAL mode, the same tables in its types, the same indexes. */
  static final class Sqlite implements Engine {
    final Path dir;

    Sqlite(Path dir) {
      this.dir = dir;
    }

    @Override
    public Connection connect() throws SQLException {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("distexec.db"));
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA journal_size_limit=67108864");
      }
      return c;
    }

    @Override
    public void schema(Connection c) throws SQLException {
      String[] ddl = {
        "CREATE TABLE jobs (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,"
            + " spec_json TEXT NOT NULL, max_attempts INT NOT NULL, retry_exit_codes TEXT NOT NULL,"
            + " worker_id TEXT, attempt INT NOT NULL, created_at INTEGER NOT NULL,"
            + " started_at INTEGER, finished_at INTEGER, exit_code INT, stdout BLOB, stderr BLOB,"
            + " output_truncated BOOLEAN NOT NULL, error TEXT NOT NULL, stdout_bytes INTEGER NOT"
            + " NULL, stderr_bytes INTEGER NOT NULL, cpu_time_millis INTEGER, peak_rss_bytes"
            + " INTEGER, processes_killed INT NOT NULL, wall_time_millis INTEGER, idempotency_key"
            + " TEXT UNIQUE, fingerprint TEXT, owner TEXT, command_line TEXT)",
        "CREATE INDEX jobs_by_status ON jobs (status, seq)",
        "CREATE INDEX jobs_by_finished_at ON jobs (finished_at)",
        "CREATE INDEX jobs_by_owner ON jobs (owner, seq)",
        "CREATE TABLE job_transitions (job_id TEXT NOT NULL, n INT NOT NULL, changed_at INTEGER"
            + " NOT NULL, status TEXT NOT NULL, worker_id TEXT, attempt INT NOT NULL, error TEXT"
            + " NOT NULL, exit_code INT, PRIMARY KEY (job_id, n)) WITHOUT ROWID",
        "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT"
            + " NULL, action TEXT NOT NULL, target TEXT NOT NULL, address TEXT NOT NULL, outcome"
            + " TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
        "CREATE TABLE audit_head (id INT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL)",
        "INSERT INTO audit_head VALUES (1, 0, '" + "0".repeat(64) + "')"
      };
      try (Statement s = c.createStatement()) {
        for (String sql : ddl) {
          s.execute(sql);
        }
      }
    }

    @Override
    public void time(PreparedStatement s, int i, Timestamp t) throws SQLException {
      s.setLong(i, t.getTime() * 1000); // microseconds, as TIMESTAMP(6) keeps them
    }
  }
}
