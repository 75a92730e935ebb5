package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Worker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "drain",
    description = "Drains a worker: no new work; it finishes what runs, then deregisters.")
final class DrainCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "WORKER")
  String worker;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      Worker drained = client.drain(worker);
      spec.commandLine()
          .getOut()
          .println(
              parent.output == Distctl.Format.json
                  ? drained.json()
                  : "worker "
                      + worker
                      + " is draining ("
                      + drained.activeTasks()
                      + " task(s) to finish)");
      return 0;
    }
  }
}
