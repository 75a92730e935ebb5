package io.distexec.master.store;

import io.distexec.master.leadership.Lease;
import io.distexec.master.leadership.LeaseRules;
import io.distexec.master.leadership.LeaseStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The lease in the shared database. Expiry is judged by the database's clock, read in the same
 * transaction, so masters whose clocks disagree still agree on who leads.
 */
public final class JdbcLeaseStore implements LeaseStore {

  private final Database db;
  private final boolean postgres;

  /**
   * @param postgres PostgreSQL: the clock is read with {@code clock_timestamp()} (the time now, not
   *     the transaction's start), and a claim waits at most {@link #LOCK_WAIT} for the lease row
   */
  JdbcLeaseStore(Database db, boolean postgres) {
    this.db = db;
    this.postgres = postgres;
  }

  /**
   * The longest a claim waits for the lease's lock: a master must never hang on a row that a paused
   * master locked (PostgreSQL ends such sessions, see {@code Stores}); it tries again at its next
   * turn.
   */
  static final String LOCK_WAIT = "1s";

  private String now() {
    return postgres || db.dialect() == Dialect.SQLITE ? db.dialect().now() : "CURRENT_TIMESTAMP";
  }

  @Override
  public Lease claim(String name, String incarnation, String clusterAddress, Duration duration) {
    return db.write(
        c -> {
          Lease read = read(c);
          return switch (LeaseRules.decide(read, name, incarnation)) {
            case WAIT -> read;
            case RENEW -> {
              Lease renewed = read.renewed(clusterAddress, duration);
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE leader_lease SET expires_at = ?, cluster_address = ? WHERE id = 1")) {
                s.setObject(1, time(renewed.expiresAt()));
                s.setString(2, clusterAddress);
                s.executeUpdate();
              }
              yield renewed;
            }
            case TAKE -> {
              Lease taken = read.takenBy(name, incarnation, clusterAddress, duration);
              long term = taken.term();
              try (PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE leader_lease SET holder = ?, incarnation = ?, term = ?,"
                          + " cluster_address = ?, since = ?, expires_at = ? WHERE id = 1")) {
                s.setString(1, name);
                s.setString(2, incarnation);
                s.setLong(3, term);
                s.setString(4, clusterAddress);
                s.setObject(5, time(taken.since()));
                s.setObject(6, time(taken.expiresAt()));
                s.executeUpdate();
              }
              // Waits for every write under way with an older term (they hold the fence shared),
              // and refuses all later ones.
              try (PreparedStatement s =
                  c.prepareStatement("UPDATE leader_fence SET term = ? WHERE id = 1")) {
                s.setLong(1, term);
                s.executeUpdate();
              }
              yield taken;
            }
          };
        });
  }

  /** In this transaction, a lock is waited for at most {@link #LOCK_WAIT} (PostgreSQL). */
  private void waitForLocksAtMostLockWait(Connection c) throws SQLException {
    if (postgres) {
      try (PreparedStatement s =
          c.prepareStatement("SET LOCAL lock_timeout = '" + LOCK_WAIT + "'")) {
        s.execute();
      }
    }
  }

  /** The lease, locked, with the database's time once the lock is held. */
  private Lease read(Connection c) throws SQLException {
    waitForLocksAtMostLockWait(c);
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT holder, incarnation, term, cluster_address, since, expires_at, "
                + now()
                + " FROM leader_lease WHERE id = 1"
                + db.dialect().lockRows())) {
      ResultSet rs = s.executeQuery();
      if (!rs.next()) {
        throw new SQLException("the leader_lease row is missing (schema V7)");
      }
      return new Lease(
          rs.getString(1),
          rs.getString(2),
          rs.getLong(3),
          rs.getString(4),
          instant(rs, 5),
          instant(rs, 6),
          instant(rs, 7));
    }
  }

  @Override
  public void release(String name, String incarnation) {
    db.write(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE leader_lease SET expires_at = "
                      + now()
                      + " WHERE id = 1 AND holder = ? AND incarnation = ?")) {
            s.setString(1, name);
            s.setString(2, incarnation);
            s.executeUpdate();
          }
          return null;
        });
  }

  /** The fence's term: the store refuses the writes of every older term. */
  public long fence() {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement("SELECT term FROM leader_fence WHERE id = 1")) {
            ResultSet rs = s.executeQuery();
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /**
   * Raises the fence to {@code term}, never lowers it: for a lease kept elsewhere (Kubernetes).
   * Waits for the writes of older terms under way, and makes every later one fail.
   */
  public void raiseFence(long term) {
    db.write(
        c -> {
          waitForLocksAtMostLockWait(c);
          try (PreparedStatement s =
              c.prepareStatement("UPDATE leader_fence SET term = ? WHERE id = 1 AND term < ?")) {
            s.setLong(1, term);
            s.setLong(2, term);
            s.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void checkIn(Member me) {
    db.write(
        c -> {
          int updated;
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE masters SET api_address = ?, cluster_address = ?, started_at = ?,"
                      + " seen_at = ? WHERE name = ?")) {
            s.setString(1, me.apiAddress());
            s.setString(2, me.clusterAddress());
            s.setObject(3, time(me.startedAt()));
            s.setObject(4, time(me.seenAt()));
            s.setString(5, me.name());
            updated = s.executeUpdate();
          }
          if (updated == 0) {
            try (PreparedStatement s =
                c.prepareStatement(
                    "INSERT INTO masters (name, api_address, cluster_address, started_at, seen_at)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
              s.setString(1, me.name());
              s.setString(2, me.apiAddress());
              s.setString(3, me.clusterAddress());
              s.setObject(4, time(me.startedAt()));
              s.setObject(5, time(me.seenAt()));
              s.executeUpdate();
            }
          }
          return null;
        });
  }

  @Override
  public List<Member> members(Instant since) {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT name, api_address, cluster_address, started_at, seen_at FROM masters"
                      + " WHERE seen_at >= ? ORDER BY name")) {
            s.setObject(1, time(since));
            ResultSet rs = s.executeQuery();
            List<Member> members = new ArrayList<>();
            while (rs.next()) {
              members.add(
                  new Member(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      instant(rs, 4),
                      instant(rs, 5)));
            }
            return members;
          }
        });
  }

  private Object time(Instant instant) {
    return db.dialect().timeValue(instant);
  }

  private Instant instant(ResultSet rs, int column) throws SQLException {
    return db.dialect().time(rs, column);
  }
}
