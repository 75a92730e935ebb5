package io.distexec.cli;

import io.distexec.client.Credentials;
import io.distexec.client.DistexecClient;
import io.distexec.client.DistexecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
      ClusterCommand.class,
      ScalerCommand.class,
      DrainCommand.class,
      TokenCommand.class,
      AuditCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    footer = {
      "",
      "Exit codes: `run` exits with the command's own code (124 timed out, 130 cancelled, 125 when",
      "distexec could not run it); other commands: 0 done, 1 failed, 2 bad usage or input, 69 master unreachable,",
      "77 no token, a bad one, or one without the role the command needs.",
      "Token: --token, DISTEXEC_TOKEN, DISTEXEC_TOKEN_FILE, ~/.config/distexec/config (token=...), or the",
      "local cluster's .local-cluster/admin.token.",
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
  static final int EXIT_NO_PERMISSION = 77;

  /** Opens a client to a master's gRPC host:port, with a token or none. */
  @FunctionalInterface
  interface Connector {
    /**
     * @param ca the CA certificate to trust over TLS, or {@code null}
     */
    DistexecClient connect(String master, String token, Path ca);
  }

  @Option(
      names = "--master",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT",
      defaultValue = "${env:DISTEXEC_MASTER:-127.0.0.1:50051}",
      description =
          "The master's gRPC endpoint, or several comma-separated (the first that answers; env"
              + " DISTEXEC_MASTER; default ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (default ${DEFAULT-VALUE}).")
  Format output;

  @Option(
      names = "--token",
      scope = ScopeType.INHERIT,
      paramLabel = "TOKEN",
      description =
          "API token (dxt_...); otherwise DISTEXEC_TOKEN, DISTEXEC_TOKEN_FILE, the token of"
              + " ~/.config/distexec/config, or the local cluster's admin token.")
  String token;

  @Option(
      names = "--ca",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "CA certificate (PEM) of a master whose API serves TLS; otherwise DISTEXEC_CA, the ca of"
              + " ~/.config/distexec/config, or the local cluster's when it serves TLS.")
  Path ca;

  enum Format {
    table,
    json
  }

  private final Connector connect;

  Distctl(Connector connect) {
    this.connect = connect;
  }

  DistexecClient client() {
    DistexecClient.grpcTarget(master); // says what is wrong with the address before connecting
    return connect.connect(master, token(), ca());
  }

  /**
   * The CA to trust: --ca, what {@link Credentials} finds, or the local cluster's API CA
   * (bin/distctl names it in {@code distexec.localCa}; the file exists only while that cluster's
   * API is on TLS).
   */
  private Path ca() {
    if (ca != null) {
      return ca;
    }
    return Credentials.fromEnvironment().ca().or(() -> localFile("distexec.localCa")).orElse(null);
  }

  /**
   * The token to call with: --token, what {@link Credentials} finds, or the local cluster's admin
   * token (bin/distctl names its file in the system property {@code distexec.localToken}).
   */
  private String token() {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    return Credentials.fromEnvironment()
        .token()
        .or(() -> localFile("distexec.localToken").map(Distctl::read))
        .orElse(null);
  }

  /** A file of the local cluster that bin/distctl names in a system property, if it is there. */
  private static Optional<Path> localFile(String property) {
    return Optional.ofNullable(System.getProperty(property))
        .map(Path::of)
        .filter(Files::isReadable);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A command line whose commands connect with {@code connect}; errors become messages and exit
   * codes.
   */
  static CommandLine commandLine(Connector connect) {
    CommandLine cli = new CommandLine(new Distctl(connect));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("distctl: " + e.getMessage());
          commandLine.getErr().flush();
          if (e instanceof DistexecException.MasterUnavailableException) {
            commandLine
                .getErr()
                .println(
                    "distctl: set --master or DISTEXEC_MASTER to the master's gRPC host:port; if"
                        + " its API serves TLS, give its CA certificate (--ca or DISTEXEC_CA)");
            return EXIT_UNAVAILABLE;
          }
          if (e instanceof DistexecException.UnauthenticatedException
              || e instanceof DistexecException.PermissionDeniedException) {
            return EXIT_NO_PERMISSION;
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
    System.exit(
        commandLine(
                (master, token, ca) ->
                    DistexecClient.connect(master, DistexecClient.DEFAULT_DEADLINE, token, ca))
            .execute(args));
  }
}
