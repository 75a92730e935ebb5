package io.distexec.master.store;

import io.distexec.master.access.AuditChain;
import io.distexec.master.access.AuditEntry;
import io.distexec.master.access.AuditLog;
import io.distexec.master.access.AuditRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail in the job store's database (tables {@code audit_log} and {@code audit_head},
 * V5). An append locks the head row, so that entries are chained one after another even when
 * several masters share the database; appends that arrive while one commits are chained and
 * committed together ({@link GroupCommit}).
 */
public final class JdbcAuditLog implements AuditLog {

  private final Database db;

  JdbcAuditLog(Database db) {
    this.db = db;
  }

  /** An entry to append, and when it happened. */
  private record Appended(AuditRecord record, Instant at) {}

  /** Entries appended while one commits are chained and stored together (group commit). */
  private final GroupCommit<Appended, AuditEntry> appends =
      new GroupCommit<>(this::appendAll, JdbcJobStore.MAX_GROUP);

  @Override
  public AuditEntry append(AuditRecord record, Instant at) {
    return appends.commit(new Appended(record, at)).orThrow(RuntimeException.class);
  }

  /** Chains the entries after the head, in their order, in one transaction: all or none. */
  private List<GroupCommit.Outcome<AuditEntry>> appendAll(List<Appended> appended) {
    return db.write(
        c -> {
          long seq;
          String hash;
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT seq, hash FROM audit_head WHERE id = 1" + db.dialect().lockRows())) {
            ResultSet rs = s.executeQuery();
            rs.next();
            seq = rs.getLong(1);
            hash = rs.getString(2);
          }
          List<GroupCommit.Outcome<AuditEntry>> entries = new ArrayList<>(appended.size());
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO audit_log (seq, at, actor, action, target, address, outcome,"
                      + " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Appended a : appended) {
              AuditRecord record = a.record();
              AuditEntry entry = AuditChain.next(seq, hash, a.at(), record);
              s.setLong(1, entry.seq());
              db.dialect().setTime(s, 2, entry.at());
              s.setString(3, record.actor());
              s.setString(4, record.action());
              s.setString(5, record.target());
              s.setString(6, record.address());
              s.setString(7, record.outcome());
              s.setString(8, entry.prevHash());
              s.setString(9, entry.hash());
              s.executeUpdate();
              seq = entry.seq();
              hash = entry.hash();
              entries.add(GroupCommit.Outcome.of(entry));
            }
          }
          try (PreparedStatement s =
              c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
            s.setLong(1, seq);
            s.setString(2, hash);
            s.executeUpdate();
          }
          return entries;
        });
  }

  @Override
  public List<AuditEntry> list(long afterSeq, int limit) {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT seq, at, actor, action, target, address, outcome, prev_hash, hash"
                      + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?")) {
            s.setLong(1, afterSeq);
            s.setInt(2, limit);
            ResultSet rs = s.executeQuery();
            List<AuditEntry> entries = new ArrayList<>();
            while (rs.next()) {
              entries.add(
                  new AuditEntry(
                      rs.getLong("seq"),
                      db.dialect().time(rs, "at"),
                      new AuditRecord(
                          rs.getString("actor"),
                          rs.getString("action"),
                          rs.getString("target"),
                          rs.getString("address"),
                          rs.getString("outcome")),
                      rs.getString("prev_hash"),
                      rs.getString("hash")));
            }
            return entries;
          }
        });
  }
}
