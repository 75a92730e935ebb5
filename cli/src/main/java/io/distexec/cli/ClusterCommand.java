package io.distexec.cli;

import io.distexec.client.Cluster;
import io.distexec.client.DistexecClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "cluster",
    description = "Lists the masters: which one leads (its term, since when), which stand by.")
final class ClusterCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      Cluster cluster = client.cluster();
      PrintWriter out = spec.commandLine().getOut();
      if (parent.output == Distctl.Format.json) {
        out.println(cluster.json());
        return 0;
      }
      Instant now = Instant.now();
      out.println(
          cluster
              .leader()
              .map(
                  l ->
                      "leader: "
                          + l
                          + ", term "
                          + cluster.term()
                          + cluster
                              .leaderSince()
                              .map(s -> ", for " + Table.age(Duration.between(s, now)))
                              .orElse(""))
              .orElse("leader: none at this moment (a takeover is under way)"));
      String format = "%-20s  %-8s  %-22s  %-22s  %s%n";
      out.printf(format, "MASTER", "ROLE", "API", "WORKERS' ADDRESS", "LAST SEEN");
      for (Cluster.Master m : cluster.masters()) {
        out.printf(
            format,
            m.name() + (m.name().equals(cluster.self()) ? " *" : ""),
            m.role(),
            m.apiAddress(),
            m.clusterAddress(),
            Table.age(Duration.between(m.lastSeenAt(), now)) + " ago");
      }
      out.println("(* answered this call)");
      return 0;
    }
  }
}
