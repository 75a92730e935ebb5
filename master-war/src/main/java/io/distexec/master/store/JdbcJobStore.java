package io.distexec.master.store;

import io.distexec.master.jobs.FencedException;
import io.distexec.master.jobs.IdempotencyConflictException;
import io.distexec.master.jobs.IdempotencyKey;
import io.distexec.master.jobs.InvalidCursorException;
import io.distexec.master.jobs.Job;
import io.distexec.master.jobs.JobOutcome;
import io.distexec.master.jobs.JobQuery;
import io.distexec.master.jobs.JobSpec;
import io.distexec.master.jobs.JobStatus;
import io.distexec.master.jobs.JobStore;
import io.distexec.master.jobs.Page;
import io.distexec.master.jobs.RetryPolicy;
import io.distexec.master.jobs.Transition;
import io.distexec.master.jobs.UnfinishedJob;
import io.distexec.master.jobs.UnreadableJobException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Jobs in a SQL database: PostgreSQL, or SQLite (or H2) embedded in the master for one machine.
 * Every method is one transaction; {@link #update} locks the job's row ({@code SELECT ... FOR
 * UPDATE}; on SQLite, whose writes take turns, the turn is the lock), so changes to one job are
 * serialized across threads and across masters sharing the database, and a change of state and its
 * history row commit together. Submits and changes that arrive while another commits share the next
 * transaction ({@link GroupCommit}); each caller is answered after its own commit.
 */
public final class JdbcJobStore implements JobStore {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final int MAX_ERROR = 8000;
  private static final String TERMINAL =
      Arrays.stream(JobStatus.values())
          .filter(JobStatus::isTerminal)
          .map(s -> "'" + s.name() + "'")
          .collect(Collectors.joining(", ", "(", ")"));
  private static final String COLUMNS_BUT_OUTPUT =
      "id, seq, status, spec_json, max_attempts, retry_exit_codes, worker_id, attempt,"
          + " created_at, started_at, finished_at, exit_code, output_truncated, error, stdout_bytes,"
          + " stderr_bytes, cpu_time_millis, peak_rss_bytes, processes_killed, wall_time_millis,"
          + " owner";
  private static final String COLUMNS = COLUMNS_BUT_OUTPUT + ", stdout, stderr";

  /**
   * Spec bytes one page of a listing may hold: a page ends early (with a cursor) past it, so a
   * listing of large jobs cannot fill the heap. Listings carry no output (it is at /output).
   */
  static final long MAX_PAGE_SPEC_CHARS = 8L * 1024 * 1024;

  /** The channel on which a shared (PostgreSQL) store announces new jobs and changes of state. */
  public static final String CHANNEL = "distexec_jobs";

  private final Database db;
  private final Clock clock;
  private final AutoCloseable onClose;
  private final Sharing sharing;
  private final LongSupplier term;

  /**
   * How a store several masters share differs: its writes announce themselves, and a leader's
   * writes are fenced by term.
   *
   * @param origin this master's name, in its announcements (it skips its own)
   */
  public record Sharing(boolean shared, String origin) {
    public static final Sharing ALONE = new Sharing(false, "");
  }

  /**
   * @param db the database, its connections with auto-commit off
   * @param onClose releases the data source (closes the pool)
   */
  JdbcJobStore(
      Database db, Clock clock, AutoCloseable onClose, Sharing sharing, LongSupplier term) {
    this.db = db;
    this.clock = clock;
    this.onClose = onClose;
    this.sharing = sharing;
    this.term = term;
  }

  /**
   * The same store, for the leader's writes: in a shared store each change of a job is refused with
   * {@link FencedException} once a newer term than {@code term}'s exists.
   */
  @Override
  public JobStore fencedBy(LongSupplier term) {
    return new JdbcJobStore(db, clock, onClose, sharing, term);
  }

  /** Refuses the transaction's writes when a newer leadership term exists (shared stores only). */
  private void checkFence(Connection c) throws SQLException {
    if (term == null || !sharing.shared()) {
      return;
    }
    long mine = term.getAsLong();
    try (PreparedStatement s =
        c.prepareStatement("SELECT term FROM leader_fence WHERE id = 1 FOR SHARE")) {
      ResultSet rs = s.executeQuery();
      rs.next();
      long current = rs.getLong(1);
      if (current != mine) {
        throw new FencedException(mine, current);
      }
    }
  }

