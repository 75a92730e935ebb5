package io.distexec.client;

import java.time.Duration;

/**
 * The example in the README, compiled here (DistexecClientTest checks the README shows exactly
 * this).
 */
final class ReadmeExample {

  private ReadmeExample() {}

  static void main(String[] args) {
    // README:begin
    try (DistexecClient client = DistexecClient.connect("127.0.0.1:50051")) {
      JobRequest request =
          JobRequest.command("sh", "-c", "echo building; make -s all")
              .workdir("/srv/project")
              .timeout(Duration.ofMinutes(10))
              .build();
      Job job =
          client.run(
              request,
              event -> {
                if (event instanceof JobEvent.Output output) {
                  System.out.print(output.text()); // live, as the command prints it
                }
              });
      System.out.println(job.status() + " " + job.exitCode()); // e.g. SUCCEEDED OptionalInt[0]
    } catch (DistexecException.MasterUnavailableException e) {
      // e.g. "cannot reach the master at 127.0.0.1:50051 ...; is it running?"
      System.err.println(e.getMessage());
    }
    // README:end
  }
}
