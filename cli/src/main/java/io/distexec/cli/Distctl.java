package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.DistexecException;
import java.util.function.Function;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** distctl: run and follow commands on a distexec cluster. */
@Command(
    name = "distctl",
    mixinStandardHelpOptions = true,
    version = "distctl 0.1.0",
    description = "Runs commands on a distexec cluster and follows them.",
    subcommands = {
      RunCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      ListCommand.class,
      LogsCommand.class,
      CancelCommand.class,
      WorkersCommand.class,
      DrainCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    footer = {
      "",
      "Exit codes: `run` exits with the command's own code (124 timed out, 130 cancelled, 125 when",
      "distexec could not run it); other commands: 0 done, 1 failed, 2 bad usage or input, 69 master unreachable.",
      "Shell completion: source <(distctl generate-completion)"
    })
public final class Distctl {

  /** Exit codes, documented in the help footer and the README. */
  static final int EXIT_FAILED = 1;

  static final int EXIT_USAGE = 2;
  static final int EXIT_TIMED_OUT = 124;
  static final int EXIT_NOT_RUN = 125;
  static final int EXIT_CANCELLED = 130;
  static final int EXIT_UNAVAILABLE = 69;

  @Option(
      names = "--master",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT",
      defaultValue = "${env:DISTEXEC_MASTER:-127.0.0.1:50051}",
      description = "The master's gRPC endpoint (env DISTEXEC_MASTER; default ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (default ${DEFAULT-VALUE}).")
  Format output;

  enum Format {
    table,
    json
  }

  private final Function<String, DistexecClient> connect;

  Distctl(Function<String, DistexecClient> connect) {
    this.connect = connect;
  }

  DistexecClient client() {
    return connect.apply(DistexecClient.grpcTarget(master));
  }

  /**
   * A command line whose commands connect with {@code connect}; errors become messages and exit
   * codes.
   */
  static CommandLine commandLine(Function<String, DistexecClient> connect) {
    CommandLine cli = new CommandLine(new Distctl(connect));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("distctl: " + e.getMessage());
          commandLine.getErr().flush();
          if (e instanceof DistexecException.MasterUnavailableException) {
            commandLine
                .getErr()
                .println("distctl: set --master or DISTEXEC_MASTER to the master's gRPC host:port");
            return EXIT_UNAVAILABLE;
          }
          if (e instanceof DistexecException.InvalidJobException
              || e instanceof IllegalArgumentException) {
            return EXIT_USAGE;
          }
          if (e instanceof DistexecException) {
            return EXIT_FAILED;
          }
          throw e;
        });
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine(DistexecClient::connect).execute(args));
  }
}
