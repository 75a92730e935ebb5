package io.distexec.master.store;

import io.distexec.master.leadership.WorkerBoard;
import io.distexec.master.registry.WorkerNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The worker board in the shared database: one row per worker, replaced in one transaction. */
public final class JdbcWorkerBoard implements WorkerBoard {

  private final Database db;

  JdbcWorkerBoard(Database db) {
    this.db = db;
  }

  @Override
  public void publish(List<Entry> workers) {
    db.write(
        c -> {
          try (PreparedStatement s = c.prepareStatement("DELETE FROM worker_board")) {
            s.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO worker_board (id, address, http_url, max_tasks, executors, labels,"
                      + " registered_at, last_heartbeat_at, active_tasks, in_flight, draining,"
                      + " drain_requested, unreachable)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Entry e : workers) {
              WorkerNode w = e.node();
              s.setString(1, w.id());
              s.setString(2, w.address());
              s.setString(3, w.httpUrl());
              s.setInt(4, w.maxConcurrentTasks());
              s.setString(
                  5,
                  w.executors().stream()
                      .sorted()
                      .map(JdbcWorkerBoard::enc)
                      .collect(Collectors.joining(",")));
              s.setString(
                  6,
                  w.labels().entrySet().stream()
                      .map(l -> enc(l.getKey()) + "=" + enc(l.getValue()))
                      .collect(Collectors.joining("&")));
              db.dialect().setTime(s, 7, w.registeredAt());
              db.dialect().setTime(s, 8, w.lastHeartbeatAt());
              s.setInt(9, w.reportedActiveTasks());
              s.setInt(10, e.inFlight());
              s.setBoolean(11, w.draining());
              s.setBoolean(12, w.drainRequested());
              s.setBoolean(13, w.unreachable());
              s.addBatch();
            }
            if (!workers.isEmpty()) {
              s.executeBatch();
            }
          }
          return null;
        });
  }

  @Override
  public List<Entry> read() {
    return db.read(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT id, address, http_url, max_tasks, executors, labels, registered_at,"
                      + " last_heartbeat_at, active_tasks, in_flight, draining, drain_requested,"
                      + " unreachable FROM worker_board ORDER BY id")) {
            ResultSet rs = s.executeQuery();
            List<Entry> entries = new ArrayList<>();
            while (rs.next()) {
              String executors = rs.getString(5);
              Map<String, String> labels = new LinkedHashMap<>();
              for (String pair : rs.getString(6).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                  labels.put(dec(pair.substring(0, eq)), dec(pair.substring(eq + 1)));
                }
              }
              entries.add(
                  new Entry(
                      new WorkerNode(
                          rs.getString(1),
                          rs.getString(2),
                          rs.getString(3),
                          rs.getInt(4),
                          executors.isEmpty()
                              ? Set.of()
                              : Arrays.stream(executors.split(","))
                                  .map(JdbcWorkerBoard::dec)
                                  .collect(Collectors.toSet()),
                          labels,
                          db.dialect().time(rs, 7),
                          db.dialect().time(rs, 8),
                          rs.getInt(9),
                          rs.getBoolean(11),
                          rs.getBoolean(12),
                          rs.getBoolean(13),
                          false), // the autoscaler's hold is the leader's alone
                      rs.getInt(10)));
            }
            return entries;
          }
        });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
