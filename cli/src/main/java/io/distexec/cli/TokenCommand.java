package io.distexec.cli;

import io.distexec.client.ApiToken;
import io.distexec.client.DistexecClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "token",
    description = "Makes, lists and revokes API tokens (needs the admin role).",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand {

  @ParentCommand Distctl parent;

  @Command(
      name = "create",
      description =
          "Makes a token and prints its secret, which the master shows this once: keep it.")
  static final class Create implements Callable<Integer> {
    @ParentCommand TokenCommand token;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Who the token stands for, e.g. ci or alice.")
    String name;

    @Option(
        names = {"-r", "--role"},
        required = true,
        paramLabel = "ROLE",
        split = ",",
        description = "viewer, submitter, operator or admin; repeat or separate with commas.")
    List<String> roles;

    @Override
    public Integer call() {
      try (DistexecClient client = token.parent.client()) {
        ApiToken.Created created = client.createToken(name, roles);
        // The secret alone on stdout, so that T=$(distctl token create ...) works.
        spec.commandLine().getOut().println(created.secret());
        spec.commandLine()
            .getErr()
            .println(
                "distctl: made token '"
                    + name
                    + "' ("
                    + String.join(", ", created.token().roles())
                    + "); the master keeps only its hash, so this is the one time it is shown");
        spec.commandLine().getErr().flush();
        return 0;
      }
    }
  }

  @Command(name = "list", description = "Lists the tokens, revoked ones too; never a secret.")
  static final class ListTokens implements Callable<Integer> {
    @ParentCommand TokenCommand token;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (DistexecClient client = token.parent.client()) {
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-20s  %-28s  %-20s  %-12s  %s%n";
        out.printf(format, "NAME", "ROLES", "CREATED", "BY", "STATE");
        for (ApiToken t : client.tokens()) {
          out.printf(
              format,
              t.name(),
              String.join(",", t.roles()),
              t.createdAt().toString().substring(0, 19) + "Z",
              t.createdBy().length() > 12 ? "(file)" : t.createdBy(),
              t.revokedAt().map(at -> "revoked " + at).orElse("good")
                  + (t.source().equals("api") ? "" : " (defined in " + t.source() + ")"));
        }
        return 0;
      }
    }
  }

  @Command(name = "revoke", description = "Revokes a token: calls with it fail from now on.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand TokenCommand token;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      try (DistexecClient client = token.parent.client()) {
        client.revokeToken(name);
        spec.commandLine().getOut().println("revoked token '" + name + "'");
        return 0;
      }
    }
  }
}
