package io.distexec.cli;

import io.distexec.client.AuditEntry;
import io.distexec.client.DistexecClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "audit",
    description =
        "Shows the audit trail: who submitted, cancelled, drained, made or revoked tokens, from"
            + " where, when, and how it went (needs the admin role).",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Option(names = "--after", paramLabel = "SEQ", description = "Only entries after this one.")
  long after;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "At most N entries, 1-1000 (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    try (DistexecClient client = parent.client()) {
      List<AuditEntry> entries = client.audit(after, limit);
      PrintWriter out = spec.commandLine().getOut();
      String format = "%6s  %-20s  %-12s  %-13s  %-36s  %-15s  %s%n";
      out.printf(format, "SEQ", "AT", "ACTOR", "ACTION", "TARGET", "FROM", "OUTCOME");
      for (AuditEntry e : entries) {
        out.printf(
            format,
            e.sequence(),
            e.at().toString().substring(0, 19) + "Z",
            e.actor(),
            e.action(),
            e.target(),
            e.address(),
            e.outcome());
      }
      return 0;
    }
  }

  @Command(
      name = "verify",
      description =
          "Checks the trail's hash chain: exit 0 when every entry matches, 1 naming the first"
              + " that does not.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand AuditCommand audit;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (DistexecClient client = audit.parent.client()) {
        AuditEntry.Verification v = client.verifyAudit();
        if (v.valid()) {
          spec.commandLine()
              .getOut()
              .println(
                  "audit trail intact: " + v.entries() + " entries, head at " + v.headSequence());
          return 0;
        }
        spec.commandLine().getErr().println("audit trail BROKEN: " + v.problem());
        return Distctl.EXIT_FAILED;
      }
    }
  }
}
