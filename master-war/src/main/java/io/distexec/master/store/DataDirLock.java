package io.distexec.master.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;

/**
 * The embedded store is one master's: two masters writing one SQLite file would both recover and
 * dispatch the same jobs. The first holds an OS lock on {@code DATA_DIR/distexec.lock} while its
 * store is open (released by the OS if it dies); another is refused at start (H2 did the same with
 * its own file lock).
 */
final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws StoreException when another master (or another store in this one) holds it
   */
  static DataDirLock take(Path dataDir) {
    Path file = dataDir.toAbsolutePath().resolve("distexec.lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new OverlappingFileLockException();
      }
      return new DataDirLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new StoreException(
          new SQLException(
              "another master uses the embedded store in "
                  + dataDir
                  + " (DATA_DIR); give each master its own, or share PostgreSQL (STORE_URL)"));
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException(new SQLException("cannot lock " + file + ": " + e, e));
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the refusal is what the caller needs to hear
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
