package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Worker;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "workers", description = "Lists the registered workers.")
final class WorkersCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      List<Worker> workers = client.workers();
      PrintWriter out = spec.commandLine().getOut();
      if (parent.output == Distctl.Format.json) {
        out.println("[" + String.join(",\n", workers.stream().map(Worker::json).toList()) + "]");
        return 0;
      }
      String format = "%-16s  %-8s  %5s  %-18s  %-22s  %s%n";
      out.printf(format, "ID", "STATE", "TASKS", "EXECUTORS", "ADDRESS", "LAST SEEN");
      Instant now = Instant.now();
      for (Worker w : workers) {
        out.printf(
            format,
            w.id(),
            w.draining() ? "DRAINING" : "READY",
            w.activeTasks() + "/" + w.maxConcurrentTasks(),
            String.join(",", w.executors()),
            w.address(),
            Table.age(Duration.between(w.lastHeartbeatAt(), now)) + " ago");
      }
      return 0;
    }
  }
}
