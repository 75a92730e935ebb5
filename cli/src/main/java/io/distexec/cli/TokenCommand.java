package io.distexec.cli;

import io.distexec.client.ApiToken;
import io.distexec.client.DistexecClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

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

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        converter = Lifetime.class,
        description =
            "How long it stays good: e.g. 12h, 30d, 1y; 'never' for a token that does not expire."
                + " Default: 90d.")
    Duration lifetime;

    @Override
    public Integer call() {
      try (DistexecClient client = token.parent.client()) {
        ApiToken.Created created = client.createToken(name, roles, lifetime);
        // The secret alone on stdout, so that T=$(distctl token create ...) works.
        spec.commandLine().getOut().println(created.secret());
        spec.commandLine()
            .getErr()
            .println(
                "distctl: made token '"
                    + name
                    + "' ("
                    + String.join(", ", created.token().roles())
                    + created
                        .token()
                        .expiresAt()
                        .map(at -> ", expires " + at)
                        .orElse(", never expires")
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
        Instant now = Instant.now();
        for (ApiToken t : client.tokens()) {
          out.printf(
              format,
              t.name(),
              String.join(",", t.roles()),
              seconds(t.createdAt()),
              t.createdBy().length() > 12 ? "(file)" : t.createdBy(),
              state(t, now) + (t.source().equals("api") ? "" : " (defined in " + t.source() + ")"));
        }
        return 0;
      }
    }
  }

  static String state(ApiToken t, Instant now) {
    if (t.revokedAt().isPresent()) {
      return "revoked " + seconds(t.revokedAt().get());
    }
    return t.expiresAt()
        .map(at -> (at.isAfter(now) ? "good until " : "expired ") + seconds(at))
        .orElse("good");
  }

  private static String seconds(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A token's lifetime on the command line: a number and s, m, h, d or y; or "never". */
  static final class Lifetime implements ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smhdy])");

    @Override
    public Duration convert(String value) {
      if (value.equals("never")) {
        return Duration.ZERO;
      }
      Matcher m = FORM.matcher(value);
      if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
        throw new TypeConversionException(
            "'" + value + "' is not a lifetime: say e.g. 12h, 30d or 1y, or never");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(365 * n);
      };
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
