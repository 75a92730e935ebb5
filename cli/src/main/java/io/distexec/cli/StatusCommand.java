package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Job;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "status", description = "Shows a job: state, worker, exit code, times, error.")
final class StatusCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID")
  String id;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      Job job = client.get(id);
      PrintWriter out = spec.commandLine().getOut();
      if (parent.output == Distctl.Format.json) {
        out.println(job.toJson());
        return 0;
      }
      Table.row(out, "ID", job.id());
      Table.row(out, "STATUS", job.status().name());
      job.waiting().ifPresent(reason -> Table.row(out, "WAITING", reason));
      Table.row(out, "COMMAND", Table.commandLine(job));
      Table.row(out, "WORKER", job.worker().orElse("-"));
      Table.row(out, "ATTEMPT", Integer.toString(job.attempt()));
      Table.row(
          out,
          "EXIT CODE",
          job.exitCode().isPresent() ? Integer.toString(job.exitCode().getAsInt()) : "-");
      Table.row(out, "CREATED", job.createdAt().toString());
      Table.row(out, "STARTED", job.startedAt().map(Object::toString).orElse("-"));
      Table.row(out, "FINISHED", job.finishedAt().map(Object::toString).orElse("-"));
      if (!job.error().isEmpty()) {
        Table.row(out, "ERROR", job.error());
      }
      return 0;
    }
  }
}
