package io.distexec.master.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What the masters sharing a PostgreSQL store tell each other, through LISTEN/NOTIFY on {@link
 * JdbcJobStore#CHANNEL}: new jobs and changes of state (sent by the store in the writing
 * transaction, so only what committed is announced) and cancels for the leader. A connection of its
 * own listens; a lost one is opened again, and {@code onReconnect} runs then, because what was
 * announced meanwhile is lost.
 */
public final class JobAnnouncements implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(JobAnnouncements.class.getName());
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final StoreSettings settings;
  private final String origin;
  private volatile boolean running = true;
  private volatile Connection listening;
  private volatile boolean subscribed;

  public JobAnnouncements(StoreSettings settings, String origin) {
    this.settings = settings;
    this.origin = origin;
  }

  /**
   * Whether {@link #listen} has subscribed to the channels (announcements from now on reach it).
   */
  public boolean subscribed() {
    return subscribed;
  }

  /**
   * Listens until {@link #close()}, handing each announcement of another master to {@code handler};
   * run it on a thread of its own.
   */
  public void listen(Consumer<Announcement> handler, Runnable onReconnect) {
    boolean first = true;
    while (running) {
      try (Connection c = connect(settings)) {
        listening = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + JdbcJobStore.CHANNEL);
          s.execute("LISTEN " + OutputRelay.CHANNEL);
        }
        subscribed = true;
        if (!first) {
          LOG.info("listening for announcements again");
          onReconnect.run();
        }
        first = false;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notes = pg.getNotifications((int) POLL.toMillis());
          if (notes == null) {
            continue;
          }
          for (PGNotification note : notes) {
            Announcement a = Announcement.parse(note.getParameter()).orElse(null);
            if (a == null) {
              LOG.fine(() -> "an announcement this master does not read: " + note.getParameter());
            } else if (!a.origin().equals(origin)) {
              try {
                handler.accept(a);
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not act on announcement " + note.getParameter(), e);
              }
            }
          }
        }
      } catch (SQLException e) {
        if (!running) {
          return;
        }
        LOG.warning(
            () ->
                "lost the store's announcements ("
                    + e.getMessage()
                    + "); listening again in "
                    + RETRY.toSeconds()
                    + " s");
        first = false;
        try {
          Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Asks the leader to cancel a job on its worker (this master does not lead). */
  public void cancel(String jobId, String reason) {
    tell(new Announcement.Cancel(origin, jobId, reason));
  }

  /** Asks the leader to drain a worker (this master does not lead). */
  public void drain(String workerId) {
    tell(new Announcement.Drain(origin, workerId));
  }

  private void tell(Announcement announcement) {
    try (Connection c = connect(settings);
        PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, JdbcJobStore.CHANNEL);
      s.setString(2, announcement.payload());
      s.executeQuery().close();
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  static Connection connect(StoreSettings settings) throws SQLException {
    Properties login = new Properties();
    if (settings.user() != null && !settings.user().isBlank()) {
      login.setProperty("user", settings.user());
    }
    if (settings.password() != null && !settings.password().isBlank()) {
      login.setProperty("password", settings.password());
    }
    // The driver itself, not DriverManager, which looks drivers up by the caller's class loader.
    Connection c = new org.postgresql.Driver().connect(settings.jdbcUrl(), login);
    if (c == null) {
      throw new SQLException("not a PostgreSQL URL: " + Stores.redact(settings.jdbcUrl()));
    }
    c.setAutoCommit(true);
    return c;
  }

  @Override
  public void close() {
    running = false;
    Connection c = listening;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        LOG.log(Level.FINE, "closing the listening connection", e);
      }
    }
  }
}