  /**
   * Tells the other masters, when this transaction commits, of a new job (the leader queues it) or
   * a change of state (standbys update their watchers).
   */
  private void announce(Connection c, Announcement announcement) throws SQLException {
    if (!sharing.shared()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, CHANNEL);
      s.setString(2, announcement.payload());
      s.executeQuery().close();
    }
  }

  /**
   * Submits (and changes of state) that arrive while one commits are stored together, up to this
   * many at once; the system property {@code distexec.store.maxGroup} (1: no sharing) is for
   * measuring what sharing brings.
   */
  static final int MAX_GROUP = Math.max(1, Integer.getInteger("distexec.store.maxGroup", 100));

  private final GroupCommit<NewJob, Job> inserts = new GroupCommit<>(this::insertGroup, MAX_GROUP);

  @Override
  public Job insert(Job job, IdempotencyKey key) throws IdempotencyConflictException {
    return inserts.commit(new NewJob(job, key)).orThrow(IdempotencyConflictException.class);
  }

  /**
   * Submits that arrived together, in one transaction; if it fails (a key used for another request,
   * a store error), each alone, so that each gets its own answer.
   */
  private List<GroupCommit.Outcome<Job>> insertGroup(List<NewJob> jobs) {
    return GroupCommit.togetherOrEachAlone(
        jobs,
        () -> insertAll(jobs).stream().map(GroupCommit.Outcome::of).toList(),
        job -> () -> GroupCommit.Outcome.of(insertAll(List.of(job)).get(0)));
  }

  @Override
  public List<Job> insertAll(List<NewJob> jobs) throws IdempotencyConflictException {
    try {
      return db.write(c -> insertEach(c, jobs));
    } catch (StoreException e) {
      if (UNIQUE_VIOLATION.equals(e.sqlState()) && jobs.stream().anyMatch(j -> j.key() != null)) {
        // Another submit with one of the keys committed between our look-up and our insert: the
        // second try finds it.
        return db.write(c -> insertEach(c, jobs));
      }
      throw e;
    }
  }

  private List<Job> insertEach(Connection c, List<NewJob> jobs)
      throws SQLException, IdempotencyConflictException {
    List<Job> stored = new ArrayList<>(jobs.size());
    Instant now = clock.instant();
    for (NewJob j : jobs) {
      Optional<Job> earlier = j.key() == null ? Optional.empty() : byKey(c, j.key());
      if (earlier.isPresent()) {
        stored.add(earlier.get());
        continue;
      }
      insertRow(c, j.job(), j.key());
      addTransition(c, j.job().id(), 1, Transition.of(j.job(), now));
      announce(c, new Announcement.Queued(sharing.origin(), j.job().id(), j.job().spec().type()));
      stored.add(j.job());
    }
    return stored;
  }

  private Optional<Job> byKey(Connection c, IdempotencyKey key)
      throws SQLException, IdempotencyConflictException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT " + COLUMNS + ", fingerprint FROM jobs WHERE idempotency_key = ?")) {
      s.setString(1, key.key());
      ResultSet rs = s.executeQuery();
      if (!rs.next()) {
        return Optional.empty();
      }
      Job earlier = read(rs);
      if (!key.fingerprint().equals(rs.getString("fingerprint"))) {
        throw new IdempotencyConflictException(key.key(), earlier.id());
      }
      return Optional.of(earlier);
    }
  }

  private void insertRow(Connection c, Job job, IdempotencyKey key) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO jobs (id, status, spec_json, max_attempts,"
                + " retry_exit_codes, worker_id, attempt, created_at, started_at, finished_at, exit_code, stdout, stderr,"
                + " output_truncated, error, stdout_bytes, stderr_bytes, cpu_time_millis, peak_rss_bytes, processes_killed,"
                + " wall_time_millis, idempotency_key, fingerprint, owner, command_line)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, job.id());
      s.setString(2, job.status().name());
      s.setString(3, SpecFormat.write(job.spec()));
      s.setInt(4, job.retry().maxAttempts());
      s.setString(
          5,
          new TreeSet<>(job.retry().retryOnExitCodes())
              .stream().map(String::valueOf).collect(Collectors.joining(",")));
      s.setString(6, job.workerId());
      s.setInt(7, job.attempt());
      s.setObject(8, time(job.createdAt()));
      s.setObject(9, time(job.startedAt()));
      s.setObject(10, time(job.finishedAt()));
      setOutcome(s, 11, job.outcome());
      s.setString(22, key == null ? null : key.key());
      s.setString(23, key == null ? null : key.fingerprint());
      s.setString(24, job.owner());
      s.setString(25, JobQuery.commandLine(job.spec()));
      s.executeUpdate();
    }
  }

  /** Sets the eleven outcome columns from {@code first} on. */
  private static void setOutcome(PreparedStatement s, int first, JobOutcome o) throws SQLException {
    setInt(s, first, o.exitCode());
    s.setBytes(first + 1, o.stdout());
    s.setBytes(first + 2, o.stderr());
    s.setBoolean(first + 3, o.truncated());
    s.setString(first + 4, clip(o.error()));
    s.setLong(first + 5, o.stdoutBytes());
    s.setLong(first + 6, o.stderrBytes());
    setLong(s, first + 7, o.cpuTimeMillis());
    setLong(s, first + 8, o.peakRssBytes());
    s.setInt(first + 9, o.processesKilled());
    setLong(s, first + 10, o.wallTimeMillis());
  }

  @Override
  public Optional<Job> find(String id) {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
            s.setString(1, id);
            ResultSet rs = s.executeQuery();
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
          }
        });
  }

  /** A change of one job, as {@link #update} takes it. */
  private record Change(String id, UnaryOperator<Job> change) {}

  /**
   * Changes of state (a dispatch, a start, an outcome, a cancel) share commits as submits do: the
   * three that follow a job's submit would otherwise cost a commit each.
   */
  private final GroupCommit<Change, Optional<Job>> updates =
      new GroupCommit<>(this::updateGroup, MAX_GROUP);

  @Override
  public Optional<Job> update(String id, UnaryOperator<Job> change) {
    return updates.commit(new Change(id, change)).orThrow(RuntimeException.class);
  }

  /**
   * Changes that arrived together, in one transaction and in their order (two changes of one job
   * apply one after the other). A change its function refuses fails alone and writes nothing; if
   * the transaction fails (a store error, a newer leader's fence), each change is tried alone, so
   * that each gets its own answer.
   */
  private List<GroupCommit.Outcome<Optional<Job>>> updateGroup(List<Change> changes) {
    return GroupCommit.togetherOrEachAlone(
        changes, () -> updateAll(changes), change -> () -> updateAll(List.of(change)).get(0));
  }

  /** The changes in one fenced transaction, in their order. */
  private List<GroupCommit.Outcome<Optional<Job>>> updateAll(List<Change> changes) {
    return db.write(
        c -> {
          checkFence(c);
          List<GroupCommit.Outcome<Optional<Job>>> outcomes = new ArrayList<>(changes.size());
          for (Change change : changes) {
            outcomes.add(updateRow(c, change));
          }
          return outcomes;
        });
  }

  /**
   * Applies one change inside a transaction: locks the job's row, stores what the change makes of
   * it with its history row; the change's own refusal (an exception it throws) is its outcome.
   */
  private GroupCommit.Outcome<Optional<Job>> updateRow(Connection c, Change change)
      throws SQLException {
    String id = change.id();
    Job current;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM jobs WHERE id = ?" + db.dialect().lockRows())) {
      s.setString(1, id);
      ResultSet rs = s.executeQuery();
      if (!rs.next()) {
        return GroupCommit.Outcome.of(Optional.empty());
      }
      current = read(rs);
    }
    Job next;
    try {
      next = change.change().apply(current);
    } catch (RuntimeException refused) {
      return GroupCommit.Outcome.failed(refused);
    }
    if (next == current) { // the change declined: nothing to store
      return GroupCommit.Outcome.of(Optional.of(current));
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE jobs SET status = ?, worker_id = ?, attempt = ?,"
                + " started_at = ?, finished_at = ?, exit_code = ?, stdout = ?, stderr = ?, output_truncated = ?, error = ?,"
                + " stdout_bytes = ?, stderr_bytes = ?, cpu_time_millis = ?, peak_rss_bytes = ?, processes_killed = ?,"
                + " wall_time_millis = ? WHERE id = ?")) {
      s.setString(1, next.status().name());
      s.setString(2, next.workerId());
      s.setInt(3, next.attempt());
      s.setObject(4, time(next.startedAt()));
      s.setObject(5, time(next.finishedAt()));
      setOutcome(s, 6, next.outcome());
      s.setString(17, id);
      s.executeUpdate();
    }
    if (next.status().isTerminal() && !current.status().isTerminal()) {
      eraseSecrets(c, next);
    }
    if (next.status() != current.status()) {
      addTransition(c, id, nextTransition(c, id), Transition.of(next, clock.instant()));
      announce(c, new Announcement.Changed(sharing.origin(), id));
    }
    return GroupCommit.Outcome.of(Optional.of(next));
  }

  /**
   * Overwrites the stored spec of an ended job with its secret-free form (see {@link
   * Job#finished}): env values and stdin are not kept for the retention period.
   */
  private static void eraseSecrets(Connection c, Job ended) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET spec_json = ? WHERE id = ?")) {
      s.setString(1, SpecFormat.write(ended.spec().withoutSecrets()));
      s.setString(2, ended.id());
      s.executeUpdate();
    }
  }

  /** The number of the job's next history row. */
  private static int nextTransition(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT COALESCE(MAX(n), 0) FROM job_transitions WHERE job_id = ?")) {
      s.setString(1, id);
      ResultSet rs = s.executeQuery();
      rs.next();
      return rs.getInt(1) + 1;
    }
  }

  private void addTransition(Connection c, String jobId, int n, Transition t) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO job_transitions"
                + " (job_id, n, changed_at, status, worker_id, attempt, error, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, jobId);
      s.setInt(2, n);
      s.setObject(3, time(t.at()));
      s.setString(4, t.status().name());
      s.setString(5, t.workerId());
      s.setInt(6, t.attempt());
      s.setString(7, clip(t.error()));
      setInt(s, 8, t.exitCode());
      s.executeUpdate();
    }
  }

  @Override
  public List<Transition> history(String id) {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT changed_at, status, worker_id, attempt, error, exit_code"
                      + " FROM job_transitions WHERE job_id = ? ORDER BY n")) {
            s.setString(1, id);
            ResultSet rs = s.executeQuery();
            List<Transition> history = new ArrayList<>();
            while (rs.next()) {
              history.add(
                  new Transition(
                      instant(rs, "changed_at"),
                      JobStatus.valueOf(rs.getString("status")),
                      rs.getString("worker_id"),
                      rs.getInt("attempt"),
                      rs.getString("error"),
                      optionalInt(rs, "exit_code")));
            }
            return history;
          }
        });
  }

  /** The cursor is the {@code seq} of the last job on the page. */
  @Override
  public Page list(JobQuery query) {
    long before;
    try {
      before = query.cursor() == null ? Long.MAX_VALUE : Long.parseLong(query.cursor());
    } catch (NumberFormatException e) {
      throw new InvalidCursorException(query.cursor());
    }
    StringBuilder sql =
        new StringBuilder("SELECT " + COLUMNS_BUT_OUTPUT + " FROM jobs WHERE seq < ?");
    List<Object> params = new ArrayList<>(List.of(before));
    if (query.status() != null) {
      sql.append(" AND status = ?");
      params.add(query.status().name());
    }
    if (query.workerId() != null) {
      sql.append(" AND worker_id = ?");
      params.add(query.workerId());
    }
    if (query.since() != null) {
      sql.append(" AND created_at >= ?");
      params.add(time(query.since()));
    }
    if (query.until() != null) {
      sql.append(" AND created_at < ?");
      params.add(time(query.until()));
    }
    if (query.text() != null) {
      sql.append(" AND command_line LIKE ? ESCAPE '\\'");
      params.add("%" + query.text().replaceAll("[\\\\%_]", "\\\\$0") + "%");
    }
    if (query.owner() != null) {
      sql.append(" AND owner = ?");
      params.add(query.owner());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    params.add(query.limit() + 1);
    return db.read(
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
              s.setObject(i + 1, params.get(i));
            }
            s.setFetchSize(50); // rows are read as the page fills, not all at once
            ResultSet rs = s.executeQuery();
            List<Job> jobs = new ArrayList<>();
            long last = -1;
            long specChars = 0;
            while (rs.next()) {
              if (jobs.size() == query.limit() || specChars > MAX_PAGE_SPEC_CHARS) {
                return new Page(jobs, Long.toString(last));
              }
              Job job = read(rs, false);
              specChars += rs.getString("spec_json").length();
              jobs.add(job);
              last = rs.getLong("seq");
            }
            return new Page(jobs, null);
          }
        });
  }

  @Override
  public boolean failUnreadable(String id, String reason) {
    return db.write(
        c -> {
          checkFence(c);
          int attempt;
          String worker;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT status, worker_id, attempt FROM jobs WHERE id = ?"
                      + db.dialect().lockRows())) {
            s.setString(1, id);
            ResultSet rs = s.executeQuery();
            if (!rs.next() || JobStatus.valueOf(rs.getString(1)).isTerminal()) {
              return false;
            }
            worker = rs.getString(2);
            attempt = rs.getInt(3);
          }
          Instant now = clock.instant();
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE jobs SET status = ?, error = ?, finished_at = ?, spec_json = ?"
                      + " WHERE id = ?")) {
            s.setString(1, JobStatus.FAILED.name());
            s.setString(2, clip(reason));
            s.setObject(3, time(now));
            // What cannot be read cannot be sifted for secrets: the whole spec goes.
            s.setString(4, SpecFormat.write(JobSpec.command("")));
            s.setString(5, id);
            s.executeUpdate();
          }
          addTransition(
              c,
              id,
              nextTransition(c, id),
              new Transition(now, JobStatus.FAILED, worker, attempt, reason, OptionalInt.empty()));
          announce(c, new Announcement.Changed(sharing.origin(), id));
          return true;
        });
  }

  @Override
  public void forEachUnfinished(Consumer<UnfinishedJob> action) {
    db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, status, worker_id, attempt FROM jobs WHERE status NOT IN "
                      + TERMINAL
                      + " ORDER BY seq")) {
            s.setFetchSize(1000); // PostgreSQL streams with a cursor instead of loading every row
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
              action.accept(
                  new UnfinishedJob(
                      rs.getString(1),
                      JobStatus.valueOf(rs.getString(2)),
                      rs.getString(3),
                      rs.getInt(4)));
            }
          }
          return null;
        });
  }

  @Override
  public List<String> deleteFinishedBefore(Instant cutoff) {
    return db.write(
        c -> {
          List<String> ids = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id FROM jobs WHERE finished_at < ? AND status IN "
                      + TERMINAL
                      + db.dialect().lockRows())) {
            s.setObject(1, time(cutoff));
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          try (PreparedStatement t =
                  c.prepareStatement("DELETE FROM job_transitions WHERE job_id = ?");
              PreparedStatement j = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
            for (String id : ids) {
              t.setString(1, id);
              t.addBatch();
              j.setString(1, id);
              j.addBatch();
            }
            if (!ids.isEmpty()) {
              t.executeBatch();
              j.executeBatch();
            }
          }
          return ids;
        });
  }

  @Override
  public long countUnfinished() {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT COUNT(*) FROM jobs WHERE status NOT IN " + TERMINAL)) {
            ResultSet rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  @Override
  public void check() {
    db.read(
        c -> {
          try (PreparedStatement s = c.prepareStatement("SELECT 1")) {
            s.executeQuery().next();
          }
          return null;
        });
  }

  @Override
  public void close() {
    try {
      onClose.close();
    } catch (Exception e) {
      throw new StoreException(new SQLException("could not close the store: " + e.getMessage(), e));
    }
  }

  private Job read(ResultSet rs) throws SQLException {
    return read(rs, true);
  }

  /** A job from its row; without its output when the query did not select it. */
  private Job read(ResultSet rs, boolean withOutput) throws SQLException {
    JobSpec spec;
    try {
      spec = SpecFormat.read(rs.getString("spec_json"));
    } catch (IllegalArgumentException e) {
      throw new UnreadableJobException(rs.getString("id"), "its spec: " + e.getMessage(), e);
    }
    String codes = rs.getString("retry_exit_codes");
    Set<Integer> retryOn =
        codes.isEmpty()
            ? Set.of()
            : Arrays.stream(codes.split(",")).map(Integer::valueOf).collect(Collectors.toSet());
    JobOutcome outcome =
        new JobOutcome(
            optionalInt(rs, "exit_code"),
            withOutput ? rs.getBytes("stdout") : null,
            withOutput ? rs.getBytes("stderr") : null,
            rs.getBoolean("output_truncated"),
            rs.getString("error"),
            rs.getLong("stdout_bytes"),
            rs.getLong("stderr_bytes"),
            optionalLong(rs, "cpu_time_millis"),
            optionalLong(rs, "peak_rss_bytes"),
            rs.getInt("processes_killed"),
            optionalLong(rs, "wall_time_millis"));
    return new Job(
        rs.getString("id"),
        spec,
        new RetryPolicy(rs.getInt("max_attempts"), retryOn),
        JobStatus.valueOf(rs.getString("status")),
        rs.getString("worker_id"),
        rs.getInt("attempt"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        outcome,
        rs.getString("owner"));
  }

  /** A time as the database's driver takes it. */
  private Object time(Instant instant) {
    return db.dialect().timeValue(instant);
  }

  private Instant instant(ResultSet rs, String column) throws SQLException {
    return db.dialect().time(rs, column);
  }

  private static OptionalInt optionalInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(value);
  }

  private static OptionalLong optionalLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
  }

  private static void setInt(PreparedStatement s, int index, OptionalInt value)
      throws SQLException {
    if (value.isPresent()) {
      s.setInt(index, value.getAsInt());
    } else {
      s.setNull(index, Types.INTEGER);
    }
  }

  private static void setLong(PreparedStatement s, int index, OptionalLong value)
      throws SQLException {
    if (value.isPresent()) {
      s.setLong(index, value.getAsLong());
    } else {
      s.setNull(index, Types.BIGINT);
    }
  }

  private static String clip(String text) {
    return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 1) + "…";
  }
}
