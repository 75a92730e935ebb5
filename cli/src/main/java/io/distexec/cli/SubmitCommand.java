package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.Job;
import io.distexec.client.JobRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "submit",
    description = {
      "Submits a command and prints the job id at once; with --count or --args-from, many jobs"
          + " (in batches of up to 1,000, one commit each), one id per line.",
      "Example: id=$(distctl submit -- make test); distctl logs -f $id",
      "Example: ls *.csv | distctl submit --args-from - -- gzip -9"
    })
final class SubmitCommand implements Callable<Integer> {

  /** A batch's wire size stays under this: the master takes one submit's bound per request. */
  static final int BATCH_BYTES = 512 * 1024;

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Mixin JobOptions job;

  @Option(names = "--count", paramLabel = "N", description = "Submit the command N times (N jobs).")
  Integer count;

  @Option(
      names = "--args-from",
      paramLabel = "FILE",
      description =
          "One job per line of FILE (- for standard input), the line added as the last argument,"
              + " as xargs -n1 would; empty lines are skipped.")
  String argsFrom;

  @Override
  public Integer call() throws IOException {
    if (count != null && argsFrom != null) {
      throw new IllegalArgumentException("give --count or --args-from, not both");
    }
    if (count != null && count < 1) {
      throw new IllegalArgumentException("--count must be at least 1");
    }
    try (DistexecClient client = parent.client()) {
      if (count == null && argsFrom == null) {
        print(client.submit(job.toRequest()));
        return 0;
      }
      if (count != null) {
        // nCopies holds the one request, not count of them.
        submitAll(client, Collections.nCopies(count, job.toRequest(null)).iterator());
        return 0;
      }
      try (BufferedReader lines = open(argsFrom)) {
        submitAll(
            client,
            lines
                .lines()
                .filter(line -> !line.isEmpty())
                .map(job::toRequestWithLastArg)
                .iterator());
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      return 0;
    }
  }

  /**
   * Sends the requests in batches of up to {@value DistexecClient#MAX_BATCH_JOBS} jobs and {@value
   * #BATCH_BYTES} bytes, printing each batch's ids as it is stored; batch {@code n} carries the
   * idempotency key {@code KEY#n}, so running the same command again submits nothing twice.
   */
  private void submitAll(DistexecClient client, Iterator<JobRequest> requests) {
    List<JobRequest> batch = new ArrayList<>();
    int bytes = 0;
    int number = 0;
    while (requests.hasNext()) {
      JobRequest next = requests.next();
      if (!batch.isEmpty()
          && (batch.size() == DistexecClient.MAX_BATCH_JOBS
              || bytes + next.serializedSize() > BATCH_BYTES)) {
        send(client, batch, number++);
        batch.clear();
        bytes = 0;
      }
      batch.add(next);
      bytes += next.serializedSize();
    }
    if (!batch.isEmpty()) {
      send(client, batch, number);
    }
  }

  private void send(DistexecClient client, List<JobRequest> batch, int number) {
    String key = job.idempotencyKey == null ? null : job.idempotencyKey + "#" + number;
    client.submitBatch(batch, key).forEach(this::print);
    spec.commandLine().getOut().flush();
  }

  private void print(Job submitted) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(parent.output == Distctl.Format.json ? submitted.toJson() : submitted.id());
  }

  private static BufferedReader open(String file) throws IOException {
    return file.equals("-")
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
  }
}
