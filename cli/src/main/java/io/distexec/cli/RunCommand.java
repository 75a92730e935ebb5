package io.distexec.cli;

import io.distexec.client.DistexecClient;
import io.distexec.client.DistexecException;
import io.distexec.client.Job;
import io.distexec.client.JobEvent;
import io.distexec.client.JobStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Submits a command, streams its output live, and exits with its exit code. */
@Command(
    name = "run",
    description = {
      "Runs a command on the cluster: its stdout and stderr appear here as it",
      "prints them, and distctl exits with its exit code (124 timed out, 130 cancelled). Ctrl-C cancels it.",
      "Example: distctl run -- sh -c 'echo hi; exit 3'"
    })
final class RunCommand implements Callable<Integer> {

  @ParentCommand Distctl parent;

  @Spec CommandSpec spec;

  @Mixin JobOptions job;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (DistexecClient client = parent.client()) {
      // The hook is in place before the submit: a Ctrl-C right after it (before its answer has
      // come, or before a hook registered after it would be) still cancels the job.
      CompletableFuture<Job> submittedJob = new CompletableFuture<>();
      AtomicBoolean ended = new AtomicBoolean();
      Thread cancelOnInterrupt =
          new Thread(
              () -> {
                if (ended.get()) {
                  return;
                }
                Job submitted;
                try {
                  // The main thread runs on during shutdown: the submit under way completes.
                  submitted = submittedJob.get(SUBMIT_PATIENCE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException | ExecutionException | TimeoutException e) {
                  return; // nothing was submitted, or we cannot know what
                }
                try {
                  client.cancel(submitted.id(), "interrupted (Ctrl-C)");
                  err.println("\ndistctl: cancelled job " + submitted.id());
                } catch (DistexecException e) {
                  err.println(
                      "\ndistctl: could not cancel job " + submitted.id() + ": " + e.getMessage());
                }
                err.flush();
              });
      Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
      Job submitted;
      try {
        submitted = client.submit(job.toRequest());
      } catch (RuntimeException e) {
        submittedJob.completeExceptionally(e);
        removeHook(cancelOnInterrupt);
        throw e;
      }
      submittedJob.complete(submitted);
      Spinner spinner = Spinner.start(err, "job " + submitted.id() + " waiting for a worker");
      try {
        client.watch(
            submitted.id(),
            0,
            event -> {
              if (event instanceof JobEvent.StateChanged s && s.status() != JobStatus.QUEUED) {
                spinner.stop();
              }
              if (event instanceof JobEvent.Output o) {
                spinner.stop();
                PrintWriter target = o.stderr() ? err : out;
                target.print(o.text());
                target.flush();
              }
            });
      } finally {
        spinner.stop();
        ended.set(true);
        removeHook(cancelOnInterrupt);
      }
      Job done = client.get(submitted.id());
      return exitCode(done, err);
    }
  }

  /** How long a Ctrl-C waits for a submit under way to be answered, to cancel its job. */
  static final long SUBMIT_PATIENCE_SECONDS = 10;

  static int exitCode(Job job, PrintWriter err) {
    switch (job.status()) {
      case SUCCEEDED:
        return 0;
      case TIMED_OUT:
        err.println("distctl: " + job.error());
        return Distctl.EXIT_TIMED_OUT;
      case CANCELLED:
        err.println("distctl: " + job.error());
        return Distctl.EXIT_CANCELLED;
      default:
        if (job.exitCode().isPresent() && job.error().startsWith("exited with code")) {
          return job.exitCode().getAsInt(); // the command said it: no need to repeat
        }
        err.println("distctl: job " + job.id() + " " + job.status() + ": " + job.error());
        return job.exitCode().orElse(Distctl.EXIT_NOT_RUN);
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs
    }
  }
}
