package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.DistexecClient.JobPage;
import io.distexec.client.DistexecClient.ListOptions;
import io.distexec.client.Job;
import io.distexec.client.JobStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "list", description = "Lists jobs, newest first.")
final class ListCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Option(
      names = {"-s", "--status"},
      paramLabel = "STATUS",
      description = "Only jobs in this state: ${COMPLETION-CANDIDATES}.")
  JobStatus status;

  @Option(names = "--worker", paramLabel = "WORKER", description = "Only jobs of this worker.")
  String worker;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      defaultValue = "20",
      description = "At most N jobs (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--cursor",
      paramLabel = "CURSOR",
      description = "Continue after a previous page.")
  String cursor;

  @Override
  public Integer call() {
    if (limit < 1 || limit > DistexecClient.MAX_LIST_LIMIT) {
      throw new IllegalArgumentException(
          "--limit must be from 1 to " + DistexecClient.MAX_LIST_LIMIT);
    }
    try (DistexecClient client = parent.client()) {
      JobPage page =
          client.list(
              new ListOptions(
                  Optional.ofNullable(status),
                  Optional.ofNullable(worker),
                  Optional.empty(),
                  limit,
                  Optional.ofNullable(cursor)));
      PrintWriter out = spec.commandLine().getOut();
      if (parent.output == Distctl.Format.json) {
        out.println("[" + String.join(",\n", page.jobs().stream().map(Job::toJson).toList()) + "]");
        return 0;
      }
      String format = "%-36s  %-10s  %4s  %-10s  %6s  %s%n";
      out.printf(format, "ID", "STATUS", "EXIT", "WORKER", "AGE", "COMMAND");
      Instant now = Instant.now();
      for (Job job : page.jobs()) {
        out.printf(
            format,
            job.id(),
            job.status(),
            job.exitCode().isPresent() ? job.exitCode().getAsInt() : "-",
            job.worker().orElse("-"),
            Table.age(Duration.between(job.createdAt(), now)),
            Table.commandLine(job));
      }
      page.nextCursor()
          .ifPresent(c -> spec.commandLine().getErr().println("more: distctl list --cursor " + c));
      return 0;
    }
  }
}
