package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Job;
import io.distexec.client.JobEvent;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "logs",
    description = "Prints a job's stdout and stderr; with -f, follows them until the job ends.")
final class LogsCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing output as it comes, until the job ends.")
  boolean follow;

  @Parameters(paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (DistexecClient client = parent.client()) {
      if (follow) {
        client.watch(
            id,
            0,
            event -> {
              if (event instanceof JobEvent.Output o) {
                PrintWriter target = o.stderr() ? err : out;
                target.print(o.text());
                target.flush();
              }
            });
        return 0;
      }
      Job job = client.get(id);
      out.print(job.stdout());
      out.flush();
      err.print(job.stderr());
      err.flush();
      return 0;
    }
  }
}
