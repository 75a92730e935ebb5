package io.distexec.executor;

import java.util.ArrayList;
import java.util.List;

/**
 * The standard {@link ExecutionContext}: a cancellation flag with listeners, and an output sink.
 * The worker creates one per task and calls {@link #cancel(String)} when the task is cancelled.
 */
public final class Cancellation implements ExecutionContext {

  private final List<Runnable> actions = new ArrayList<>();
  private final OutputSink output;
  private String reason;

  /** A context whose live output is discarded (it is still kept in the result). */
  public Cancellation() {
    this(OutputSink.DISCARD);
  }

  public Cancellation(OutputSink output) {
    this.output = output;
  }

  @Override
  public OutputSink output() {
    return output;
  }

  /** Cancels the task; only the first call counts. */
  public void cancel(String why) {
    List<Runnable> toRun;
    synchronized (this) {
      if (reason != null) {
        return;
      }
      reason = why == null || why.isBlank() ? "cancelled" : why;
      toRun = List.copyOf(actions);
      actions.clear();
    }
    toRun.forEach(Runnable::run);
  }

  @Override
  public synchronized boolean isCancelled() {
    return reason != null;
  }

  @Override
  public synchronized String cancelReason() {
    return reason == null ? "" : reason;
  }

  @Override
  public void onCancel(Runnable action) {
    synchronized (this) {
      if (reason == null) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }
}
