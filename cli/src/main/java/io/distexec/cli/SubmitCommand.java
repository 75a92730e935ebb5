package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "submit",
    description = {
      "Submits a command and prints the job id at once.",
      "Example: id=$(distctl submit -- make test); distctl logs -f $id"
    })
final class SubmitCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Mixin JobOptions job;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      Job submitted = client.submit(job.toRequest());
      spec.commandLine()
          .getOut()
          .println(parent.output == Distctl.Format.json ? submitted.toJson() : submitted.id());
      return 0;
    }
  }
}
