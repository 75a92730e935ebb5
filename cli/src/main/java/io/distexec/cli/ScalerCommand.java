package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Scaler;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "scaler",
    description =
        "Shows the worker autoscaler: the pool it scales, its last decision and why, the"
            + " Kubernetes API server's last refusal, and its recent decisions.")
final class ScalerCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      Scaler scaler = client.scaler();
      PrintWriter out = spec.commandLine().getOut();
      if (parent.output == Distctl.Format.json) {
        out.println(scaler.json());
        return 0;
      }
      if (!scaler.enabled()) {
        out.println("autoscaler: off (set SCALER=kubernetes on the masters)");
        return 0;
      }
      Instant now = Instant.now();
      out.println(
          "autoscaler: "
              + scaler.pool()
              + "; turns on "
              + scaler.leader().map(l -> "the leader, " + l).orElse("the leader"));
      out.println(
          "replicas: "
              + scaler.replicas().map(String::valueOf).orElse("not read yet")
              + (scaler.starting() > 0 ? " (" + scaler.starting() + " starting)" : ""));
      scaler
          .last()
          .ifPresent(
              d ->
                  out.println(
                      "last turn"
                          + d.at()
                              .map(at -> " " + Table.age(Duration.between(at, now)) + " ago")
                              .orElse("")
                          + ": "
                          + d.kind()
                          + ": "
                          + d.reason()));
      scaler.problem().ifPresent(p -> out.println("problem: " + p));
      if (!scaler.recent().isEmpty()) {
        String format = "%-6s  %-9s  %s%n";
        out.printf(format, "AGE", "DECISION", "REASON");
        for (Scaler.Decision d : scaler.recent()) {
          out.printf(
              format,
              d.at().map(at -> Table.age(Duration.between(at, now))).orElse("-"),
              d.kind(),
              d.reason());
        }
      }
      return scaler.problem().isPresent() ? 1 : 0;
    }
  }
}
