package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "cancel",
    description = "Cancels a job: a queued one at once, a running one by killing its processes.")
final class CancelCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (shown in the job's error).")
  String reason;

  @Parameters(paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      Job job = client.cancel(id, reason);
      spec.commandLine()
          .getOut()
          .println(
              parent.output == Distctl.Format.json
                  ? job.toJson()
                  : job.status().isTerminal()
                      ? "job " + id + " " + job.status()
                      : "job " + id + " is being cancelled");
      return 0;
    }
  }
}
