package io.distexec.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * buildah and podman as this machine runs them without a daemon (see the README's Kubernetes
 * section): vfs storage, runc with cgroupfs, no default ulimits.
 */
final class Podman {

  record Result(int exit, String out) {
    Result orFail(String what) {
      if (exit != 0) {
        throw new IllegalStateException(what + " failed (exit " + exit + "):\n" + out);
      }
      return this;
    }
  }

  private final Path containersConf;

  Podman(Path work) throws IOException {
    containersConf = work.resolve("containers.conf");
    Files.writeString(containersConf, "[containers]\ndefault_ulimits = []\n");
  }

  Result buildah(int minutes, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("buildah", "--storage-driver", "vfs"));
    command.addAll(List.of(args));
    return run(command, minutes);
  }

  Result podman(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "--storage-driver",
                "vfs",
                "--runtime",
                "runc",
                "--cgroup-manager",
                "cgroupfs"));
    command.addAll(List.of(args));
    return run(command, 5);
  }

  Result run(List<String> command, int minutes) throws IOException, InterruptedException {
    Path out = Files.createTempFile("podman", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Clusters.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    builder.environment().put("CONTAINERS_CONF", containersConf.toString());
    Process process = builder.start();
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " did not end in " + minutes + " min");
    }
    Result result = new Result(process.exitValue(), Files.readString(out));
    Files.delete(out);
    return result;
  }
}
