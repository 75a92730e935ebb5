package io.distexec.executor.command;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The fresh folder of a task that names no workdir: made before it starts, removed after. */
final class TaskDirs {

  private static final Logger LOG = Logger.getLogger(TaskDirs.class.getName());

  private TaskDirs() {}

  /** A folder only the task's user can enter. */
  static Path create(Path root, String taskId, TaskUser user) throws IOException {
    Files.createDirectories(root);
    String prefix = "distexec-task-" + taskId.replaceAll("[^A-Za-z0-9._-]", "_") + "-";
    Path dir =
        Files.createTempDirectory(
            root,
            prefix,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (user != null) {
      Files.setAttribute(dir, "unix:uid", user.uid());
      Files.setAttribute(dir, "unix:gid", user.gid());
    }
    return dir;
  }

  /** Removes the folder and what the task left in it; a failure is logged, never thrown. */
  static void delete(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not remove the task folder " + dir, e);
    }
  }
}
