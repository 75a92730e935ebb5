package io.distexec.master.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * What differs between the databases the store runs on: PostgreSQL (and H2 in its PostgreSQL mode),
 * and SQLite, the embedded store. The SQL is otherwise the same.
 */
enum Dialect {
  /**
   * PostgreSQL, and H2 with {@code MODE=PostgreSQL}: row locks, {@code TIMESTAMP WITH TIME ZONE}.
   */
  POSTGRESQL {
    @Override
    String lockRows() {
      return " FOR UPDATE";
    }

    @Override
    Object timeValue(Instant at) {
      return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    @Override
    Instant time(ResultSet rs, int column) throws SQLException {
      OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
      return t == null ? null : t.toInstant();
    }

    @Override
    String now() {
      return "clock_timestamp()";
    }

    @Override
    String migrations() {
      return "db/migration/";
    }
  },

  /**
   * SQLite: no row locks (one writer at a time, {@link #oneWriter()}); times are integers, the
   * microseconds since the epoch, as {@code TIMESTAMP(6)} keeps them.
   */
  SQLITE {
    @Override
    String lockRows() {
      return "";
    }

    @Override
    Object timeValue(Instant at) {
      return at == null ? null : ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    @Override
    Instant time(ResultSet rs, int column) throws SQLException {
      long micros = rs.getLong(column);
      return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    @Override
    String now() {
      return "CAST(unixepoch('subsec') * 1000000 AS INTEGER)";
    }

    @Override
    String migrations() {
      return "db/sqlite/";
    }

    @Override
    boolean oneWriter() {
      return true;
    }
  };

  /** Appended to a query whose rows the transaction will change. */
  abstract String lockRows();

  /** A time as this database's driver takes it in {@code setObject}; {@code null} for none. */
  abstract Object timeValue(Instant at);

  final void setTime(PreparedStatement s, int index, Instant at) throws SQLException {
    s.setObject(index, timeValue(at));
  }

  abstract Instant time(ResultSet rs, int column) throws SQLException;

  final Instant time(ResultSet rs, String column) throws SQLException {
    return time(rs, rs.findColumn(column));
  }

  /**
   * The database's clock now, as an SQL expression of a time (PostgreSQL: the time now, not the
   * transaction's start).
   */
  abstract String now();

  /** The folder of this database's schema scripts, on the class path. */
  abstract String migrations();

  /**
   * Whether writes must take turns in the master: SQLite has one writer, and a second would get
   * {@code SQLITE_BUSY} (its own wait polls in sleeps of up to 100 ms), so the store's writes queue
   * on a lock in Java instead, while reads run beside them on the WAL's snapshots.
   */
  boolean oneWriter() {
    return false;
  }

  static Dialect of(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:sqlite:") ? SQLITE : POSTGRESQL;
  }
}
